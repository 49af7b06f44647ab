"""The dashboards composed from per-round summaries (dashboards.selectors.round_figures) equal the figures
recomputed from scratch (figures.dashboard) after any sequence of writes, and a write recomputes only the
round it touched.

The property test is a seeded random loop (hypothesis is not a dependency of the project): each step is
a write through a service (a finding approved or reopened, a measure closed, returned or reopened), or a
plain save that history records as every service's write does (a person dealt with reported, a transfer's
result changed, a unit retired, a category moved to another area, a finding or measure deleted). After
each step every scope's dashboard, as the page shows it, is compared with the one computed afresh.
"""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clues.models import (
    Category,
    DisciplineForm,
    Finding,
    FindingStatus,
    HandlingResult,
    PersonDealt,
    Sanction,
    TransferItem,
)
from clues.services.findings import finding_review
from dashboards.selectors import round_figures
from dashboards.selectors.dashboard_page import dashboard_page
from dashboards.selectors.figures import Scope, dashboard
from rectification.models import Measure, MeasureStatus, RectStatus
from rectification.services.closing import measure_close, measure_reopen, measure_return
from rounds.models import Round, RoundStatus, Unit
from rounds.tests.factories import RoundFactory
from teams.tests.factories import TeamFactory
from xuncha.accounts.roles import Role

from .test_dashboard_views_queries import World

pytestmark = pytest.mark.django_db


def _world() -> World:
    world = World()
    world.add(1)
    # Findings the office can approve, written before any figure is read (a raw update has no history).
    drafts = Finding.objects.filter(status=FindingStatus.DRAFT).order_by("pk")
    Finding.objects.filter(pk__in=[f.pk for f in drafts[::2]]).update(status=FindingStatus.LEADER_APPROVED)
    return world


def _scopes(world: World) -> list[Scope]:
    teams = world.teams
    member_teams = frozenset({teams[world.rectifying.pk][0].pk, teams[world.done.pk][1].pk})
    return [
        Scope(world.term),
        Scope(world.term, world.rectifying),
        Scope(world.term, world.done),
        Scope(world.term, world.preparing),
        Scope(world.term, None, member_teams),
        Scope(world.term, world.rectifying, member_teams),
    ]


def _pick(rng, qs):
    rows = list(qs.order_by("pk").values_list("pk", flat=True)[:50])
    return qs.model.objects.get(pk=rng.choice(rows)) if rows else None


def _step(rng: random.Random, world: World, office) -> str:
    """One random write; returns what it did (for the failure message)."""
    kind = rng.choice(
        ["approve", "reopen_finding", "close", "return", "reopen_measure", "person", "result", "unit",
         "category", "delete_finding", "delete_measure"]
    )  # fmt: skip
    if kind == "approve":
        finding = _pick(rng, Finding.objects.filter(status=FindingStatus.LEADER_APPROVED))
        if finding:
            finding_review(finding=finding, action="approve", by=office)
    elif kind == "reopen_finding":
        finding = _pick(rng, Finding.objects.filter(status=FindingStatus.APPROVED))
        if finding:
            finding_review(finding=finding, action="reopen", by=office, reason="核实有误")
    elif kind in ("close", "return"):
        measure = _pick(
            rng,
            Measure.objects.filter(rectification__status=RectStatus.IN_PROGRESS).exclude(
                status=MeasureStatus.CLOSED
            ),
        )
        if measure and kind == "close":
            measure_close(measure=measure, by=office)
        elif measure:
            measure_return(measure=measure, by=office, reason="未完成")
    elif kind == "reopen_measure":
        measure = _pick(rng, Measure.objects.filter(status=MeasureStatus.CLOSED))
        if measure:
            measure_reopen(measure=measure, by=office, reason="问题反弹")
    elif kind == "person":
        item = _pick(rng, TransferItem.objects.filter(batch__sent_at__isnull=False))
        PersonDealt(
            item=item, name="某某", form=rng.choice(DisciplineForm.values), sanction=Sanction.PARTY
        ).save()
    elif kind == "result":
        item = _pick(rng, TransferItem.objects.all())
        item.result = rng.choice([HandlingResult.CASE, HandlingResult.TALK])
        item.save()
    elif kind == "unit":
        unit = _pick(rng, Unit.objects.filter(name__startswith="单位"))
        unit.is_active = not unit.is_active
        unit.save()
    elif kind == "category":
        sub = _pick(rng, Category.objects.filter(parent__isnull=False))
        sub.parent = rng.choice(world.areas)
        sub.save()
    elif kind == "delete_finding":
        finding = _pick(rng, Finding.objects.filter(status=FindingStatus.APPROVED))
        if finding:
            finding.reviews.all().delete()
            finding.delete()
    else:
        measure = _pick(rng, Measure.objects.all())
        if measure:
            measure.events.all().delete()
            measure.delete()
    return kind


def _assert_equal(world: World, done: list[str]) -> None:
    for scope in _scopes(world):
        expected = dashboard(scope)
        assert round_figures.compose(scope) == expected, (scope, done)
        assert dashboard_page(scope)["dash"] == expected, (scope, done)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_maintained_figures_equal_a_recomputation_after_random_writes(seed, make_user):
    world = _world()
    office = make_user(Role.OFFICE)
    rng = random.Random(seed)
    done: list[str] = []
    _assert_equal(world, done)
    for _ in range(25):
        done.append(_step(rng, world, office))
        _assert_equal(world, done)
    assert len(set(done)) >= 6  # the loop did exercise several kinds of write


def test_the_composed_figures_are_not_all_zero():
    """The comparison above means something: the composed county has every kind of figure."""
    world = _world()
    figs = round_figures.compose(Scope(world.term)).figures
    assert [k for k, v in figs.items() if not v and k != "to_cover_share"] == []


