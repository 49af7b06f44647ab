import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from rounds.models import INSPECTED_STATUSES, Assignment, Round, RoundStatus, Term, Unit, UnitType
from rounds.selectors.units import coverage_summary, coverage_units
from rounds.tests.factories import AssignmentFactory, RoundFactory, TermFactory, UnitFactory
from teams.tests.factories import TeamFactory
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db


def assign(round, units):
    team = TeamFactory(round=round)
    for unit in units:
        AssignmentFactory(team=team, unit=unit)


def set_status(round, status):
    Round.objects.filter(pk=round.pk).update(status=status)


@pytest.fixture
def county():
    """A term with rounds in several stages, units of several types, an earlier term and an inactive unit."""
    term = TermFactory()
    old_term = TermFactory(
        name="第十四届县委",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        is_current=False,
    )
    depts = UnitFactory.create_batch(5, unit_type=UnitType.DEPARTMENT)
    towns = UnitFactory.create_batch(4, unit_type=UnitType.TOWNSHIP)
    villages = UnitFactory.create_batch(3, unit_type=UnitType.VILLAGE, parent=towns[0])
    soes = UnitFactory.create_batch(2, unit_type=UnitType.SOE)
    closed = UnitFactory(unit_type=UnitType.DEPARTMENT, name="已撤并单位")

    stationed, done, preparing, mobilizing = (RoundFactory(term=term) for _ in range(4))
    earlier = RoundFactory(term=old_term, number=1)
    assign(stationed, [depts[0], towns[0], closed])
    assign(done, [depts[1], villages[0], soes[0]])
    assign(preparing, [depts[2], towns[1], depts[0]])  # depts[0] is also in a stationed round: covered
    assign(mobilizing, [villages[1]])
    assign(earlier, [depts[3], towns[2]])  # inspected, but in the previous term
    for round, status in [
        (stationed, RoundStatus.STATIONED),
        (done, RoundStatus.DONE),
        (mobilizing, RoundStatus.MOBILIZING),
        (earlier, RoundStatus.DONE),
    ]:
        set_status(round, status)
    closed.is_active = False
    closed.save()
    return term


def expected(term):
    """Coverage counted the plain way, unit by unit, from the data itself."""
    result = {}
    for unit in Unit.objects.filter(is_active=True):
        statuses = {a.round.status for a in Assignment.objects.filter(unit=unit, round__term=term)}
        if statuses & set(INSPECTED_STATUSES):
            status = "covered"
        elif statuses:
            status = "planned"
        else:
            status = "none"
        row = result.setdefault(unit.unit_type, {"active": 0, "covered": 0, "planned": 0, "none": 0})
        row["active"] += 1
        row[status] += 1
    return result


def test_coverage_summary_equals_counts_made_from_the_data(county):
    summary = coverage_summary(county)
    want = expected(county)
    got = {
        r.unit_type: {"active": r.active, "covered": r.covered, "planned": r.planned, "none": r.not_covered}
        for r in summary.rows
    }
    assert got == want
    assert summary.active == sum(w["active"] for w in want.values()) == 14
    assert summary.covered == sum(w["covered"] for w in want.values()) == 5
    assert summary.planned == sum(w["planned"] for w in want.values()) == 3
    assert summary.not_covered == 6
    assert summary.percent == round(100 * 5 / 14, 1)


def test_inactive_units_are_left_out_of_coverage(county):
    closed = Unit.objects.get(name="已撤并单位")
    assert closed not in coverage_units(county)
    dept_row = next(r for r in coverage_summary(county).rows if r.unit_type == UnitType.DEPARTMENT)
    assert dept_row.active == 5
    # Deactivating a covered unit takes it out of both counts.
    covered_before = coverage_summary(county).covered
    unit = coverage_units(county, status="covered").first()
    Unit.objects.filter(pk=unit.pk).update(is_active=False)
    after = coverage_summary(county)
    assert (after.covered, after.active) == (covered_before - 1, 13)


def test_a_unit_planned_in_a_round_not_yet_stationed_is_not_covered(county):
    preparing_only = Unit.objects.filter(
        assignments__round__status=RoundStatus.PREPARING, assignments__round__term=county
    ).exclude(assignments__round__status__in=INSPECTED_STATUSES)
    assert preparing_only.exists()
    statuses = {u.pk: u.coverage_status for u in coverage_units(county)}
    for unit in preparing_only:
        assert statuses[unit.pk] == "planned"


