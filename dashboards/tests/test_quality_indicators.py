"""The indicators, the weighted total, the talk flag and the ranking of dashboards.quality."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.models import QualitySettings, ScoreSource, TeamScore
from dashboards.selectors import quality
from rounds.models import RoundStatus
from teams.tests.factories import TeamFactory

from .quality_world import add_team, build_world, set_status

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world():
    return build_world()


def by_team(rows):
    return {r.team.pk: r for r in rows}


def score(team, source, value, unit=None):
    return TeamScore.objects.create(team=team, source=source, unit=unit, score=D(value))


def full_scores(team, leadership, office, *units):
    score(team, ScoreSource.LEADERSHIP, leadership)
    score(team, ScoreSource.OFFICE, office)
    for unit, value in units:
        score(team, ScoreSource.UNIT, value, unit)


# --- indicators -----------------------------------------------------------------------------------


def test_indicators_of_a_team_with_data(world):
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert (row.unit_count, row.findings_approved, row.findings_total, row.findings_returned) == (2, 3, 5, 2)
    assert row.findings_per_unit == D("1.50")
    assert row.return_rate == D("40.0")
    assert (row.leads_total, row.leads_transferred, row.transferred_cases) == (4, 3, 1)
    assert row.transfer_rate == D("75.0")
    assert row.case_rate == D("33.3")
    assert (row.measures_total, row.measures_done) == (5, 3)
    assert row.completion_rate == D("60.0")


def test_zero_denominators_give_none(world):
    row = by_team(quality.team_quality(round=world.round))[world.team_b.pk]
    assert row.unit_count == 0 and row.findings_total == 0 and row.leads_total == 0
    assert row.findings_per_unit is None
    assert row.transfer_rate is None
    assert row.case_rate is None
    assert row.return_rate is None
    assert row.completion_rate is None


def test_leads_transferred_but_none_sent_gives_no_case_rate(world):
    # Team A's leads without a sent batch: the transfer rate is 0%, the case rate has nothing to divide.
    from clues.models import TransferItem

    TransferItem.objects.filter(lead__team=world.team_a, batch__sent_at__isnull=False).delete()
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.transfer_rate == D("0.0")
    assert row.case_rate is None


def test_scope_round_and_term(world):
    in_round = {r.team.pk for r in quality.team_quality(round=world.round)}
    assert in_round == {world.team_a.pk, world.team_b.pk}
    in_term = {r.team.pk for r in quality.team_quality(term=world.round.term)}
    assert in_term == {world.team_a.pk, world.team_b.pk, world.team_c.pk}
    other = by_team(quality.team_quality(round=world.other_round))[world.team_c.pk]
    assert other.findings_approved == 1 and other.findings_per_unit == D("1.00")


def test_term_leaves_out_rounds_not_yet_on_site(world):
    set_status(world.other_round, RoundStatus.PREPARING)
    in_term = {r.team.pk for r in quality.team_quality(term=world.round.term)}
    assert world.team_c.pk not in in_term


def test_default_round_is_the_latest_finished(world):
    assert quality.default_round() == world.round  # rectifying, newer than the done one
    set_status(world.round, RoundStatus.STATIONED)
    assert quality.default_round() == world.other_round


def test_default_round_prefers_the_latest_scored(world):
    TeamScore.objects.create(team=world.team_c, source=ScoreSource.OFFICE, score=Decimal("80"))
    assert world.team_c.round == world.other_round
    assert quality.default_round() == world.other_round  # the newer round has no score yet


# --- weighted total -------------------------------------------------------------------------------


def test_weighted_total_with_default_weights(world):
    u1, u2 = world.units_a
    full_scores(world.team_a, "80", "90", (u1, "70"), (u2, "80"))
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.unit_score == D("75.00")
    assert row.total == D("81.50")  # 80×70% + 90×20% + 75×10%
    assert row.complete and row.rank == 1 and not row.talk


def test_unit_score_is_the_mean_rounded(world):
    u1, u2 = world.units_a
    full_scores(world.team_a, "80", "90", (u1, "70"), (u2, "75.25"))
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.unit_score == D("72.63")  # 72.625 rounded half up
    assert row.units_scored == 2


def test_weighted_total_with_edited_weights(world):
    settings = QualitySettings.current()
    settings.leadership_weight, settings.office_weight, settings.unit_weight = D(50), D(30), D(20)
    settings.save()
    u1, _ = world.units_a
    full_scores(world.team_a, "80", "90", (u1, "75"))
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.total == D("82.00")  # 40 + 27 + 15


def test_missing_source_is_renormalised_and_not_ranked(world):
    score(world.team_a, ScoreSource.LEADERSHIP, "80")
    score(world.team_a, ScoreSource.OFFICE, "90")
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.total == D("82.22")  # (80×70 + 90×20) / 90
    assert not row.complete
    assert row.rank is None


def test_incomplete_below_threshold_is_not_flagged(world):
    score(world.team_a, ScoreSource.LEADERSHIP, "50")
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.total == D("50.00") and not row.complete and not row.talk


def test_source_of_weight_zero_is_not_needed(world):
    settings = QualitySettings.current()
    settings.leadership_weight, settings.office_weight, settings.unit_weight = D(80), D(20), D(0)
    settings.save()
    score(world.team_a, ScoreSource.LEADERSHIP, "80")
    score(world.team_a, ScoreSource.OFFICE, "70")
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.complete and row.total == D("78.00")


def test_no_scores_no_total(world):
    row = by_team(quality.team_quality(round=world.round))[world.team_b.pk]
    assert row.total is None and not row.complete and not row.has_scores and row.rank is None


def test_weighted_total_function():
    settings = QualitySettings(leadership_weight=70, office_weight=20, unit_weight=10)
    full = {ScoreSource.LEADERSHIP: D(60), ScoreSource.OFFICE: D(100), ScoreSource.UNIT: D(100)}
    assert quality.weighted_total(full, settings) == (D("72.00"), True)
    assert quality.weighted_total({}, settings) == (None, False)
    only_units = {ScoreSource.UNIT: D(90)}
    assert quality.weighted_total(only_units, settings) == (D("90.00"), False)


# --- talk flag and ranking -------------------------------------------------------------------------


def test_talk_flag_below_threshold(world):
    u1, u2 = world.units_a
    full_scores(world.team_a, "70", "70", (u1, "70"), (u2, "70"))
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.total == D("70.00") and row.talk


def test_talk_flag_not_at_threshold(world):
    u1, _ = world.units_a
    full_scores(world.team_a, "75", "75", (u1, "75"))
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.total == D("75.00") and not row.talk


def test_talk_threshold_is_editable(world):
    u1, _ = world.units_a
    full_scores(world.team_a, "80", "80", (u1, "80"))
    settings = QualitySettings.current()
    settings.talk_threshold = D(85)
    settings.save()
    row = by_team(quality.team_quality(round=world.round))[world.team_a.pk]
    assert row.talk


def test_ranking_order_ties_and_incomplete_last(world):
    round = world.round
    set_status(round, RoundStatus.PREPARING)
    extra = [TeamFactory(round=round, number=n) for n in (3, 4, 5)]
    set_status(round, RoundStatus.RECTIFYING)
    a, b = world.team_a, world.team_b
    c, d, e = extra
    full_scores(a, "80", "80")  # no unit: the unit weight is needed → incomplete
    for team, value in ((b, "90"), (c, "70"), (d, "90"), (e, "85")):
        score(team, ScoreSource.LEADERSHIP, value)
        score(team, ScoreSource.OFFICE, value)
        TeamScore.objects.create(team=team, source=ScoreSource.UNIT, unit=_unit(), score=D(value))
    rows = quality.team_quality(round=round)
    assert [(r.team.pk, r.rank) for r in rows] == [
        (b.pk, 1),
        (d.pk, 1),
        (e.pk, 3),
        (c.pk, 4),
        (a.pk, None),
    ]
    assert rows[3].talk and not rows[2].talk
    assert quality.summary(rows) == {"teams": 5, "complete": 4, "incomplete": 1, "unscored": 0, "talk": 1}
    TeamScore.objects.filter(team=a).delete()
    assert quality.summary(quality.team_quality(round=round))["incomplete"] == 0


def _unit():
    from rounds.tests.factories import UnitFactory

    return UnitFactory()


# --- queries --------------------------------------------------------------------------------------


def test_query_count_is_the_same_for_one_and_ten_teams():
    from rounds.tests.factories import RoundFactory

    round = RoundFactory()
    add_team(round, 1)
    set_status(round, RoundStatus.RECTIFYING)
    settings = QualitySettings.current()
    with CaptureQueriesContext(connection) as one:
        rows = quality.team_quality(round=round, settings=settings)
    assert len(rows) == 1
    for n in range(2, 11):
        team = add_team(round, n)
        TeamScore.objects.create(team=team, source=ScoreSource.OFFICE, score=D(80))
    with CaptureQueriesContext(connection) as ten:
        rows = quality.team_quality(round=round, settings=settings)
    assert len(rows) == 10
    assert all(r.findings_approved == 1 and r.transferred_cases == 1 for r in rows)
    assert len(one) == len(ten) == 2
