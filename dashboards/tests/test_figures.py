"""The definitions of the dashboard figures (`dashboards.figures`), one rule at a time, on small data."""

import datetime

import pytest
from django.utils import timezone

from clues.models import (
    Disposition,
    FindingStatus,
    HandlingResult,
    PersonDealt,
    Sanction,
    TransferBatch,
    TransferItem,
    TransferStatus,
)
from clues.tests.factories import CategoryFactory, FindingFactory, LeadFactory
from dashboards.selectors.figures import (
    Filters,
    Scope,
    breakdown,
    figures,
    metric_queryset,
    progress,
)
from rectification.models import MeasureKind, MeasureStatus, RectStatus
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import AssignmentMode, Round, RoundStatus, UnitType
from rounds.tests.factories import AssignmentFactory, RoundFactory, TermFactory, UnitFactory
from teams.tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)  # a Friday


def _round(term, number, status):
    return RoundFactory(term=term, number=number, status=status)


def _assign(round, unit=None, team=None, **kwargs):
    team = team or TeamFactory(round=round)
    # Assignments are made while the round is in preparation; the status is set afterwards.
    status = round.status
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.PREPARING)
    round.status = RoundStatus.PREPARING
    a = AssignmentFactory(team=team, unit=unit or UnitFactory(), **kwargs)
    Round.objects.filter(pk=round.pk).update(status=status)
    round.status = status
    a.round.status = status
    return a


@pytest.fixture
def term():
    return TermFactory()


def test_units_inspected_count_rounds_that_have_stationed(term):
    for number, status in enumerate(RoundStatus.values, start=1):
        _assign(_round(term, number, status))
    village = UnitFactory(unit_type=UnitType.VILLAGE, parent=UnitFactory(unit_type=UnitType.TOWNSHIP))
    stationed = Round.objects.get(term=term, status=RoundStatus.STATIONED)
    _assign(stationed, unit=village, mode=AssignmentMode.ELEVATED)
    values = figures(Scope(term), today=TODAY)
    assert values["units"] == 5 + 1  # stationed, reporting, feedback, rectifying, done; not 筹备 / 动员部署
    assert values["villages_elevated"] == 1
    assert figures(Scope(term), Filters(unit_type=UnitType.VILLAGE), today=TODAY)["units"] == 1


def test_problems_found_are_approved_findings_and_fed_back_ones_are_after_the_meeting(term):
    round = _round(term, 1, RoundStatus.RECTIFYING)
    a = _assign(round)
    for status in FindingStatus.values:
        FindingFactory(assignment=a, status=status)
    rect = RectificationFactory(assignment=a)
    ProblemFactory(rectification=rect)
    ProblemFactory(rectification=rect)
    preparing = RectificationFactory(assignment=_assign(round), meeting_date=None)
    ProblemFactory(rectification=preparing)  # not fed back yet
    values = figures(Scope(term, round), today=TODAY)
    assert values["findings"] == 1
    assert values["problems"] == 2
    assert values["problems_share"] == 200.0


def test_measures_closed_open_overdue_long_term_and_the_completion_rate(term):
    round = _round(term, 1, RoundStatus.RECTIFYING)
    rect = RectificationFactory(assignment=_assign(round), status=RectStatus.IN_PROGRESS)
    past, future = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)
    specs = [
        (MeasureKind.IMMEDIATE, MeasureStatus.CLOSED, past),
        (MeasureKind.DEADLINE, MeasureStatus.OPEN, past),  # overdue
        (MeasureKind.DEADLINE, MeasureStatus.RETURNED, past),  # overdue too: returned is not closed
        (MeasureKind.DEADLINE, MeasureStatus.OPEN, TODAY),  # due today: not overdue yet
        (MeasureKind.LONG_TERM, MeasureStatus.OPEN, past),  # long-term: counted as done, never overdue
        (MeasureKind.DEADLINE, MeasureStatus.OPEN, future),
    ]
    problem = ProblemFactory(rectification=rect)
    for kind, status, deadline in specs:
        MeasureFactory(problem=problem, kind=kind, status=status, deadline=deadline)
    # A plan not yet approved is not the ledger in force.
    draft = RectificationFactory(assignment=_assign(round), status=RectStatus.PLANNING)
    MeasureFactory(problem=ProblemFactory(rectification=draft))
    values = figures(Scope(term), today=TODAY)
    assert values["measures"] == 6
    assert (values["immediate"], values["deadline"]) == (1, 4)
    assert values["measures_closed"] == 1
    assert values["measures_long_term"] == 1
    assert values["measures_open"] == 4
    assert values["measures_overdue"] == 2
    assert values["completion_rate"] == round_percent(2, 6)


