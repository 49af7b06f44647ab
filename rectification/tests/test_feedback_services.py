"""Feedback services: assembling the problems from the approved findings by taxonomy area, wording them,
rendering the documents and recording the feedback meeting — and every refusal."""

import datetime

import pytest
from django.utils import timezone

from clues.models import FindingStatus
from clues.tests.factories import CategoryFactory, FindingFactory
from rectification.documents import feedback as docs_feedback
from rectification.models import Rectification, RectStatus, Report, ReportKind
from rectification.services import feedback as services
from rectification.tests.factories import ProblemFactory, RectificationFactory
from rounds.models import MilestoneKind, Round, RoundStatus
from rounds.tests.factories import AssignmentFactory, UnitFactory
from xuncha.access.grants import sync_unit
from xuncha.accounts.roles import Role
from xuncha.core.models import DocumentStatus
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db

d = datetime.date
TODAY = d(2026, 7, 12)
DEADLINE = d(2026, 10, 31)
MEETING = d(2026, 7, 10)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


# --- helpers the other feedback tests use too --------------------------------------------------------


def make_areas():
    """Two areas of the taxonomy, the second first in the database, each with one sub-category."""
    second = CategoryFactory(name="聚焦基层党组织领导班子和干部队伍建设", order=3)
    first = CategoryFactory(name="聚焦群众身边腐败问题和不正之风", order=2)
    return {
        "first": first,
        "second": second,
        "first_child": CategoryFactory(name="中央八项规定精神", parent=first, order=1),
        "second_child": CategoryFactory(name="党组织建设", parent=second, order=1),
    }


def make_assignment(make_user=None, *, round_status=RoundStatus.FEEDBACK, unit_name="县农业农村局"):
    assignment = AssignmentFactory(unit=UnitFactory(name=unit_name))
    Round.objects.filter(pk=assignment.round_id).update(status=round_status)
    assignment.round.refresh_from_db()
    if make_user is not None:
        unit = assignment.unit
        unit.principal_user = make_user(Role.UNIT)
        unit.liaison_user = make_user(Role.UNIT)
        unit.save()
        sync_unit(unit)
    return assignment


def approve(assignment, category, **kwargs):
    kwargs.setdefault("status", FindingStatus.APPROVED)
    return FindingFactory(assignment=assignment, category=category, **kwargs)


def make_findings(assignment, areas):
    """Three approved findings (serials out of area order) and one still in review."""
    return {
        "late_second": approve(
            assignment,
            areas["second_child"],
            serial=1,
            title="“三会一课”制度落实不到位",
            manifestation="2025年支部委员会会议记录缺失4次。",
            basis="违反《中国共产党支部工作条例》第十九条。",
            responsible_persons="赵某某（机关党委书记）",
        ),
        "first_b": approve(
            assignment,
            areas["first_child"],
            serial=3,
            title="公务接待超标准",
            manifestation="超标准接待6次。",
            basis="违反中央八项规定精神实施细则。",
            responsible_persons="钱某某（办公室主任）",
        ),
        "first_a": approve(
            assignment,
            areas["first"],
            serial=2,
            title="违规发放津补贴",
            manifestation="违规发放津补贴12万元。",
            basis="违反《中国共产党纪律处分条例》第一百零三条。",
            responsible_persons="孙某某（局长）",
            fixed_on_site=True,
            on_site_action="已全部追回。",
        ),
        "draft": FindingFactory(
            assignment=assignment,
            category=areas["first_child"],
            serial=4,
            status=FindingStatus.SUBMITTED,
            title="尚在审核的问题",
        ),
    }


def create(assignment, office_user, **kwargs):
    kwargs.setdefault("deadline", DEADLINE)
    kwargs.setdefault("demands", services.DEFAULT_DEMANDS)
    return services.rectification_create(assignment=assignment, by=office_user, **kwargs)


def hold_meeting(rect, office_user, day=MEETING):
    return services.meeting_record(
        rect=rect, date=day, place="局三楼会议室", attendees="巡察组全体成员、局领导班子成员", by=office_user
    )


def refused(func, *fragments, **kwargs):
    with pytest.raises(DomainError) as info:
        func(**kwargs)
    text = info.value.full_message()
    for fragment in fragments:
        assert fragment in text, text
    return text


# --- rectification_create ----------------------------------------------------------------------------


