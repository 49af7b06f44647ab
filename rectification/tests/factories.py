"""Factories for feedback and rectification. Rows are built directly (the services are under test)."""

import datetime

import factory

from clues.tests.factories import CategoryFactory
from rectification.models import (
    Measure,
    MeasureKind,
    Problem,
    Rectification,
    RectStatus,
)
from rectification.services.schedule import report_schedule
from rounds.models import Round, RoundStatus
from rounds.tests.factories import AssignmentFactory


class RectificationFactory(factory.django.DjangoModelFactory):
    """A rectification of an assignment in a rectifying round. With `meeting_date` set (the default) the
    feedback meeting is held and the report schedule exists; pass `meeting_date=None` for one still
    being prepared (status 反馈准备)."""

    class Meta:
        model = Rectification
        skip_postgeneration_save = True

    assignment = factory.SubFactory(AssignmentFactory)
    round = factory.LazyAttribute(lambda r: r.assignment.round)
    unit = factory.LazyAttribute(lambda r: r.assignment.unit)
    team = factory.LazyAttribute(lambda r: r.assignment.team)
    demands = "一、提高政治站位\n二、逐项对账销号"
    deadline = datetime.date(2026, 9, 30)
    meeting_date = datetime.date(2026, 7, 1)
    meeting_place = "县农业农村局三楼会议室"
    meeting_attendees = "巡察组全体成员、单位领导班子成员"
    round_status = RoundStatus.RECTIFYING
    status = factory.LazyAttribute(lambda r: RectStatus.PLANNING if r.meeting_date else RectStatus.PREPARING)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Assignments are made before the round leaves 筹备; the rectification belongs to a later stage.
        round_status = kwargs.pop("round_status", RoundStatus.RECTIFYING)
        assignment = kwargs["assignment"]
        Round.objects.filter(pk=assignment.round_id).update(status=round_status)
        assignment.round.status = round_status
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def schedule(obj, create, extracted, **kwargs):
        if create and obj.meeting_date:
            report_schedule(obj)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    rectification = factory.SubFactory(RectificationFactory)
    seq = factory.Sequence(lambda n: n + 1)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"反馈问题{n}")
    description = "具体表现：会议记录不全。"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    problem = factory.SubFactory(ProblemFactory)
    rectification = factory.LazyAttribute(lambda m: m.problem.rectification)
    seq = factory.Sequence(lambda n: n + 1)
    content = "健全会议记录制度"
    goal = "会议记录完整规范"
    deadline = datetime.date(2026, 8, 31)
    kind = MeasureKind.DEADLINE
    responsible_leader = "王局长"
    responsible_branch = "办公室"
    responsible_person = "赵干事"
