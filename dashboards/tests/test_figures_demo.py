"""Every dashboard figure of the demo county, computed here from the database by plain Python over the rows
(not by `dashboards.figures`), equals the dashboard's; and each number's drill-down list has that total.

The demo is loaded once (a few seconds) and every check runs on it, for the county and each round. The
test holds for any demo data: it computes, it does not hard-code numbers — but the key figures must be
non-zero, or the demo would not make the dashboards meaningful.
"""

import re
from collections import Counter
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clues.models import (
    Category,
    Disposition,
    Finding,
    FindingStatus,
    HandlingResult,
    PersonDealt,
    TransferItem,
)
from dashboards.selectors.figures import BREAKDOWNS, METRICS, Scope, applies, breakdown, figures, progress
from rectification.models import Measure, MeasureKind, MeasureStatus, Problem, RectStatus
from rounds.models import Assignment, AssignmentMode, Round, RoundStatus, Term, Unit
from rounds.selectors.units import coverage_summary
from xuncha.accounts.models import User

pytestmark = pytest.mark.django_db

STATIONED_OR_LATER = {"stationed", "reporting", "feedback", "rectifying", "done"}


class Expected:
    """The figures computed independently: rows loaded once, then filtered in Python."""

    def __init__(self, today):
        self.today = today
        self.assignments = list(Assignment.objects.select_related("round", "unit"))
        self.findings = list(Finding.objects.select_related("round", "unit", "category"))
        self.problems = list(Problem.objects.select_related("rectification__round", "rectification__unit",
                                                            "category"))  # fmt: skip
        self.measures = list(
            Measure.objects.select_related("rectification__round", "rectification__unit", "problem__category")
        )
        self.items = list(TransferItem.objects.select_related("batch", "lead__round", "lead__unit"))
        self.persons = list(PersonDealt.objects.select_related("item__batch", "item__lead__round",
                                                               "item__lead__unit"))  # fmt: skip
        self.units = list(Unit.objects.all())

    @staticmethod
    def _keep(round, team_id, unit, category, *, term, scope_round, team_ids, f):
        if round.term_id != term.pk:
            return False
        if scope_round is not None and round.pk != scope_round.pk:
            return False
        if team_ids is not None and team_id not in team_ids:
            return False
        if f.get("round") and round.pk != f["round"]:
            return False
        if f.get("team") and team_id != f["team"]:
            return False
        if f.get("unit_type") and unit.unit_type != f["unit_type"]:
            return False
        if f.get("category"):
            if category is None or f["category"] not in (category.pk, category.parent_id):
                return False
        return True

    def compute(self, term, scope_round=None, team_ids=None, **f) -> dict:
        keep = lambda *args: self._keep(*args, term=term, scope_round=scope_round, team_ids=team_ids, f=f)  # noqa: E731
        no_category = not f.get("category")
        out = {}
        inspected = [
            a for a in self.assignments
            if a.round.status in STATIONED_OR_LATER and keep(a.round, a.team_id, a.unit, None)
        ]  # fmt: skip
        if no_category:
            out["units"] = len(inspected)
            out["villages_elevated"] = sum(a.mode == AssignmentMode.ELEVATED for a in inspected)
        out["findings"] = sum(
            f_.status == FindingStatus.APPROVED and keep(f_.round, f_.team_id, f_.unit, f_.category)
            for f_ in self.findings
        )
        out["problems"] = sum(
            p.rectification.meeting_date is not None
            and keep(p.rectification.round, p.rectification.team_id, p.rectification.unit, p.category)
            for p in self.problems
        )
        ms = [
            m for m in self.measures
            if m.rectification.status in (RectStatus.IN_PROGRESS, RectStatus.CLOSED)
            and keep(m.rectification.round, m.rectification.team_id, m.rectification.unit, m.problem.category)
        ]  # fmt: skip
        closed = [m for m in ms if m.status == MeasureStatus.CLOSED]
        long_term = [m for m in ms if m.kind == MeasureKind.LONG_TERM and m.status != MeasureStatus.CLOSED]
        still_open = [m for m in ms if m.status != MeasureStatus.CLOSED and m.kind != MeasureKind.LONG_TERM]
        out.update(
            measures=len(ms),
            immediate=sum(m.kind == MeasureKind.IMMEDIATE for m in ms),
            deadline=sum(m.kind == MeasureKind.DEADLINE for m in ms),
            measures_closed=len(closed),
            measures_long_term=len(long_term),
            measures_open=len(still_open),
            measures_overdue=sum(m.deadline < self.today for m in still_open),
        )
        if no_category:
            items = [
                i for i in self.items
                if i.batch.sent_at is not None and keep(i.lead.round, i.lead.team_id, i.lead.unit, None)
            ]  # fmt: skip
            out["to_jiwei"] = sum(i.lead.disposition == Disposition.TO_JIWEI for i in items)
            out["to_others"] = sum(i.lead.disposition in (Disposition.TO_ZUZHIBU, Disposition.TO_OTHER)
                                   for i in items)  # fmt: skip
            out["cases"] = sum(i.result == HandlingResult.CASE for i in items)
            persons = [
                p for p in self.persons
                if p.item.batch.sent_at is not None
                and keep(p.item.lead.round, p.item.lead.team_id, p.item.lead.unit, None)
            ]  # fmt: skip
            out["persons"] = len(persons)
            forms = Counter(p.form for p in persons)
            for value in (1, 2, 3, 4):
                out[f"persons_form{value}"] = forms[value]
        if set(f) <= {"unit_type"}:
            covered_ids = {
                a.unit_id for a in self.assignments
                if a.round.term_id == term.pk and a.round.status in STATIONED_OR_LATER
                and (scope_round is None or a.round.number <= scope_round.number)
                and (team_ids is None or a.team_id in team_ids)
            }  # fmt: skip
            active = [u for u in self.units if u.is_active and (not f.get("unit_type") or u.unit_type == f["unit_type"])]
            out["units_active"] = len(active)
            out["units_covered"] = sum(u.pk in covered_ids for u in active)
            if team_ids is None:
                out["units_to_cover"] = len(active) - out["units_covered"]
        return out


