"""The services of rounds and teams refuse, in the office's words, a write by anyone but the office;
and the pages decide through xuncha.access, not through role names."""

import pytest

from rounds import services
from rounds.models import RoundStatus
from rounds.services.rounds import CLOSE_GUARDS
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, RoundFactory, UnitFactory
from teams.services import cadre_save, team_create
from teams.tests.factories import CadreFactory
from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.errors import DomainError


@pytest.fixture
def team_user(make_user):
    return make_user(Role.TEAM)


def test_a_unit_is_the_office_s_to_change(leader_user, office_user):
    unit = UnitFactory()
    with pytest.raises(DomainError, match="只有巡察办可以维护被巡察单位"):
        services.unit_save(unit=unit, by=leader_user)
    assert services.unit_save(unit=unit, by=office_user) == unit


def test_a_round_moves_on_only_by_the_office(leader_user):
    round = RoundFactory()
    with pytest.raises(access.Forbidden, match="只有巡察办可以管理巡察轮次"):
        services.round_transition(round=round, action="mobilize", by=leader_user)
    round.refresh_from_db()
    assert round.status == RoundStatus.PREPARING


def test_an_announcement_is_published_only_by_the_office(leader_user, office_user):
    announcement = AnnouncementFactory()
    with pytest.raises(DomainError, match="只有巡察办可以发布巡察公告"):
        services.announcement_publish(announcement=announcement, by=leader_user)
    services.announcement_publish(announcement=announcement, by=office_user)
    announcement.refresh_from_db()
    assert announcement.status == "published" and announcement.published_by == office_user
    assert announcement.history.first().history_change_reason == "发布"


def test_teams_and_cadres_are_the_office_s(leader_user, team_user):
    round = RoundFactory()
    with pytest.raises(DomainError, match="只有巡察办可以调整巡察组"):
        team_create(round=round, by=leader_user)
    # A round he may not see: a service answers with its reason (the views answer 404 before).
    with pytest.raises(DomainError, match="只有巡察办可以调整巡察组"):
        team_create(round=round, by=team_user)
    with pytest.raises(DomainError, match="只有巡察办可以维护巡察干部库"):
        cadre_save(cadre=CadreFactory.build(home_unit=UnitFactory()), by=team_user)


def test_the_team_works_on_its_assignment_and_nobody_else(office_user, team_user, make_user):
    assignment = AssignmentFactory()
    assert access.allows(office_user, "work", assignment)
    assert not access.allows(team_user, "work", assignment)
    assert not access.allows(make_user(Role.LEADER), "work", assignment)


def test_rectification_registers_its_close_guard():
    assert any(guard.__name__ == "rectifications_still_open" for guard in CLOSE_GUARDS)