def test_create_takes_approved_findings_grouped_by_area_then_serial(office_user):
    areas = make_areas()
    assignment = make_assignment()
    f = make_findings(assignment, areas)
    rect = create(assignment, office_user, report_summary=" 总体较好 ", feedback_intro="导语")
    assert rect.status == RectStatus.PREPARING and not rect.fed_back
    assert (rect.round_id, rect.unit_id, rect.team_id) == (
        assignment.round_id,
        assignment.unit_id,
        assignment.team_id,
    )
    assert rect.report_summary == "总体较好" and rect.created_by == office_user
    problems = list(rect.problems.order_by("seq"))
    # The area ordered 2 first (its findings by serial: 2, 3), then the area ordered 3; never the draft.
    assert [p.finding for p in problems] == [f["first_a"], f["first_b"], f["late_second"]]
    assert [p.seq for p in problems] == [1, 2, 3]
    first = problems[0]
    assert (first.title, first.description, first.category, first.fixed_on_site) == (
        "违规发放津补贴",
        "违规发放津补贴12万元。",
        areas["first"],
        True,
    )
    assert rect.history.first().history_user == office_user
    assert first.history.first().history_user == office_user


def test_group_by_area_follows_the_taxonomy_order(office_user):
    areas = make_areas()
    assignment = make_assignment()
    make_findings(assignment, areas)
    rect = create(assignment, office_user)
    grouped = services.group_by_area(rect.problems.all())
    assert [a.category for a in grouped] == [areas["first"], areas["second"]]
    assert [[p.seq for p in a.items] for a in grouped] == [[1, 2], [3]]


@pytest.mark.parametrize("status", [RoundStatus.REPORTING, RoundStatus.FEEDBACK, RoundStatus.RECTIFYING])
def test_create_in_each_allowed_round_stage(office_user, status):
    areas = make_areas()
    assignment = make_assignment(round_status=status)
    approve(assignment, areas["first"])
    assert create(assignment, office_user).problems.count() == 1


def test_create_refusals(office_user, leader_user, make_user):
    areas = make_areas()
    assignment = make_assignment(round_status=RoundStatus.STATIONED)
    refused(
        services.rectification_create,
        "只有巡察办",
        assignment=assignment,
        deadline=DEADLINE,
        demands="x",
        by=leader_user,
    )
    refused(
        services.rectification_create,
        "只有巡察办",
        assignment=assignment,
        deadline=DEADLINE,
        demands="x",
        by=make_user(Role.TEAM),
    )
    # Every reason at once: the stage, no approved finding, the deadline, the demands.
    text = refused(
        services.rectification_create,
        "报告、反馈或整改阶段",
        "尚无巡察办审定的问题底稿",
        "整改期限须晚于今天",
        "请填写整改要求",
        assignment=assignment,
        deadline=TODAY,
        demands="  ",
        by=office_user,
    )
    assert text.startswith("反馈未创建")
    Round.objects.filter(pk=assignment.round_id).update(status=RoundStatus.FEEDBACK)
    approve(assignment, areas["first"], status=FindingStatus.LEADER_APPROVED)
    refused(create, "尚无巡察办审定的问题底稿", assignment=assignment, office_user=office_user)
    approve(assignment, areas["first"])
    create(assignment, office_user)
    refused(create, "不能重复创建", assignment=assignment, office_user=office_user)
    assert Rectification.objects.count() == 1


# --- sync, word, remove --------------------------------------------------------------------------------


def test_sync_appends_findings_approved_later(office_user):
    areas = make_areas()
    assignment = make_assignment()
    f = make_findings(assignment, areas)
    rect = create(assignment, office_user)
    assert services.rectification_sync_problems(rect=rect, by=office_user) == 0
    f["draft"].status = FindingStatus.APPROVED
    f["draft"].save()
    assert services.rectification_sync_problems(rect=rect, by=office_user) == 1
    last = rect.problems.order_by("seq").last()
    assert (last.seq, last.finding) == (4, f["draft"])
    assert services.rectification_sync_problems(rect=rect, by=office_user) == 0


def test_sync_refusals(office_user, leader_user):
    rect = RectificationFactory()  # the meeting is held
    refused(services.rectification_sync_problems, "只有巡察办", rect=rect, by=leader_user)
    refused(services.rectification_sync_problems, "反馈会已召开", rect=rect, by=office_user)


def test_problem_update_and_remove_renumber(office_user):
    areas = make_areas()
    assignment = make_assignment()
    make_findings(assignment, areas)
    rect = create(assignment, office_user)
    p1, p2, p3 = rect.problems.order_by("seq")
    services.problem_update(
        problem=p2, title=" 公务接待不规范 ", description="接待清单缺失。", by=office_user
    )
    p2.refresh_from_db()
    assert (p2.title, p2.description) == ("公务接待不规范", "接待清单缺失。")
    assert p2.history.first().history_user == office_user
    services.problem_remove(problem=p1, by=office_user)
    assert [(p.pk, p.seq) for p in rect.problems.order_by("seq")] == [(p2.pk, 1), (p3.pk, 2)]


