"""The analysis of common and recurring problems (dashboards.common_problems) on a small world built with
factories, with exact expectations; the threshold; a constant number of queries for 1× and 10× data."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clues.models import FindingStatus, Severity
from clues.tests.factories import CategoryFactory, FindingFactory
from dashboards.selectors.common_problems import (
    Scope,
    Threshold,
    analyse,
    default_scope,
    resolve_scope,
)
from rectification.models import RectStatus
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import Assignment, Round, RoundStatus
from rounds.tests.factories import RoundFactory, TermFactory, UnitFactory
from teams.tests.factories import TeamFactory

# Units of the base world, by letter (their names sort in this order): which categories each has, in
# which round. R0 is a round of the previous term.
#   R0 (第十四届, done):   A: c1
#   R1 (done):            A: c1 c2 · B: c1 c2 · C: c1 c3 · D: c4 (and a draft c1, not counted)
#   R2 (rectifying):      A: c1 · B: c2 · E: c1 (grave) c2 · F: c2 c4
# Rectifications: B/R1 closed with problems c2 (found again in R2) and c1; A/R1 in progress with problem
# c1 (found again, but not closed); C/R1 closed with c3 (not inspected again); D/R1 with a measure
# reopened twice; E/R2 with a measure reopened once; F/R2 closed with c4 (found in the same round only).


@dataclass
class World:
    term: object
    old_term: object
    r0: object
    r1: object
    r2: object
    area_a: object
    area_b: object
    c1: object
    c2: object
    c3: object
    c4: object
    units: dict = field(default_factory=dict)  # "A1" → unit (letter, copy)
    f: dict = field(default_factory=dict)  # "A1-c1-R1" → finding
    rects: dict = field(default_factory=dict)  # "B1-R1" → rectification
    problems: dict = field(default_factory=dict)
    measures: dict = field(default_factory=dict)
    teams: dict = field(default_factory=dict)  # round pk → its one team


R1_FINDINGS = {"A": ["c1", "c2"], "B": ["c1", "c2"], "C": ["c1", "c3"], "D": ["c4"]}
R2_FINDINGS = {"A": ["c1"], "B": ["c2"], "E": ["c1", "c2"], "F": ["c2", "c4"]}


def _assign(w, round, units):
    team = w.teams.get(round.pk) or TeamFactory(round=round, number=1)
    w.teams[round.pk] = team
    return {u.pk: Assignment.objects.create(round=round, team=team, unit=u) for u in units}


def build_world(copies: int = 1) -> World:
    old_term = TermFactory(
        name="第十四届县委",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        is_current=False,
    )
    term = TermFactory()
    r0 = RoundFactory(
        term=old_term,
        number=3,
        planned_start=datetime.date(2021, 3, 1),
        planned_end=datetime.date(2021, 6, 30),
    )
    r1 = RoundFactory(
        term=term, number=1, planned_start=datetime.date(2024, 3, 1), planned_end=datetime.date(2024, 6, 30)
    )
    r2 = RoundFactory(
        term=term, number=2, planned_start=datetime.date(2025, 3, 1), planned_end=datetime.date(2025, 6, 30)
    )
    area_a = CategoryFactory(name="聚焦甲", order=1)
    area_b = CategoryFactory(name="聚焦乙", order=2)
    w = World(
        term=term,
        old_term=old_term,
        r0=r0,
        r1=r1,
        r2=r2,
        area_a=area_a,
        area_b=area_b,
        c1=CategoryFactory(name="类别一", parent=area_a, order=1),
        c2=CategoryFactory(name="类别二", parent=area_a, order=2),
        c3=CategoryFactory(name="类别三", parent=area_a, order=3),
        c4=CategoryFactory(name="类别四", parent=area_b, order=1),
    )
    for k in range(1, copies + 1):
        add_copy(w, k)
    return w


def add_copy(w: World, k: int) -> None:
    """Copy k of the six units, their findings and rectifications (see the table above)."""
    for letter in "ABCDEF":
        w.units[f"{letter}{k}"] = UnitFactory(name=f"单位{letter}{k:02d}")
    cat = {"c1": w.c1, "c2": w.c2, "c3": w.c3, "c4": w.c4}

    def found(key_round, plan, assignments):
        for letter, cats in plan.items():
            unit = w.units[f"{letter}{k}"]
            for c in cats:
                severity = Severity.GRAVE if (letter, c, key_round) == ("E", "c1", "R2") else Severity.GENERAL
                w.f[f"{letter}{k}-{c}-{key_round}"] = FindingFactory(
                    assignment=assignments[unit.pk],
                    category=cat[c],
                    title=f"{letter}{k}{c}{key_round}问题",
                    status=FindingStatus.APPROVED,
                    severity=severity,
                    approved_at=timezone.now(),
                )

    a0 = _assign(w, w.r0, [w.units[f"A{k}"]])
    found("R0", {"A": ["c1"]}, a0)
    a1 = _assign(w, w.r1, [w.units[f"{x}{k}"] for x in "ABCD"])
    found("R1", R1_FINDINGS, a1)
    FindingFactory(
        assignment=a1[w.units[f"D{k}"].pk], category=w.c1, title="草稿问题", status=FindingStatus.DRAFT
    )
    a2 = _assign(w, w.r2, [w.units[f"{x}{k}"] for x in "ABEF"])
    found("R2", R2_FINDINGS, a2)

    def rect(letter, key_round, assignments, status):
        round_status = RoundStatus.DONE if key_round == "R1" else RoundStatus.RECTIFYING
        r = RectificationFactory(
            assignment=assignments[w.units[f"{letter}{k}"].pk], round_status=round_status, status=status
        )
        w.rects[f"{letter}{k}-{key_round}"] = r
        return r

    b = rect("B", "R1", a1, RectStatus.CLOSED)
    w.problems[f"B{k}-c2"] = ProblemFactory(
        rectification=b, category=w.c2, finding=w.f[f"B{k}-c2-R1"], title=f"B{k}反馈问题二"
    )
    w.problems[f"B{k}-c1"] = ProblemFactory(rectification=b, category=w.c1, finding=w.f[f"B{k}-c1-R1"])
    a = rect("A", "R1", a1, RectStatus.IN_PROGRESS)
    ProblemFactory(rectification=a, category=w.c1, finding=w.f[f"A{k}-c1-R1"])
    c = rect("C", "R1", a1, RectStatus.CLOSED)
    ProblemFactory(rectification=c, category=w.c3, finding=w.f[f"C{k}-c3-R1"])
    d = rect("D", "R1", a1, RectStatus.CLOSED)
    w.measures[f"D{k}"] = MeasureFactory(
        problem=ProblemFactory(rectification=d, category=w.c4),
        content=f"D{k}措施反弹",
        reopen_count=2,
        status="closed",
    )
    MeasureFactory(problem=ProblemFactory(rectification=d, category=w.c4), content="未反弹的措施")
    e = rect("E", "R2", a2, RectStatus.IN_PROGRESS)
    w.measures[f"E{k}"] = MeasureFactory(
        problem=ProblemFactory(rectification=e, category=w.c2), content=f"E{k}措施反弹", reopen_count=1
    )
    f_ = rect("F", "R2", a2, RectStatus.CLOSED)
    ProblemFactory(rectification=f_, category=w.c4, finding=w.f[f"F{k}-c4-R2"])

    Round.objects.filter(pk__in=[w.r0.pk, w.r1.pk]).update(status=RoundStatus.DONE)
    Round.objects.filter(pk=w.r2.pk).update(status=RoundStatus.RECTIFYING)
    for r in (w.r0, w.r1, w.r2):
        r.refresh_from_db()


@pytest.fixture
def w(db):
    return build_world()


def names(rows):
    return [row.name for row in rows]


def units_of(entries):
    return [e.unit.name for e in entries]


# --- scope ------------------------------------------------------------------------------------------


def test_scope_defaults_to_the_current_term_and_resolves_a_round_with_its_term(w):
    assert default_scope() == Scope(term=w.term)
    assert resolve_scope() == Scope(term=w.term)
    assert resolve_scope(round_id=w.r1.pk) == Scope(term=w.term, round=w.r1)
    assert resolve_scope(term_id=w.old_term.pk) == Scope(term=w.old_term)
    assert resolve_scope(round_id=999999) == Scope(term=w.term)  # a stale link: the default
    assert Scope(term=w.term).label == "第十五届县委巡察"
    assert Scope(term=w.term, round=w.r2).label == "第十五届县委第二轮巡察"


def test_no_term_no_scope(db):
    assert default_scope() is None
    assert resolve_scope(term_id=1, round_id=1) is None


# --- common problems --------------------------------------------------------------------------------


def test_common_problems_of_the_term(w):
    a = analyse(Scope(term=w.term))
    assert a.inspected_units == 6  # A–D in R1, A B E F in R2
    assert a.findings_total == 13  # 7 in R1, 6 in R2; the draft and R0 do not count
    assert a.units_with_findings == 6
    # c1: A B C E (5 findings); c2: A B E F (5); c4: D F — 2 of 6 units = 33% ≥ 30%; c3: C alone.
    assert names(a.common_categories) == ["类别一", "类别二", "类别四"]
    c1, c2, c4 = a.common_categories
    assert (c1.units, c1.findings, c1.share) == (4, 5, Decimal("66.7"))
    assert (c2.units, c2.findings) == (4, 5)
    assert (c4.units, c4.findings, c4.share) == (2, 2, Decimal("33.3"))
    assert c1.unit_names == ["单位A01", "单位B01", "单位C01", "单位E01"]
    assert c1.area == w.area_a and c1.level == "category"
    # Examples: one per unit, the grave one first, then by unit name.
    assert [f.title for f in c1.examples] == ["E1c1R2问题", "A1c1R1问题", "B1c1R1问题"]
    assert [f.unit.name for f in c4.examples] == ["单位D01", "单位F01"]
    # Areas: 聚焦甲 in A B C E F (11 findings), 聚焦乙 in D F (2).
    assert names(a.common_areas) == ["聚焦甲", "聚焦乙"]
    area_a, area_b = a.common_areas
    assert (area_a.units, area_a.findings, area_a.level) == (5, 11, "area")
    assert (area_b.units, area_b.findings) == (2, 2)
    assert [f.title for f in area_a.examples] == ["E1c1R2问题", "A1c1R1问题", "B1c1R1问题"]
    assert a.common_units == 6


def test_common_problems_of_a_round(w):
    a = analyse(Scope(term=w.term, round=w.r2))
    assert (a.inspected_units, a.findings_total, a.units_with_findings) == (4, 6, 4)
    # c2 in B E F (3 units); c1 in A E (2 of 4 = 50%); c4 in F alone.
    assert names(a.common_categories) == ["类别二", "类别一"]
    assert [c.units for c in a.common_categories] == [3, 2]
    r1 = analyse(Scope(term=w.term, round=w.r1))
    assert names(r1.common_categories) == ["类别一", "类别二"]
    assert [(c.units, c.findings) for c in r1.common_categories] == [(3, 3), (2, 2)]


def test_threshold_by_units_only_by_share_and_never_one_unit(w):
    term = Scope(term=w.term)
    assert names(analyse(term, Threshold(min_units=3, min_share=None)).common_categories) == [
        "类别一",
        "类别二",
    ]
    assert names(analyse(term, Threshold(min_units=3, min_share=50)).common_categories) == [
        "类别一",
        "类别二",
    ]
    assert names(analyse(term, Threshold(min_units=5, min_share=None)).common_categories) == []
    assert names(analyse(term, Threshold(min_units=5, min_share=None)).common_areas) == ["聚焦甲"]
    assert names(analyse(term, Threshold(min_units=2, min_share=None)).common_categories) == [
        "类别一",
        "类别二",
        "类别四",
    ]
    # In R1, c3 is in one unit of four (25%): the share rule never makes one unit's problem common …
    r1 = Scope(term=w.term, round=w.r1)
    assert "类别三" not in names(analyse(r1, Threshold(min_units=9, min_share=20)).common_categories)
    # … but min_units=1 does.
    assert "类别三" in names(analyse(r1, Threshold(min_units=1, min_share=None)).common_categories)


def test_threshold_rule():
    t = Threshold()
    assert (t.min_units, t.min_share) == (3, 30)
    assert t.met(3, 100) and not t.met(2, 100)
    assert t.met(2, 6) and not t.met(1, 3)  # 1 of 3 is 33%, but one unit is not common
    assert not Threshold(min_units=3, min_share=None).met(2, 2)
    assert not t.met(0, 0)
    assert t.label == "3个以上单位或30%以上的被巡察单位"
    assert Threshold(min_units=4, min_share=None).label == "4个以上单位"


def test_only_inspected_rounds_count_their_units(w):
    r3 = RoundFactory(term=w.term, number=3, planned_start=datetime.date(2026, 3, 1))
    _assign(w, r3, [UnitFactory(name="单位Z")])  # preparing: not inspected yet
    assert analyse(Scope(term=w.term)).inspected_units == 6
    Round.objects.filter(pk=r3.pk).update(status=RoundStatus.STATIONED)
    assert analyse(Scope(term=w.term)).inspected_units == 7


# --- recurring problems -----------------------------------------------------------------------------


def test_recurring_problems_of_the_term(w):
    a = analyse(Scope(term=w.term))
    rows = [(r.unit.name, r.category.name, r.later_round, r.earlier_rounds) for r in a.recurring]
    assert rows == [
        ("单位A01", "类别一", w.r1, [w.r0]),  # found in the previous term, again in R1
        ("单位A01", "类别一", w.r2, [w.r0, w.r1]),
        ("单位B01", "类别二", w.r2, [w.r1]),
    ]
    second = a.recurring[1]
    assert second.later_findings == [w.f["A1-c1-R2"]]
    assert second.earlier_findings == [w.f["A1-c1-R0"], w.f["A1-c1-R1"]]
    assert second.area == w.area_a
    assert a.recurring_units == 2


def test_recurring_problems_of_a_round(w):
    r2 = analyse(Scope(term=w.term, round=w.r2)).recurring
    assert [(r.unit.name, r.category.name, r.earlier_rounds) for r in r2] == [
        ("单位A01", "类别一", [w.r0, w.r1]),
        ("单位B01", "类别二", [w.r1]),
    ]
    r1 = analyse(Scope(term=w.term, round=w.r1)).recurring
    assert [(r.unit.name, r.later_round, r.earlier_rounds) for r in r1] == [("单位A01", w.r1, [w.r0])]
    # The previous term's own round has nothing earlier.
    assert analyse(Scope(term=w.old_term)).recurring == []


def test_a_recurrence_needs_an_approved_finding_in_both_rounds(w):
    # A draft in R2 of C's c1 (C had c1 in R1) is not a recurrence; returned neither.
    FindingFactory(
        assignment=Assignment.objects.get(round=w.r1, unit=w.units["C1"]),
        category=w.c3,
        status=FindingStatus.RETURNED,
    )
    a = analyse(Scope(term=w.term))
    assert [(r.unit.name, r.category.name) for r in a.recurring] == [
        ("单位A01", "类别一"),
        ("单位A01", "类别一"),
        ("单位B01", "类别二"),
    ]


# --- rebounds after rectification -------------------------------------------------------------------


def test_rebounds_of_the_term(w):
    a = analyse(Scope(term=w.term))
    assert units_of(a.rebounds) == ["单位B01", "单位D01", "单位E01"]
    b, d, e = a.rebounds
    assert b.rectification == w.rects["B1-R1"]
    assert [(c.category, c.problems, c.findings) for c in b.came_back] == [
        (w.c2, [w.problems["B1-c2"]], [w.f["B1-c2-R2"]])
    ]
    assert b.reopened == []
    assert (d.came_back, d.reopened) == ([], [w.measures["D1"]])
    assert (e.came_back, e.reopened) == ([], [w.measures["E1"]])
    assert a.rebound_units == 3


def test_rebounds_of_a_round(w):
    # R2: B's c2 came back in R2; E's measure of an R2 rectification was reopened. F's closed c4 was found
    # in its own round only; A's c1 came back but A's rectification is not closed.
    assert units_of(analyse(Scope(term=w.term, round=w.r2)).rebounds) == ["单位B01", "单位E01"]
    # R1: D's reopened measure; B's c2 came back in R2, not in R1.
    assert units_of(analyse(Scope(term=w.term, round=w.r1)).rebounds) == ["单位D01"]


def test_a_closed_rectification_of_the_previous_term_comes_back(w):
    old = RectificationFactory(
        assignment=Assignment.objects.get(round=w.r0, unit=w.units["A1"]),
        round_status=RoundStatus.DONE,
        status=RectStatus.CLOSED,
    )
    problem = ProblemFactory(rectification=old, category=w.c1, finding=w.f["A1-c1-R0"])
    rebounds = analyse(Scope(term=w.term)).rebounds
    assert units_of(rebounds) == ["单位A01", "单位B01", "单位D01", "单位E01"]
    came_back = rebounds[0].came_back[0]
    assert came_back.problems == [problem]
    assert came_back.findings == [w.f["A1-c1-R1"], w.f["A1-c1-R2"]]


def test_empty_scope(db):
    term = TermFactory()
    a = analyse(Scope(term=term))
    assert (a.inspected_units, a.findings_total, a.common_categories, a.common_areas) == (0, 0, [], [])
    assert (a.recurring, a.rebounds, a.common_units) == ([], [], 0)


# --- a fixed number of queries ----------------------------------------------------------------------


def _queries(scope) -> int:
    with CaptureQueriesContext(connection) as captured:
        analysis = analyse(scope)
        # Touch everything the page and the report read.
        for c in [*analysis.common_categories, *analysis.common_areas]:
            [(f.number, f.unit.name, f.round.short_name) for f in c.examples]
        for r in analysis.recurring:
            [(f.number, f.unit.name) for f in [*r.later_findings, *r.earlier_findings]]
            [str(x) for x in r.earlier_rounds]
        for rb in analysis.rebounds:
            str(rb.rectification), rb.unit.name, rb.round.short_name
            [(m.number, m.problem.category.name) for m in rb.reopened]
            [(p.title, f.number) for c in rb.came_back for p in c.problems for f in c.findings]
    return len(captured)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_data():
    w = build_world(1)
    term, round = Scope(term=w.term), Scope(term=w.term, round=w.r2)
    small = (_queries(term), _queries(round))
    for k in range(2, 11):  # the same world ten times over: 60 units, 130 approved findings
        add_copy(w, k)
    a = analyse(term)
    assert (a.inspected_units, a.findings_total, len(a.recurring), len(a.rebounds)) == (60, 130, 30, 30)
    assert (_queries(term), _queries(round)) == small
    assert small[0] <= 10
