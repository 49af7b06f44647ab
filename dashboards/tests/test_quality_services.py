"""The writes of the quality evaluation: weights and scores, with every refusal."""

from decimal import Decimal

import pytest

from dashboards.models import QualitySettings, ScoreSource, TeamScore
from dashboards.services.quality import score_clear, score_save, settings_save, team_scores_save
from rounds.models import RoundStatus
from rounds.tests.factories import UnitFactory
from xuncha.accounts.roles import Role
from xuncha.errors import DomainError

from .quality_world import build_world, set_status

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world():
    return build_world()


def weights(lw=70, ow=20, uw=10, threshold=75):
    return {"leadership_weight": lw, "office_weight": ow, "unit_weight": uw, "talk_threshold": threshold}


# --- settings -------------------------------------------------------------------------------------


def test_defaults():
    settings = QualitySettings.current()
    assert (settings.leadership_weight, settings.office_weight, settings.unit_weight) == (70, 20, 10)
    assert settings.talk_threshold == 75


def test_settings_save_records_the_user(office_user):
    settings = settings_save(**weights(50, 30, 20, 80), by=office_user)
    settings.refresh_from_db()
    assert (settings.leadership_weight, settings.office_weight, settings.unit_weight) == (50, 30, 20)
    assert settings.talk_threshold == 80 and settings.updated_by == office_user
    assert settings.history.first().history_user == office_user
    assert QualitySettings.objects.count() == 1


@pytest.mark.parametrize(
    "values, message",
    [
        (weights(70, 20, 20), "三项评分权重之和应为100%，当前为110%"),
        (weights(60, 20, 10), "三项评分权重之和应为100%，当前为90%"),
        (weights(120, -10, -10), "领导小组评分权重应在0至100之间"),
        (weights(threshold=101), "约谈线应在0至100之间"),
        (weights(lw="七十"), "领导小组评分权重应为数字"),
    ],
)
def test_settings_refused(office_user, values, message):
    with pytest.raises(DomainError) as exc:
        settings_save(**values, by=office_user)
    assert exc.value.message == message
    assert QualitySettings.current().leadership_weight == 70


def test_settings_only_by_the_office(leader_user, make_user):
    for user in (leader_user, make_user(Role.TEAM)):
        with pytest.raises(DomainError, match="只有巡察办可以修改考评设置"):
            settings_save(**weights(50, 30, 20), by=user)


def test_settings_unchanged_writes_no_history(office_user):
    settings = QualitySettings.current()
    before = settings.history.count()
    settings_save(**weights(), by=office_user)
    assert settings.history.count() == before


# --- scores ---------------------------------------------------------------------------------------


def test_score_save_creates_then_updates(world, office_user):
    row = score_save(
        team=world.team_a, source=ScoreSource.LEADERSHIP, score="88.5", note="较好", by=office_user
    )
    assert row.score == D("88.50") and row.scored_by == office_user
    again = score_save(team=world.team_a, source=ScoreSource.LEADERSHIP, score=90, by=office_user)
    assert again.pk == row.pk and again.score == 90 and again.note == ""
    assert TeamScore.objects.filter(team=world.team_a).count() == 1
    history = list(TeamScore.history.filter(id=row.pk).order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert all(h.history_user == office_user for h in history)


def test_unit_scores_one_per_unit(world, office_user):
    u1, u2 = world.units_a
    score_save(team=world.team_a, source=ScoreSource.UNIT, unit=u1, score=80, by=office_user)
    score_save(team=world.team_a, source=ScoreSource.UNIT, unit=u2, score=70, by=office_user)
    score_save(team=world.team_a, source=ScoreSource.UNIT, unit=u1, score=85, by=office_user)
    assert dict(TeamScore.objects.filter(team=world.team_a).values_list("unit_id", "score")) == {
        u1.pk: 85,
        u2.pk: 70,
    }


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"source": ScoreSource.OFFICE, "score": 101}, "评分应在0至100之间"),
        ({"source": ScoreSource.OFFICE, "score": -1}, "评分应在0至100之间"),
        ({"source": ScoreSource.UNIT, "score": 80}, "被巡察单位评分须指明评分单位"),
        ({"source": "boss", "score": 80}, "评分主体不正确"),
        ({"source": ScoreSource.OFFICE, "score": 80, "note": "很" * 301}, "评价意见不超过300字"),
    ],
)
def test_score_refused(world, office_user, kwargs, message):
    with pytest.raises(DomainError) as exc:
        score_save(team=world.team_a, by=office_user, **kwargs)
    assert exc.value.message == message
    assert not TeamScore.objects.exists()