def round_percent(part, whole):
    return round(100 * part / whole, 1)


def test_reopened_measure_counts_open_again(term):
    round = _round(term, 1, RoundStatus.RECTIFYING)
    rect = RectificationFactory(assignment=_assign(round), status=RectStatus.IN_PROGRESS,
                                meeting_date=TODAY - datetime.timedelta(days=30))  # fmt: skip
    problem = ProblemFactory(rectification=rect)
    closed = MeasureFactory(problem=problem, status=MeasureStatus.CLOSED,
                            closed_at=timezone.now() - datetime.timedelta(days=10))  # fmt: skip
    reopened = MeasureFactory(problem=problem, status=MeasureStatus.OPEN, closed_at=None, reopen_count=1)
    values = figures(Scope(term), today=TODAY)
    assert (values["measures_closed"], values["measures_open"]) == (1, 1)
    assert list(metric_queryset("measures_open", Scope(term), today=TODAY)) == [reopened]
    assert closed.pk not in metric_queryset("measures_open", Scope(term), today=TODAY).values_list("pk", flat=True)


def test_transfers_are_sent_leads_by_disposition_with_cases_and_persons(term, make_user):
    round = _round(term, 1, RoundStatus.RECTIFYING)
    a = _assign(round)
    jiwei, zuzhibu = UnitFactory(name="县纪委监委"), UnitFactory(name="县委组织部")
    sent = TransferBatch.objects.create(receiver=jiwei, round=round, year=2026, serial=1,
                                        status=TransferStatus.SENT, sent_at=timezone.now())  # fmt: skip
    draft = TransferBatch.objects.create(receiver=zuzhibu, round=round, year=2026, serial=2)
    items = [
        TransferItem.objects.create(batch=batch, lead=LeadFactory(assignment=a, disposition=disposition),
                                    result=result)
        for batch, disposition, result in [
            (sent, Disposition.TO_JIWEI, HandlingResult.CASE),
            (sent, Disposition.TO_JIWEI, HandlingResult.TALK),
            (sent, Disposition.TO_ZUZHIBU, ""),
            (sent, Disposition.TO_OTHER, ""),
            (draft, Disposition.TO_JIWEI, HandlingResult.CASE),  # not sent: not counted
        ]
    ]  # fmt: skip
    for item, form in [(items[0], 3), (items[0], 4), (items[1], 1), (items[4], 2)]:
        PersonDealt.objects.create(item=item, name="某某", form=form, sanction=Sanction.PARTY)
    values = figures(Scope(term), today=TODAY)
    assert (values["to_jiwei"], values["to_others"], values["cases"]) == (2, 2, 1)
    assert values["persons"] == 3
    assert [values[f"persons_form{v}"] for v in (1, 2, 3, 4)] == [1, 0, 1, 1]


def test_an_area_counts_its_sub_categories(term):
    round = _round(term, 1, RoundStatus.STATIONED)
    a = _assign(round)
    area, other = CategoryFactory(name="领域"), CategoryFactory(name="另一领域")
    sub1, sub2 = CategoryFactory(parent=area, name="子类1"), CategoryFactory(parent=area, name="子类2")
    for category in (area, sub1, sub2, sub2, other):
        FindingFactory(assignment=a, category=category, status=FindingStatus.APPROVED)
    assert figures(Scope(term), Filters(category=area.pk), today=TODAY)["findings"] == 4
    assert figures(Scope(term), Filters(category=sub2.pk), today=TODAY)["findings"] == 2
    rows = {(r.label, r.level): r.values["findings"] for r in breakdown(Scope(term), "category", TODAY)}
    assert rows == {("领域", 0): 4, ("子类1", 1): 1, ("子类2", 1): 2, ("另一领域", 0): 1}
    # Transfers have no category: under a category filter they are not applicable.
    assert figures(Scope(term), Filters(category=area.pk), today=TODAY)["to_jiwei"] is None