def test_problem_refusals(office_user, leader_user):
    areas = make_areas()
    assignment = make_assignment()
    make_findings(assignment, areas)
    rect = create(assignment, office_user)
    problem = rect.problems.first()
    refused(
        services.problem_update, "只有巡察办", problem=problem, title="t", description="d", by=leader_user
    )
    refused(services.problem_remove, "只有巡察办", problem=problem, by=leader_user)
    refused(
        services.problem_update,
        "请填写问题",
        "请填写具体表现",
        problem=problem,
        title=" ",
        description="",
        by=office_user,
    )
    refused(
        services.problem_update,
        "不超过200字",
        problem=problem,
        title="长" * 201,
        description="d",
        by=office_user,
    )
    hold_meeting(rect, office_user)
    refused(
        services.problem_update, "反馈会已召开", problem=problem, title="t", description="d", by=office_user
    )
    refused(services.problem_remove, "反馈会已召开", problem=problem, by=office_user)
    assert rect.problems.count() == 3


# --- feedback_update ---------------------------------------------------------------------------------


def _update(rect, by, **kwargs):
    values = {
        "report_summary": rect.report_summary,
        "feedback_intro": rect.feedback_intro,
        "demands": rect.demands,
        "deadline": rect.deadline,
        **kwargs,
    }
    return services.feedback_update(rect=rect, by=by, **values)


def test_feedback_update_and_a_new_deadline_moves_the_schedule(office_user):
    rect = RectificationFactory(meeting_date=d(2026, 7, 1), deadline=d(2026, 8, 31))
    assert rect.reports.filter(kind=ReportKind.FINAL).get().due_date == d(2026, 8, 31)
    rect = _update(
        rect, office_user, demands="一、提高站位", report_summary="总体评价", deadline=d(2026, 9, 30)
    )
    rect.refresh_from_db()
    assert (rect.demands, rect.report_summary, rect.deadline) == ("一、提高站位", "总体评价", d(2026, 9, 30))
    assert rect.reports.filter(kind=ReportKind.FINAL).get().due_date == d(2026, 9, 30)
    assert rect.reports.filter(kind=ReportKind.HALF_MONTHLY, due_date=d(2026, 9, 15)).exists()


def test_feedback_update_refusals(office_user, leader_user):
    rect = RectificationFactory(meeting_date=d(2026, 7, 1), deadline=d(2026, 8, 31))
    refused(_update, "只有巡察办", rect=rect, by=leader_user)
    refused(_update, "请填写整改要求", rect=rect, by=office_user, demands=" ")
    refused(_update, "新的整改期限须晚于今天", rect=rect, by=office_user, deadline=TODAY)
    # An unchanged deadline that has passed does not stop the demands being corrected.
    past = RectificationFactory(meeting_date=d(2026, 5, 1), deadline=d(2026, 7, 1))
    _update(past, office_user, demands="改")
    rect.status = RectStatus.CLOSED
    rect.save()
    refused(_update, "整改已完成", rect=rect, by=office_user, demands="改")


# --- feedback_render ---------------------------------------------------------------------------------


def test_feedback_render_asks_for_the_four_documents(office_user, leader_user):
    rect = ProblemFactory().rectification
    refused(services.feedback_render, "只有巡察办", rect=rect, by=leader_user)
    docs = services.feedback_render(rect=rect, by=office_user)
    assert [doc.kind for doc in docs] == [
        docs_feedback.KIND_REPORT_DOCX,
        docs_feedback.KIND_REPORT_PDF,
        docs_feedback.KIND_FEEDBACK_DOCX,
        docs_feedback.KIND_FEEDBACK_PDF,
    ]
    assert [doc.fmt for doc in docs] == ["docx", "pdf", "docx", "pdf"]
    unit = rect.unit.name
    assert docs[0].title == f"关于巡察{unit}的情况报告" and docs[2].title == f"关于巡察{unit}的反馈意见"
    assert all(doc.status == DocumentStatus.QUEUED and doc.subject == rect for doc in docs)


def test_feedback_render_refused_without_problems(office_user):
    rect = RectificationFactory(meeting_date=None, round_status=RoundStatus.FEEDBACK)
    refused(services.feedback_render, "没有反馈问题", rect=rect, by=office_user)


# --- meeting_record ----------------------------------------------------------------------------------


