"""对账销号, 整改评估 and 问责: the services and every refusal; the round's 整改 → 完成 guard.

`make_world` and its helpers are shared by the closing, publicity and lookback tests."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rectification.models import (
    Accountability,
    AccountabilityReason,
    MeasureEvent,
    MeasureKind,
    MeasureStatus,
    ProgressLevel,
    Rating,
    RectStatus,
    ReportEntry,
    ReportEvidence,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from rectification.selectors.closing import last_closed_at, last_rating, latest_entries
from rectification.services.closing import (
    accountability_add,
    accountability_update,
    close_problems,
    measure_close,
    measure_reopen,
    measure_return,
    rectification_close,
)
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import MilestoneKind, Round, RoundStatus
from rounds.services import unit_save
from rounds.services.rounds import round_transition
from teams.tests.factories import CadreFactory, TeamMemberFactory
from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

# --- the world every closing test shares ------------------------------------------------------------


def make_world(*, status=RectStatus.IN_PROGRESS, **rect_kwargs) -> SimpleNamespace:
    """A rectification in progress with two problems and three measures (1.1, 2.1, and 2.2 long-term),
    and a user of every standing: office, leader, team member, another team's member, the unit's
    principal and liaison, another unit's principal, the discipline commission."""
    w = SimpleNamespace()
    w.office = UserFactory(roles=[Role.OFFICE])
    w.leader = UserFactory(roles=[Role.LEADER])
    w.member = UserFactory(roles=[Role.TEAM])
    w.other_member = UserFactory(roles=[Role.TEAM])
    w.principal = UserFactory(roles=[Role.UNIT])
    w.liaison = UserFactory(roles=[Role.UNIT])
    w.other_unit_user = UserFactory(roles=[Role.UNIT])
    w.jiwei = UserFactory(roles=[Role.JIWEI])
    w.rect = RectificationFactory(status=status, **rect_kwargs)
    unit = w.rect.unit
    unit.principal_name = "张三"
    unit.liaison_name = "李四"
    unit.principal_user = w.principal
    unit.liaison_user = w.liaison
    unit_save(unit=unit)
    TeamMemberFactory(team=w.rect.team, cadre=CadreFactory(user=w.member))
    access.grants.sync_team(w.rect.team)
    w.other = RectificationFactory(status=status)
    other_unit = w.other.unit
    other_unit.principal_user = w.other_unit_user
    unit_save(unit=other_unit)
    TeamMemberFactory(team=w.other.team, cadre=CadreFactory(user=w.other_member))
    access.grants.sync_team(w.other.team)
    w.p1 = ProblemFactory(rectification=w.rect, seq=1, title="三重一大制度执行不严格")
    w.p2 = ProblemFactory(rectification=w.rect, seq=2, title="会议记录不全")
    w.m11 = MeasureFactory(
        problem=w.p1, seq=1, content="修订三重一大决策制度", responsible_leader="王建国", responsible_person="刘洋"
    )
    w.m21 = MeasureFactory(problem=w.p2, seq=1, content="健全会议记录制度")
    w.m22 = MeasureFactory(problem=w.p2, seq=2, content="常态化开展学习", kind=MeasureKind.LONG_TERM)
    return w


def final_report(rect):
    return rect.reports.get(kind=ReportKind.FINAL)


def submit_final(rect):
    report = final_report(rect)
    report.submitted_at = timezone.now()
    report.save()
    return report


def report_entry(measure, *, report=None, status=VersionStatus.SIGNED, number=1, narrative="已完成", evidence=()):
    """A version of a report (the first half-monthly one unless given) saying this of the measure."""
    rect = measure.rectification
    report = report or rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date").first()
    version, _ = ReportVersion.objects.get_or_create(report=report, number=number, defaults={"status": status})
    entry = ReportEntry.objects.create(
        version=version, measure=measure, progress=ProgressLevel.DONE, narrative=narrative
    )
    for name in evidence:
        ReportEvidence.objects.create(
            entry=entry,
            file=SimpleUploadedFile(name, b"%PDF-1.4 evidence"),
            name=name,
            size=17,
            sha256="0" * 64,
        )
    return entry


def close_all(w):
    for m in (w.m11, w.m21):
        measure_close(measure=m, by=w.office)


