"""The dashboard figures of transfers: leads sent to each kind of receiver, cases opened, persons dealt with
by the four forms — per round, team and unit, equal to what the test itself counts from what it made."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from clues.models import Disposition, HandlingResult
from clues.selectors.transfers import transfer_figures, transfer_figures_by
from clues.services.transfers import batch_create, item_report_result
from clues.tests.test_transfers import confirmed_lead, make_world, sent_batch
from rounds.tests.factories import AssignmentFactory, UnitFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory

# (which assignment, disposition, result, forms of the persons dealt with)
SPEC = [
    ("a1", Disposition.TO_JIWEI, HandlingResult.CASE, [3, 1]),
    ("a1", Disposition.TO_JIWEI, HandlingResult.CASE, [4]),
    ("a1", Disposition.TO_JIWEI, HandlingResult.CLOSE, []),
    ("a1", Disposition.TO_JIWEI, "", []),
    ("a2", Disposition.TO_ZUZHIBU, HandlingResult.CLOSE, [2]),
    ("a2", Disposition.TO_OTHER, HandlingResult.TALK, [1, 1]),
    ("b", Disposition.TO_JIWEI, HandlingResult.CASE, [1, 2, 3]),
    ("b", Disposition.TO_JIWEI, HandlingResult.PRELIMINARY, []),
]
KEY = {
    Disposition.TO_JIWEI: "to_jiwei",
    Disposition.TO_ZUZHIBU: "to_zuzhibu",
    Disposition.TO_OTHER: "to_other",
}
SANCTION = {1: "talk", 2: "organizational", 3: "party", 4: "judicial"}


@pytest.fixture
def data(db):
    w = make_world()
    w.audit = UnitFactory(name="县审计局")
    w.audit_user = UserFactory(roles=[Role.DEPARTMENT])
    w.audit.staff.add(w.audit_user)
    w.unit2 = UnitFactory(name="县交通运输局")
    assignments = {
        "a1": w.assignment,
        "a2": AssignmentFactory(team=w.team, unit=w.unit2),
        "b": w.other_assignment,
    }
    receivers = {
        Disposition.TO_JIWEI: (w.jiwei_unit, w.jiwei),
        Disposition.TO_ZUZHIBU: (w.zuzhibu_unit, w.zuzhibu),
        Disposition.TO_OTHER: (w.audit, w.audit_user),
    }
    made = []
    for where, disposition, result, forms in SPEC:
        assignment = assignments[where]
        leader = w.zuzhang if where != "b" else w.other_zuzhang
        lead = confirmed_lead(w, disposition, assignment=assignment, leader=leader)
        receiver, staff = receivers[disposition]
        item = sent_batch(w, [lead], receiver=receiver).items.get()
        if result:
            persons = [{"name": f"人员{i}", "form": f, "sanction": SANCTION[f]} for i, f in enumerate(forms)]
            item_report_result(item=item, result=result, note="办理情况", persons=persons, by=staff)
        made.append((assignment, disposition, result, forms))
    # Neither a lead in a draft batch nor one waiting for a batch counts as transferred.
    batch_create(receiver=w.jiwei_unit, leads=[confirmed_lead(w)], note="", by=w.office)
    confirmed_lead(w)
    w.made = made
    return w


def expected(made, keep=lambda assignment: True):
    figures = Counter()
    forms = Counter()
    for assignment, disposition, result, person_forms in made:
        if not keep(assignment):
            continue
        figures[KEY[disposition]] += 1
        figures["cases"] += result == HandlingResult.CASE
        figures["persons"] += len(person_forms)
        forms.update(person_forms)
    return {
        "to_jiwei": figures["to_jiwei"],
        "to_zuzhibu": figures["to_zuzhibu"],
        "to_other": figures["to_other"],
        "cases": figures["cases"],
        "persons": figures["persons"],
        "by_form": {f: forms[f] for f in (1, 2, 3, 4)},
    }


def actual(figures):
    return {
        "to_jiwei": figures.to_jiwei,
        "to_zuzhibu": figures.to_zuzhibu,
        "to_other": figures.to_other,
        "cases": figures.cases,
        "persons": figures.persons,
        "by_form": figures.by_form,
    }


def test_the_county_figures_equal_what_was_made(data):
    want = expected(data.made)
    assert want["to_jiwei"] == 6 and want["cases"] == 3 and want["persons"] == 9  # the spec, read by a person
    assert actual(transfer_figures()) == want


def test_the_figures_per_round_team_and_unit(data):
    w = data
    assert actual(transfer_figures(round=w.round)) == expected(w.made, lambda a: a.round_id == w.round.pk)
    assert actual(transfer_figures(round=w.other_round)) == expected(
        w.made, lambda a: a.round_id == w.other_round.pk
    )
    assert actual(transfer_figures(team=w.team)) == expected(w.made, lambda a: a.team_id == w.team.pk)
    assert actual(transfer_figures(unit=w.unit2)) == expected(w.made, lambda a: a.unit_id == w.unit2.pk)
    assert actual(transfer_figures(round=w.round, unit=w.unit)) == expected(
        w.made, lambda a: a.unit_id == w.unit.pk
    )


def test_the_tables_have_a_row_per_round_team_and_unit(data):
    w = data
    per_round = {row.key.pk: actual(row) for row in transfer_figures_by("round")}
    assert per_round == {
        r.pk: expected(w.made, lambda a, r=r: a.round_id == r.pk) for r in (w.round, w.other_round)
    }
    per_team = {row.key.pk: actual(row) for row in transfer_figures_by("team", round=w.round)}
    assert per_team == {w.team.pk: expected(w.made, lambda a: a.team_id == w.team.pk)}
    per_unit = {row.key.pk: actual(row) for row in transfer_figures_by("unit", round=w.round)}
    assert per_unit == {u.pk: expected(w.made, lambda a, u=u: a.unit_id == u.pk) for u in (w.unit, w.unit2)}


def test_the_figures_cost_a_constant_number_of_queries(data, django_assert_num_queries):
    with django_assert_num_queries(2):
        transfer_figures()
    with django_assert_num_queries(3):
        rows = transfer_figures_by("team")
        [row.label for row in rows]


def test_the_figures_page_is_for_the_office_and_the_leadership(data, client):
    w = data
    want = expected(w.made)
    for user in (w.office, w.leadership):
        client.force_login(user)
        body = client.get(reverse("clues:transfer_figures")).content.decode()
        shown = dict(re.findall(r'data-figure="(\w+)">([^<]*)<', body))
        assert shown["to_jiwei"] == str(want["to_jiwei"])
        assert shown["cases"] == str(want["cases"])
        assert shown["persons"] == str(want["persons"])
        assert shown["forms"] == " / ".join(str(want["by_form"][f]) for f in (1, 2, 3, 4))
        assert str(w.other_round) in body
    client.force_login(w.office)
    one_round = client.get(reverse("clues:transfer_figures"), {"round": w.other_round.pk}).content.decode()
    assert re.search(r'data-figure="to_jiwei">2<', one_round)
    for user in (w.jiwei, w.zuzhang, w.unit_user):
        client.force_login(user)
        assert client.get(reverse("clues:transfer_figures")).status_code == 403