def test_coverage_of_the_term_and_up_to_a_round(term):
    first, second = _round(term, 1, RoundStatus.DONE), _round(term, 2, RoundStatus.STATIONED)
    third = _round(term, 3, RoundStatus.PREPARING)
    units = [UnitFactory() for _ in range(4)]
    UnitFactory(is_active=False)  # not to be covered
    _assign(first, unit=units[0])
    _assign(second, unit=units[1])
    _assign(second, unit=units[0])  # twice in the term: covered once, inspected twice
    _assign(third, unit=units[2])  # planned, not inspected
    county = figures(Scope(term), today=TODAY)
    assert (county["units_active"], county["units_covered"], county["units_to_cover"]) == (4, 2, 2)
    assert county["units"] == 3
    assert (county["covered_share"], county["to_cover_share"]) == (50.0, 50.0)
    assert figures(Scope(term, first), today=TODAY)["units_covered"] == 1
    assert figures(Scope(term, second), today=TODAY)["units_covered"] == 2
    team_ids = frozenset({first.teams.get().pk})
    restricted = figures(Scope(term, None, team_ids), today=TODAY)
    assert restricted["units_covered"] == 1 and restricted["units_to_cover"] is None
    assert restricted["units"] == 1


def test_progress_is_the_open_measures_week_by_week(term):
    round = _round(term, 1, RoundStatus.RECTIFYING)
    meeting = datetime.date(2026, 10, 14)  # a Wednesday: its week starts on Monday 10-12
    rect = RectificationFactory(assignment=_assign(round), status=RectStatus.IN_PROGRESS, meeting_date=meeting)
    problem = ProblemFactory(rectification=rect)
    tz = timezone.get_current_timezone()
    for closed_on in (datetime.datetime(2026, 10, 21, 10, tzinfo=tz), datetime.datetime(2026, 11, 4, 10, tzinfo=tz)):
        MeasureFactory(problem=problem, status=MeasureStatus.CLOSED, closed_at=closed_on)
    MeasureFactory(problem=problem, status=MeasureStatus.OPEN)
    MeasureFactory(problem=problem, status=MeasureStatus.OPEN, reopen_count=1)  # reopened: open throughout
    MeasureFactory(problem=problem, kind=MeasureKind.LONG_TERM)  # left out
    points = progress(Scope(term, round), TODAY)
    assert [(p.week.isoformat(), p.open, p.closed) for p in points] == [
        ("2026-10-12", 4, 0),
        ("2026-10-19", 3, 1),
        ("2026-10-26", 3, 1),
        ("2026-11-02", 2, 2),
        ("2026-11-09", 2, 2),
        ("2026-11-16", 2, 2),  # this week: measures are still open
    ]


def test_progress_stops_when_everything_is_closed(term):
    round = _round(term, 1, RoundStatus.DONE)
    rect = RectificationFactory(assignment=_assign(round), status=RectStatus.CLOSED,
                                meeting_date=datetime.date(2025, 3, 3), round_status=RoundStatus.DONE)  # fmt: skip
    tz = timezone.get_current_timezone()
    MeasureFactory(problem=ProblemFactory(rectification=rect), status=MeasureStatus.CLOSED,
                   closed_at=datetime.datetime(2025, 3, 20, tzinfo=tz))  # fmt: skip
    points = progress(Scope(term, round), TODAY)
    assert [(p.week.isoformat(), p.open) for p in points] == [("2025-03-03", 1), ("2025-03-10", 1), ("2025-03-17", 0)]
    empty = Scope(term, _round(term, 2, RoundStatus.STATIONED))
    assert progress(empty, TODAY) == []
    shares = figures(empty, today=TODAY)
    assert shares["completion_rate"] is None and shares["problems_share"] is None  # "—", not 0%


def test_breakdown_by_team_lists_every_team_of_the_scope(term):
    round = _round(term, 1, RoundStatus.STATIONED)
    busy, idle = TeamFactory(round=round, number=1), TeamFactory(round=round, number=2)
    FindingFactory(assignment=_assign(round, team=busy), status=FindingStatus.APPROVED)
    rows = breakdown(Scope(term, round), "team", TODAY)
    assert [(r.label, r.values["findings"], r.values["units"]) for r in rows] == [
        ("第一巡察组", 1, 1),
        ("第二巡察组", 0, 0),
    ]
    assert idle.pk == rows[1].key
    county_rows = breakdown(Scope(term), "team", TODAY)
    assert county_rows[0].label == "第一轮第一巡察组"
