import datetime

import factory

from rounds import services
from rounds.models import Announcement, Assignment, Round, RoundKind, Term, Unit, UnitType


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    unit_type = UnitType.DEPARTMENT
    principal_name = "张三"
    liaison_name = "李四"


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("name",)

    name = "第十五届县委"
    start_date = datetime.date(2022, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    is_current = True


class RoundFactory(factory.django.DjangoModelFactory):
    """A round made by the service, so it has its six milestones."""

    class Meta:
        model = Round

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = RoundKind.REGULAR
    planned_start = datetime.date(2026, 3, 1)
    planned_end = datetime.date(2026, 6, 30)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status", None)
        # Factory numbers come from a sequence shared by every test, so they skip: said so, as an office
        # user would have to.
        round = services.round_create(round=model_class(*args, **kwargs), by=None, number_note="测试数据按序列编号")
        if status:
            Round.objects.filter(pk=round.pk).update(status=status)
            round.refresh_from_db()
        return round


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment made by the service (recusal checked, grants written)."""

    class Meta:
        model = Assignment

    round = factory.LazyAttribute(lambda a: a.team.round)
    team = factory.SubFactory("teams.tests.factories.TeamFactory")
    unit = factory.SubFactory(UnitFactory)
    onsite_start = datetime.date(2026, 4, 1)
    onsite_end = datetime.date(2026, 5, 15)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.assignment_create(assignment=model_class(*args, **kwargs), by=None)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    assignment = factory.SubFactory(AssignmentFactory)
    start_date = datetime.date(2026, 4, 1)
    end_date = datetime.date(2026, 5, 15)
    phone = "0731-1234567"
    mailbox = "青山县邮政1号信箱"
    email = "xc1@qingshan.example"