def test_a_write_recomputes_only_its_round(monkeypatch, make_user):
    world = _world()
    office = make_user(Role.OFFICE)
    for scope in _scopes(world):
        dashboard_page(scope)
    computed = []
    real = round_figures._compute

    def spy(parts, today):
        computed.append({part: sorted(pks) for part, pks in parts.items()})
        return real(parts, today)

    monkeypatch.setattr(round_figures, "_compute", spy)

    measure = Measure.objects.filter(rectification__round=world.rectifying, status=MeasureStatus.OPEN).first()
    measure_close(measure=measure, by=office)
    for scope in _scopes(world):
        dashboard_page(scope)
    # Once, for its round, whatever the pages viewed after; and only the parts that read measures.
    mine = [world.rectifying.pk]
    assert computed == [{"measures": mine, "started": mine, "closed": mine}]

    computed.clear()
    finding = Finding.objects.filter(status=FindingStatus.LEADER_APPROVED).first()
    finding_review(finding=finding, action="approve", by=office)
    dashboard_page(Scope(world.term))
    assert computed == [{"findings": [finding.round_id]}]  # one query: the findings of its round

    computed.clear()
    unit = Unit.objects.filter(name__startswith="单位").first()
    unit.name = "改名单位"
    unit.save()  # a unit's write may change any round's figures (its type, whether it is active)
    dashboard_page(Scope(world.term))
    every = sorted(r.pk for r in Round.objects.filter(term=world.term))
    assert computed == [{part: every for part in round_figures.PARTS}]


def test_a_write_in_another_round_changes_a_round_page_only_in_its_trend(monkeypatch, make_user):
    world = _world()
    office = make_user(Role.OFFICE)
    mine = Scope(world.term, world.rectifying)
    before = dashboard_page(mine)
    composed = []
    real = round_figures.compose
    monkeypatch.setattr(round_figures, "compose", lambda *a, **k: composed.append(a[0]) or real(*a, **k))

    finding = (
        Finding.objects.filter(status=FindingStatus.LEADER_APPROVED).exclude(round=world.rectifying).first()
    )
    finding_review(finding=finding, action="approve", by=office)
    after = dashboard_page(mine)
    assert composed == []  # the body is kept: nothing in it reads the other round
    assert after["dash"] == dashboard(mine)  # and the trend is the new one
    row = next(r for r in after["dash"].by_round if r.key == finding.round_id)
    old = next(r for r in before["dash"].by_round if r.key == finding.round_id)
    assert row.values["findings"] == old.values["findings"] + 1
    assert str(after["body"]).count('id="dash-trend"') == 1

    composed.clear()
    own = Finding.objects.filter(status=FindingStatus.LEADER_APPROVED, round=world.rectifying).first()
    if own is None:  # a finding of the round to approve
        own = Finding.objects.filter(round=world.rectifying).exclude(status=FindingStatus.APPROVED).first()
        Finding.objects.filter(pk=own.pk).update(status=FindingStatus.LEADER_APPROVED)
        own.refresh_from_db()
    finding_review(finding=own, action="approve", by=office)
    assert dashboard_page(mine)["dash"] == dashboard(mine)
    assert composed == [mine]  # a write in the round itself: its body again


def test_each_part_depends_on_the_tables_its_sql_reads():
    """Read from the compiled SQL: the measures part joins the rectification (its status) and the
    problem (its category), the findings part reads neither."""
    tables = round_figures.part_tables()
    assert "rectification_historicalmeasure" in tables["measures"]
    assert "rectification_historicalrectification" in tables["measures"]
    assert "rectification_historicalproblem" in tables["measures"]
    assert "clues_historicalfinding" in tables["findings"]
    assert (
        not {"rectification_historicalmeasure", "rectification_historicalrectification"} & tables["findings"]
    )
    assert "clues_historicallead" in tables["transfers"] and "clues_historicallead" in tables["persons"]


def test_an_unchanged_view_reads_no_history_rows_and_computes_nothing(client_for, make_user):
    world = _world()
    client = client_for(make_user(Role.LEADER))
    url = f"{reverse('dashboards:county')}?term={world.term.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if "history_id >" in q or "COUNT(" in q and "notification" not in q], sql


def _view_after_write(client, url, office) -> int:
    measure = Measure.objects.filter(
        rectification__status=RectStatus.IN_PROGRESS, status=MeasureStatus.OPEN
    ).first()
    measure_close(measure=measure, by=office)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_view_after_a_write_costs_the_same_queries_at_ten_times_the_size(client_for, make_user):
    world = _world()
    office = make_user(Role.OFFICE)
    client = client_for(make_user(Role.LEADER))
    urls = [
        f"{reverse('dashboards:county')}?term={world.term.pk}",
        reverse("dashboards:round", args=[world.rectifying.pk]),
    ]
    for url in urls:
        client.get(url)
    small = [_view_after_write(client, url, office) for url in urls]
    world.add(9)
    for url in urls:
        client.get(url)
    large = [_view_after_write(client, url, office) for url in urls]
    assert large == small
    print(dict(zip(urls, small, strict=True)))


def test_the_cold_view_costs_the_same_queries_with_more_rounds(client_for, make_user):
    """The summaries of every missing round are computed together: a cold county dashboard of a term with
    many rounds costs what one with three costs."""
    world = _world()
    client = client_for(make_user(Role.LEADER))
    url = f"{reverse('dashboards:county')}?term={world.term.pk}"
    client.get(url)

    def cold() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = cold()
    for number in range(4, 10):
        r = RoundFactory(term=world.term, number=number, status=RoundStatus.DONE)
        TeamFactory(round=r, number=1)
    assert cold() == before