def test_unit_score_from_a_unit_not_inspected_by_the_team(world, office_user):
    stranger = UnitFactory(name="县外单位")
    with pytest.raises(DomainError, match="县外单位不是.*的被巡察单位"):
        score_save(team=world.team_a, source=ScoreSource.UNIT, unit=stranger, score=80, by=office_user)


def test_office_score_with_a_unit_refused(world, office_user):
    with pytest.raises(DomainError, match="不对应具体单位"):
        score_save(
            team=world.team_a, source=ScoreSource.OFFICE, unit=world.units_a[0], score=80, by=office_user
        )


def test_round_not_on_site_cannot_be_scored(world, office_user):
    set_status(world.round, RoundStatus.PREPARING)
    with pytest.raises(DomainError, match="尚未进驻"):
        score_save(team=world.team_a, source=ScoreSource.OFFICE, score=80, by=office_user)


def test_scores_only_by_the_office(world, leader_user, make_user):
    for user in (leader_user, make_user(Role.TEAM), make_user(Role.UNIT)):
        with pytest.raises(DomainError, match="只有巡察办可以录入考评评分"):
            score_save(team=world.team_a, source=ScoreSource.OFFICE, score=80, by=user)
        with pytest.raises(DomainError, match="只有巡察办可以录入考评评分"):
            team_scores_save(team=world.team_a, leadership=(D(80), ""), office=(None, ""), units={}, by=user)
    assert not TeamScore.objects.exists()


def test_score_clear_keeps_history(world, office_user):
    row = score_save(team=world.team_a, source=ScoreSource.OFFICE, score=80, by=office_user)
    assert score_clear(team=world.team_a, source=ScoreSource.OFFICE, by=office_user)
    assert not TeamScore.objects.exists()
    assert TeamScore.history.filter(id=row.pk, history_type="-").get().history_user == office_user
    assert not score_clear(team=world.team_a, source=ScoreSource.OFFICE, by=office_user)


def test_team_scores_save_writes_updates_and_clears(world, office_user):
    u1, u2 = world.units_a
    changed = team_scores_save(
        team=world.team_a,
        leadership=(D(85), "领导小组评定：较好"),
        office=(D(80), ""),
        units={u1: (D(90), ""), u2: (None, "")},
        by=office_user,
    )
    assert changed == 3
    changed = team_scores_save(
        team=world.team_a,
        leadership=(D(85), "领导小组评定：较好"),
        office=(None, ""),
        units={u1: (D(95), ""), u2: (D(70), "配合一般")},
        by=office_user,
    )
    assert changed == 3  # office cleared, u1 updated, u2 added
    scores = {(s.source, s.unit_id): s.score for s in TeamScore.objects.filter(team=world.team_a)}
    assert scores == {
        (ScoreSource.LEADERSHIP, None): 85,
        (ScoreSource.UNIT, u1.pk): 95,
        (ScoreSource.UNIT, u2.pk): 70,
    }
    assert (
        team_scores_save(
            team=world.team_a,
            leadership=(D(85), "领导小组评定：较好"),
            office=(None, ""),
            units={u1: (D(95), ""), u2: (D(70), "配合一般")},
            by=office_user,
        )
        == 0
    )


def test_team_scores_save_checks_everything_before_writing(world, office_user):
    u1, u2 = world.units_a
    with pytest.raises(DomainError, match=f"{u2.name}的评分应在0至100之间"):
        team_scores_save(
            team=world.team_a,
            leadership=(D(85), ""),
            office=(D(80), ""),
            units={u1: (D(90), ""), u2: (D(120), "")},
            by=office_user,
        )
    assert not TeamScore.objects.exists()
    with pytest.raises(DomainError, match="填写了巡察办评分的评价意见，请同时填写评分"):
        team_scores_save(
            team=world.team_a, leadership=(D(85), ""), office=(None, "很好"), units={}, by=office_user
        )
    assert not TeamScore.objects.exists()