def titles_of(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# --- measures -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_close_measure_records_who_when_and_the_event():
    w = make_world()
    m = measure_close(measure=w.m11, by=w.office, reason="制度已印发，佐证齐全")
    m.refresh_from_db()
    assert m.status == MeasureStatus.CLOSED
    assert m.closed_by == w.office and m.closed_at is not None
    event = m.events.get()
    assert (event.action, event.reason, event.by) == (MeasureEvent.Action.CLOSE, "制度已印发，佐证齐全", w.office)
    assert m.history.first().history_user == w.office


@pytest.mark.django_db
def test_close_refusals():
    w = make_world()
    with pytest.raises(DomainError, match="只有巡察办"):
        measure_close(measure=w.m11, by=w.leader)
    with pytest.raises(DomainError, match="只有巡察办"):
        measure_close(measure=w.m11, by=w.principal)
    measure_close(measure=w.m11, by=w.office)
    with pytest.raises(DomainError, match="措施1.1已销号"):
        measure_close(measure=w.m11, by=w.office)
    planning = make_world(status=RectStatus.PLANNING)
    with pytest.raises(DomainError, match="整改中"):
        measure_close(measure=planning.m11, by=planning.office)
    planning.m11.refresh_from_db()
    assert planning.m11.status == MeasureStatus.OPEN


@pytest.mark.django_db
def test_return_needs_a_reason_and_tells_the_principal_and_liaison():
    w = make_world()
    with pytest.raises(DomainError, match="请填写退回理由"):
        measure_return(measure=w.m11, reason="  ", by=w.office)
    with pytest.raises(DomainError, match="只有巡察办"):
        measure_return(measure=w.m11, reason="佐证不足", by=w.member)
    m = measure_return(measure=w.m11, reason="佐证材料不足，制度未印发", by=w.office)
    assert m.status == MeasureStatus.RETURNED
    assert m.events.get().reason == "佐证材料不足，制度未印发"
    assert "整改措施1.1被退回重改" in titles_of(w.principal)
    assert "整改措施1.1被退回重改" in titles_of(w.liaison)
    assert titles_of(w.jiwei) == []
    body = Notification.objects.get(recipient=w.principal).body
    assert "佐证材料不足" in body
    # Returned again before the unit answered: nothing new to judge, refused (the unit is not told twice).
    with pytest.raises(DomainError, match="单位尚未报送新的整改进展，无需再次退回"):
        measure_return(measure=w.m11, reason="仍未印发", by=w.office)
    assert w.m11.events.count() == 1
    # Still not done after a new report: returned again, then closed at last once the unit reported again.
    _report_after_return(w.m11)
    measure_return(measure=w.m11, reason="仍未印发", by=w.office)
    _report_after_return(w.m11, number=2)
    assert measure_close(measure=w.m11, by=w.office).status == MeasureStatus.CLOSED
    assert list(w.m11.events.values_list("action", flat=True)) == ["return", "return", "close"]


def _report_after_return(measure, number=1):
    entry = report_entry(measure, status=VersionStatus.SUBMITTED, number=number, evidence=["制度文件.pdf"])
    ReportVersion.objects.filter(pk=entry.version_id).update(submitted_at=timezone.now())
    return entry


@pytest.mark.django_db
def test_a_returned_measure_closes_only_after_the_unit_reported_again():
    w = make_world()
    # Progress reported before the return does not count.
    _report_after_return(w.m11)
    measure_return(measure=w.m11, reason="制度未印发", by=w.office)
    with pytest.raises(DomainError, match="须待单位在整改报告中报送新的整改进展或佐证材料后才能销号"):
        measure_close(measure=w.m11, by=w.office)
    w.m11.refresh_from_db()
    assert w.m11.status == MeasureStatus.RETURNED
    # A draft is not reported yet.
    report = w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date")[1]
    draft = report_entry(w.m11, report=report, status=VersionStatus.DRAFT)
    with pytest.raises(DomainError, match="退回重改"):
        measure_close(measure=w.m11, by=w.office)
    ReportVersion.objects.filter(pk=draft.version_id).update(status=VersionStatus.SUBMITTED, submitted_at=timezone.now())
    assert measure_close(measure=w.m11, by=w.office).status == MeasureStatus.CLOSED


@pytest.mark.django_db
def test_a_closed_measure_is_not_returned_but_reopened():
    w = make_world()
    measure_close(measure=w.m11, by=w.office)
    with pytest.raises(DomainError, match="反弹重开"):
        measure_return(measure=w.m11, reason="x", by=w.office)


@pytest.mark.django_db
def test_reopen_refusals():
    w = make_world()
    with pytest.raises(DomainError, match="尚未销号"):
        measure_reopen(measure=w.m11, reason="问题反弹", by=w.office)
    measure_close(measure=w.m11, by=w.office)
    with pytest.raises(DomainError, match="请填写反弹重开的理由"):
        measure_reopen(measure=w.m11, reason="", by=w.office)
    with pytest.raises(DomainError, match="只有巡察办"):
        measure_reopen(measure=w.m11, reason="问题反弹", by=w.leader)
    w.m11.refresh_from_db()
    assert w.m11.status == MeasureStatus.CLOSED and w.m11.reopen_count == 0


@pytest.mark.django_db
def test_reopen_while_in_progress_counts_and_tells_the_unit_and_the_office():
    w = make_world()
    measure_close(measure=w.m11, by=w.office)
    m = measure_reopen(measure=w.m11, reason="新发现未经集体研究的大额支出", by=w.office)
    m.refresh_from_db()
    assert (m.status, m.reopen_count, m.closed_at, m.closed_by) == (MeasureStatus.OPEN, 1, None, None)
    assert m.events.last().action == MeasureEvent.Action.REOPEN
    for user in (w.principal, w.liaison, w.office):
        assert "整改措施1.1反弹重开" in titles_of(user)
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.IN_PROGRESS


@pytest.mark.django_db
def test_reopening_a_closed_rectifications_measure_reopens_the_rectification():
    w = make_world()
    close_all(w)
    submit_final(w.rect)
    rect = rectification_close(rect=w.rect, rating=Rating.GOOD, note="整改到位", by=w.office)
    closed_at = rect.closed_at
    assert rect.status == RectStatus.CLOSED
    measure_reopen(measure=w.m21, reason="会议记录又不全了", by=w.office)
    rect.refresh_from_db()
    assert rect.status == RectStatus.IN_PROGRESS
    assert rect.closed_at is None and rect.rating == ""
    # The earlier rating and closing stay in the history.
    assert last_rating(rect) == ("好", "整改到位")
    assert last_closed_at(rect) == closed_at
    assert "整改措施2.1反弹重开" in titles_of(w.office)
    # It closes again once the measure is closed again.
    assert close_problems(rect) == ["措施2.1尚未销号"]
    measure_close(measure=w.m21, by=w.office)
    assert rectification_close(rect=rect, rating=Rating.FAIR, note="", by=w.office).rating == Rating.FAIR


# --- closing and rating -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_lists_each_open_measure_and_the_missing_final_report():
    w = make_world()
    measure_return(measure=w.m21, reason="未完成", by=w.office)
    with pytest.raises(DomainError) as exc:
        rectification_close(rect=w.rect, rating=Rating.GOOD, note="", by=w.office)
    assert exc.value.message == "整改尚不能办结"
    assert exc.value.reasons == ["措施1.1尚未销号", "措施2.1尚未销号（已退回重改）", "整改情况报告尚未报送"]
    # 2.2 is long-term: it does not hold the closing back.
    assert not any("2.2" in r for r in exc.value.reasons)
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.IN_PROGRESS


@pytest.mark.django_db
def test_closing_needs_a_rating_and_the_office():
    w = make_world()
    close_all(w)
    submit_final(w.rect)
    with pytest.raises(DomainError) as exc:
        rectification_close(rect=w.rect, rating="", note="", by=w.office)
    assert exc.value.reasons == ["请选择整改评估等次"]
    with pytest.raises(DomainError, match="只有巡察办"):
        rectification_close(rect=w.rect, rating=Rating.GOOD, note="", by=w.leader)


@pytest.mark.django_db
def test_closing_a_rectification_not_in_progress_is_refused():
    w = make_world(status=RectStatus.PLAN_SUBMITTED)
    with pytest.raises(DomainError) as exc:
        rectification_close(rect=w.rect, rating=Rating.GOOD, note="", by=w.office)
    assert "整改当前为“方案待审核”，只有“整改中”的整改可以办结" in exc.value.reasons


@pytest.mark.django_db
def test_closing_rates_and_closes():
    w = make_world()
    close_all(w)
    submit_final(w.rect)
    rect = rectification_close(rect=w.rect, rating=Rating.FAIR_GOOD, note="  基本到位  ", by=w.office)
    rect.refresh_from_db()
    assert rect.status == RectStatus.CLOSED and rect.is_closed
    assert (rect.rating, rect.rating_note, rect.rated_by) == (Rating.FAIR_GOOD, "基本到位", w.office)
    assert rect.closed_at is not None
    assert rect.history.first().history_user == w.office
    assert f"{rect.unit.name}整改已办结" in titles_of(w.principal)
    # A closed rectification closes no more measures and cannot be closed twice.
    with pytest.raises(DomainError, match="不能销号"):
        measure_close(measure=w.m22, by=w.office)
    with pytest.raises(DomainError):
        rectification_close(rect=rect, rating=Rating.GOOD, note="", by=w.office)


# --- accountability -----------------------------------------------------------------------------------


def _accountability(**kwargs):
    fields = {
        "target": Accountability.Target.PERSON,
        "target_name": "陈明",
        "target_post": "办公室主任",
        "reason": AccountabilityReason.FALSE,
        "facts": "报送的会议记录系事后补写",
        "action": "诫勉谈话",
        "decided_on": datetime.date(2026, 10, 9),
    }
    return Accountability(**(fields | kwargs))


@pytest.mark.django_db
def test_accountability_is_recorded_by_the_office():
    w = make_world()
    acc = accountability_add(rect=w.rect, accountability=_accountability(), by=w.office)
    assert acc.rectification == w.rect and acc.recorded_by == w.office
    assert acc.history.first().history_user == w.office
    acc.action = "通报批评"
    accountability_update(accountability=acc, by=w.office)
    assert list(acc.history.values_list("action", flat=True)) == ["通报批评", "诫勉谈话"]


@pytest.mark.django_db
def test_accountability_refusals():
    w = make_world()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        accountability_add(rect=w.rect, accountability=_accountability(decided_on=tomorrow), by=w.office)
    assert exc.value.reasons == ["问责日期不能晚于今天"]
    with pytest.raises(DomainError) as exc:
        accountability_add(
            rect=w.rect,
            accountability=_accountability(target="", target_name=" ", facts="", action="", reason="other"),
            by=w.office,
        )
    assert exc.value.reasons == [
        "请选择问责对象类型",
        "请填写问责对象",
        "请填写主要事实",
        "请填写问责方式",
        "请选择问责情形（整改不力、敷衍整改或虚假整改）",
    ]
    with pytest.raises(DomainError, match="只有巡察办"):
        accountability_add(rect=w.rect, accountability=_accountability(), by=w.jiwei)
    preparing = RectificationFactory(meeting_date=None)
    with pytest.raises(DomainError, match="尚未召开反馈会"):
        accountability_add(rect=preparing, accountability=_accountability(), by=w.office)
    acc = accountability_add(rect=w.rect, accountability=_accountability(), by=w.office)
    acc.decided_on = tomorrow
    with pytest.raises(DomainError):
        accountability_update(accountability=acc, by=w.office)
    with pytest.raises(DomainError, match="只有巡察办"):
        accountability_update(accountability=acc, by=w.leader)
    assert Accountability.objects.get().decided_on == datetime.date(2026, 10, 9)


# --- latest progress ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_latest_entries_take_the_newest_submitted_or_signed_version():
    w = make_world()
    halves = list(w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date"))
    report_entry(w.m11, report=halves[0], narrative="第一期")
    report_entry(w.m11, report=halves[1], narrative="第二期已签字", evidence=["制度.pdf"])
    report_entry(w.m11, report=halves[1], number=2, status=VersionStatus.SUBMITTED, narrative="第二期更正")
    report_entry(w.m11, report=halves[2], status=VersionStatus.DRAFT, narrative="第三期草稿")
    report_entry(w.m21, report=halves[0], narrative="会议记录")
    latest = latest_entries(w.rect)
    assert latest[w.m11.pk].narrative == "第二期更正"
    assert latest[w.m21.pk].narrative == "会议记录"
    assert w.m22.pk not in latest


# --- the round: 整改 → 完成 -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_round_completes_only_when_every_rectification_is_closed():
    w = make_world()
    round = Round.objects.get(pk=w.rect.round_id)
    assert round.status == RoundStatus.RECTIFYING
    round.milestones.filter(kind=MilestoneKind.RECTIFY_DEADLINE).update(actual_date=datetime.date(2026, 9, 30))
    with pytest.raises(DomainError) as exc:
        round_transition(round=round, action="complete", by=w.office)
    assert exc.value.reasons == [f"{w.rect.unit.name}的整改尚未完成销号和评估"]
    close_all(w)
    submit_final(w.rect)
    rectification_close(rect=w.rect, rating=Rating.GOOD, note="", by=w.office)
    assert round_transition(round=round, action="complete", by=w.office).status == RoundStatus.DONE