def _same(actual: dict, expected: dict, where: str) -> None:
    """Every metric expected is shown with that value; the others are not applicable (None)."""
    for key in METRICS:
        assert actual[key] == expected.get(key), f"{where}: {key}"


def _drill_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(r'data-total="(\d+)"', response.content.decode())
    assert match, url
    return int(match.group(1))


def _linked_numbers(html: str) -> list[tuple[str, int]]:
    """(href, number) of every linked number on a dashboard page."""
    found = re.findall(r'<a class="dash-num[^"]*" href="([^"]+)"[^>]*>(\d+)</a>', html)
    return [(unescape(href), int(n)) for href, n in found]


def test_demo_figures_equal_the_database_and_their_lists(settings, tmp_path, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    expected = Expected(today)
    term = Term.objects.get(is_current=True)
    client.force_login(User.objects.get(username="leader"))

    county = figures(Scope(term), today=today)
    check_key_figures_are_not_zero(county)
    check_county_coverage_is_the_coverage_page(term, county)

    scopes = [Scope(term)] + [Scope(term, r) for r in Round.objects.filter(term=term).order_by("number")]
    for scope in scopes:
        where = str(scope.round or term)
        _same(figures(scope, today=today), expected.compute(term, scope.round), where)
        check_breakdowns(expected, scope, today)
        check_drilldowns_total_the_figures(client, scope, expected.compute(term, scope.round))
    check_every_linked_number_on_the_pages(client, term)
    check_progress_ends_at_the_open_measures(term, today)
    check_team_members_part(expected, term, today)


def check_key_figures_are_not_zero(values):
    for key in (
        "units", "villages_elevated", "findings", "problems", "measures", "immediate", "deadline",
        "measures_closed", "measures_open", "to_jiwei", "to_others", "cases", "persons", "units_covered",
        "units_to_cover",
    ):  # fmt: skip
        assert values[key], key
    assert 0 < values["problems_share"] and 0 < values["completion_rate"] < 100
    assert values["covered_share"] + values["to_cover_share"] == pytest.approx(100, abs=0.11)


def check_county_coverage_is_the_coverage_page(term, values):
    """The county's coverage is the rounds app's 全覆盖 page's (same rule: stationed or later)."""
    summary = coverage_summary(term)
    assert (values["units_active"], values["units_covered"]) == (summary.active, summary.covered)
    assert values["covered_share"] == summary.percent


def check_breakdowns(expected: Expected, scope: Scope, today):
    for by in BREAKDOWNS:
        rows = breakdown(scope, by, today)
        assert rows or by == "category"
        for row in rows:
            f = {k: getattr(row.filters, k) for k in ("team", "unit_type", "category", "round")}
            f = {k: v for k, v in f.items() if v}
            want = expected.compute(scope.term, scope.round, **f)
            for key, metric in METRICS.items():
                if applies(metric, scope, row.filters):
                    assert row.values[key] == want.get(key), f"{scope.round or scope.term} {by} {row.label}: {key}"
                else:
                    assert row.values[key] is None
    # Every area's count is the sum of its sub-categories' and its own direct findings.
    rows = breakdown(scope, "category", today)
    direct = Counter(
        f.category_id for f in Finding.objects.filter(status=FindingStatus.APPROVED, round__term=scope.term)
        if scope.round is None or f.round_id == scope.round.pk
    )  # fmt: skip
    for area in (r for r in rows if r.level == 0):
        subs = [r for r in rows if r.level == 1 and Category.objects.get(pk=r.key).parent_id == area.key]
        assert area.values["findings"] == sum(r.values["findings"] for r in subs) + direct[area.key]


def check_drilldowns_total_the_figures(client, scope: Scope, want: dict):
    params = f"round={scope.round.pk}" if scope.round else f"term={scope.term.pk}"
    for key in METRICS:
        url = f"{reverse('dashboards:drilldown', args=[key])}?{params}"
        if key not in want:
            assert client.get(url).status_code == 404, url
            continue
        assert _drill_total(client, url) == want[key], url


def check_every_linked_number_on_the_pages(client, term):
    """Each number on the county's and each round's page links to a list of exactly that many rows."""
    pages = [f"{reverse('dashboards:county')}?term={term.pk}"] + [
        reverse("dashboards:round", args=[r.pk]) for r in Round.objects.filter(term=term)
    ]
    checked = 0
    for page in pages:
        html = client.get(page).content.decode()
        numbers = _linked_numbers(html)
        assert len(numbers) > 50, page
        seen = set()
        for href, number in numbers:
            if href in seen:
                continue
            seen.add(href)
            assert _drill_total(client, href) == number, href
            checked += 1
    assert checked > 300


def check_progress_ends_at_the_open_measures(term, today):
    """The last week of a round's progress chart shows its measures open now (not long-term, not closed)."""
    rounds = Round.objects.filter(term=term, status__in=(RoundStatus.RECTIFYING, RoundStatus.DONE))
    assert rounds.exists()
    for round in rounds:
        points = progress(Scope(term, round), today)
        if not points:
            continue
        open_now = Measure.objects.filter(
            rectification__round=round, rectification__status__in=(RectStatus.IN_PROGRESS, RectStatus.CLOSED)
        ).exclude(kind=MeasureKind.LONG_TERM).exclude(status=MeasureStatus.CLOSED).count()
        assert points[-1].open == open_now, round
        assert [p.week for p in points] == sorted(p.week for p in points)
        assert all((b.week - a.week).days == 7 for a, b in zip(points, points[1:], strict=False))


def check_team_members_part(expected: Expected, term, today):
    """A team member's dashboards count his teams' part only."""
    member = User.objects.get(username="zuzhang1")
    team_ids = frozenset(member.cadre.memberships.values_list("team_id", flat=True))
    assert team_ids
    values = figures(Scope(term, None, team_ids), today=today)
    _same(values, expected.compute(term, None, team_ids), "zuzhang1")
    assert values["units_to_cover"] is None