def test_meeting_record_feeds_back_schedules_notifies_and_sets_the_milestone(office_user, make_user):
    areas = make_areas()
    assignment = make_assignment(make_user)
    make_findings(assignment, areas)
    rect = create(assignment, office_user)
    assert not rect.reports.exists()
    rect = hold_meeting(rect, office_user, d(2026, 7, 10))
    rect.refresh_from_db()
    assert rect.status == RectStatus.PLANNING and rect.fed_back
    assert (rect.meeting_date, rect.meeting_place, rect.meeting_recorded_by) == (
        d(2026, 7, 10),
        "局三楼会议室",
        office_user,
    )
    dues = list(rect.reports.order_by("due_date").values_list("kind", "due_date"))
    assert dues[0] == (ReportKind.HALF_MONTHLY, d(2026, 7, 15))
    assert dues[-1] == (ReportKind.FINAL, DEADLINE)
    unit = assignment.unit
    notes = Notification.objects.filter(title="巡察反馈意见已送达，请制定整改方案")
    assert {n.recipient for n in notes} == {unit.principal_user, unit.liaison_user}
    assert all(n.link == f"/rectification/{rect.pk}/" for n in notes)
    milestone = assignment.round.milestones.get(kind=MilestoneKind.FEEDBACK)
    assert milestone.actual_date == d(2026, 7, 10)
    assert milestone.history.first().history_user == office_user


def test_meeting_keeps_a_milestone_already_recorded(office_user):
    areas = make_areas()
    assignment = make_assignment()
    approve(assignment, areas["first"])
    assignment.round.milestones.filter(kind=MilestoneKind.FEEDBACK).update(actual_date=d(2026, 7, 8))
    hold_meeting(create(assignment, office_user), office_user, d(2026, 7, 10))
    assert assignment.round.milestones.get(kind=MilestoneKind.FEEDBACK).actual_date == d(2026, 7, 8)


def test_meeting_refusals(office_user, leader_user):
    areas = make_areas()
    assignment = make_assignment(round_status=RoundStatus.REPORTING)
    approve(assignment, areas["first"])
    rect = create(assignment, office_user)
    call = services.meeting_record
    refused(call, "只有巡察办", rect=rect, date=TODAY, place="", attendees="全体", by=leader_user)
    refused(call, "反馈或整改阶段", rect=rect, date=TODAY, place="", attendees="全体", by=office_user)
    Round.objects.filter(pk=assignment.round_id).update(status=RoundStatus.FEEDBACK)
    refused(
        call,
        "不能晚于今天",
        rect=rect,
        date=TODAY + datetime.timedelta(days=1),
        place="",
        attendees="全体",
        by=office_user,
    )
    late = RectificationFactory(meeting_date=None, round_status=RoundStatus.FEEDBACK, deadline=d(2026, 7, 5))
    ProblemFactory(rectification=late)
    refused(call, "须早于整改期限", rect=late, date=d(2026, 7, 6), place="", attendees="全体", by=office_user)
    refused(call, "请填写参会人员", rect=rect, date=TODAY, place="", attendees=" ", by=office_user)
    empty = RectificationFactory(meeting_date=None, round_status=RoundStatus.FEEDBACK)
    refused(call, "没有反馈问题", rect=empty, date=TODAY, place="", attendees="全体", by=office_user)
    rect.refresh_from_db()
    assert rect.status == RectStatus.PREPARING and not rect.reports.exists()


def test_meeting_correction_while_planning_and_refused_once_reported(office_user, make_user):
    areas = make_areas()
    assignment = make_assignment(make_user)
    approve(assignment, areas["first"])
    rect = hold_meeting(create(assignment, office_user), office_user, d(2026, 7, 1))
    assert rect.reports.filter(due_date=d(2026, 7, 15)).exists()
    # Corrected: a later date moves the schedule and the milestone; nobody is told twice.
    rect = services.meeting_record(
        rect=rect, date=d(2026, 7, 11), place="会议室", attendees="全体", by=office_user
    )
    assert rect.status == RectStatus.PLANNING and rect.meeting_date == d(2026, 7, 11)
    assert assignment.round.milestones.get(kind=MilestoneKind.FEEDBACK).actual_date == d(2026, 7, 11)
    assert Notification.objects.filter(title="巡察反馈意见已送达，请制定整改方案").count() == 2
    Report.objects.filter(rectification=rect).update(submitted_at=timezone.now())
    refused(
        services.meeting_record,
        "不能再修改反馈会记录",
        rect=rect,
        date=d(2026, 7, 11),
        place="",
        attendees="全体",
        by=office_user,
    )
    submitted = RectificationFactory(status=RectStatus.PLAN_SUBMITTED)
    refused(
        services.meeting_record,
        "反馈会已记录",
        rect=submitted,
        date=d(2026, 7, 1),
        place="",
        attendees="全体",
        by=office_user,
    )


def test_demands_get_the_three_doubles_when_they_leave_them_out():
    assert services.demands_with_three_doubles(services.DEFAULT_DEMANDS) == services.demands_lines(
        services.DEFAULT_DEMANDS
    )
    lines = services.demands_with_three_doubles("一、提高政治站位\n\n二、逐项对账销号")
    assert lines[:2] == ["一、提高政治站位", "二、逐项对账销号"] and lines[2] == services.THREE_DOUBLES