def test_the_previous_terms_rounds_do_not_count(county):
    old = Term.objects.get(name="第十四届县委")
    assert coverage_summary(old).covered == 2
    earlier_only = Unit.objects.filter(assignments__round__term=old).exclude(assignments__round__term=county)
    statuses = {u.pk: u.coverage_status for u in coverage_units(county)}
    assert {statuses[u.pk] for u in earlier_only} == {"none"}


def test_office_sees_the_current_terms_coverage(client_for, office_user, county):
    response = client_for(office_user).get(reverse("rounds:coverage"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.covered, summary.active) == (5, 14)
    html = response.content.decode()
    assert "第十五届县委" in html and "35.7%" in html


def test_uncovered_filter_lists_exactly_the_units_not_inspected_nor_planned(client_for, leader_user, county):
    response = client_for(leader_user).get(reverse("rounds:coverage"), {"status": "none"})
    want = {
        u.name
        for u in Unit.objects.filter(is_active=True)
        if not Assignment.objects.filter(unit=u, round__term=county).exists()
    }
    assert {u.name for u in response.context["units"]} == want
    assert len(want) == 6


def test_covered_units_show_their_round_and_onsite_dates(client_for, office_user, county):
    response = client_for(office_user).get(
        reverse("rounds:coverage"), {"status": "covered", "unit_type": "soe"}
    )
    [unit] = response.context["units"]
    [assignment] = unit.done
    html = response.content.decode()
    assert assignment.round.short_name in html
    assert "2026-04-01 至 2026-05-15" in html


def test_coverage_of_another_term_by_its_own_url(client_for, office_user, county):
    old = Term.objects.get(name="第十四届县委")
    response = client_for(office_user).get(reverse("rounds:term_coverage", args=[old.pk]))
    assert response.status_code == 200
    assert response.context["term"] == old
    assert response.context["summary"].covered == 2


def test_coverage_list_searches_and_paginates(client_for, office_user, county):
    UnitFactory.create_batch(25, unit_type=UnitType.OTHER)
    client = client_for(office_user)
    first = client.get(reverse("rounds:coverage"))
    assert len(first.context["units"]) == 20 and first.context["page_obj"].paginator.count == 39
    town = Unit.objects.filter(children__isnull=False).distinct().get()
    found = client.get(reverse("rounds:coverage"), {"q": town.name})
    # Searching a township's name also finds the villages below it.
    names = {u.name for u in found.context["units"]}
    assert {town.name, *town.children.values_list("name", flat=True)} <= names
    assert names == {
        u.name
        for u in Unit.objects.filter(is_active=True)
        if town.name in u.name or (u.parent and town.name in u.parent.name)
    }


def test_coverage_costs_the_same_queries_for_more_units(client_for, office_user, county):
    client = client_for(office_user)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("rounds:coverage")).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    round = RoundFactory(term=county)
    assign(round, UnitFactory.create_batch(6, unit_type=UnitType.INSTITUTION))
    set_status(round, RoundStatus.REPORTING)
    UnitFactory.create_batch(4)
    assert queries() == before


@pytest.mark.parametrize("role", [Role.TEAM, Role.UNIT, Role.JIWEI])
def test_coverage_is_for_office_and_leadership_only(client_for, make_user, county, role):
    client = client_for(make_user(role))
    assert client.get(reverse("rounds:coverage")).status_code == 403
    assert client.get(reverse("rounds:term_coverage", args=[county.pk])).status_code == 403
    assert client.get(reverse("rounds:coverage_export", args=[county.pk])).status_code == 403


def test_without_a_current_term_the_page_says_so_and_links_to_term_creation(client_for, office_user):
    UnitFactory()
    response = client_for(office_user).get(reverse("rounds:coverage"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "尚未设置本届届次" in html
    assert reverse("rounds:term_create") in html


def test_coverage_export_lists_the_filtered_units(client_for, office_user, county):
    response = client_for(office_user).get(
        reverse("rounds:coverage_export", args=[county.pk]), {"status": "none"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] and r[1]]
    assert len(rows) == 6
    assert {r[3] for r in rows} == {"未巡察"}
