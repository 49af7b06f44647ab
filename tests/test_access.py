"""The access package and the status helper, tested directly (the apps' rules are tested with the apps
and, URL by URL, by the permission matrix)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from guardian.shortcuts import get_objects_for_user

from rounds.models import Round, RoundStatus, Unit
from rounds.services.rounds import ROUND_FLOW
from rounds.tests.factories import RoundFactory, UnitFactory
from xuncha import access
from xuncha.access import grants
from xuncha.accounts.roles import Role
from xuncha.core.transitions import transition
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def principal(make_user):
    return make_user(Role.UNIT)


@pytest.fixture
def own_unit(principal):
    unit = UnitFactory(principal_user=principal)
    grants.sync_unit(unit)
    return unit


# --- access ----------------------------------------------------------------------------------------


def test_granted_rows_are_guardians_own_answer(principal, own_unit, make_user):
    """`grants.granted` is a faster query for what guardian's get_objects_for_user answers."""
    UnitFactory()
    stranger = make_user(Role.UNIT)
    for user in (principal, stranger):
        ours = set(grants.granted(user, "rounds.view_unit", Unit.objects.all()).values_list("pk", flat=True))
        theirs = set(
            get_objects_for_user(
                user, "rounds.view_unit", klass=Unit, use_groups=False, with_superuser=False,
                accept_global_perms=False,
            ).values_list("pk", flat=True)
        )
        assert ours == theirs
    assert ours == set()  # the stranger's
    assert set(grants.granted(principal, "rounds.view_unit", Unit.objects.all())) == {own_unit}


def test_a_unit_sees_its_own_unit_and_nothing_else(principal, own_unit):
    other = UnitFactory()
    assert list(access.visible(principal, Unit)) == [own_unit]
    assert list(Unit.objects.restrict(principal)) == [own_unit]
    assert access.require(principal, "view", own_unit) == own_unit
    with pytest.raises(access.NotFound):
        access.require(principal, "view", other)
    with pytest.raises(access.NotFound):
        access.get_visible(principal, Unit, pk=other.pk)


def test_what_one_sees_but_may_not_do_is_forbidden_not_hidden(principal, own_unit, office_user):
    with pytest.raises(access.Forbidden):
        access.require(principal, "change", own_unit)
    # Not seeing the object comes first: a change to another unit is 404, as for one that does not exist.
    with pytest.raises(access.NotFound):
        access.require(principal, "change", UnitFactory())
    assert access.require(office_user, "change", own_unit) == own_unit
    assert access.decisions(office_user, own_unit, "view", "change") == {"view": True, "change": True}
    assert access.decisions(principal, own_unit, "view", "change") == {"view": True, "change": False}


def test_a_service_guard_answers_with_its_reason(principal, own_unit):
    with pytest.raises(DomainError, match="只有巡察办可以维护被巡察单位"):
        access.check(principal, "change", own_unit, message="只有巡察办可以维护被巡察单位")
    with pytest.raises(access.Forbidden):  # also for what he may not even see
        access.check(principal, "change", UnitFactory(), message="只有巡察办可以维护被巡察单位")
    access.check(None, "change", own_unit, message="—")  # the system (a task) acts for nobody


def test_an_anonymous_user_sees_nothing_and_may_nothing(own_unit):
    anonymous = AnonymousUser()
    assert access.visible(anonymous, Unit).count() == 0
    assert not access.allows(anonymous, "view", own_unit)
    assert not access.allows(anonymous, "office")


def test_a_missing_rule_is_a_programming_error_not_a_yes(office_user, own_unit):
    with pytest.raises(ImproperlyConfigured):
        access.allows(office_user, "no_such_action", own_unit)
    with pytest.raises(ImproperlyConfigured):
        access.allows(office_user, "no_such_page")


def test_the_decision_key_changes_with_the_roles(make_user):
    assert access.decision_key(make_user(Role.OFFICE)) != access.decision_key(make_user(Role.LEADER))


# --- transitions -----------------------------------------------------------------------------------


def first_step():
    return next(t for t in ROUND_FLOW.transitions if RoundStatus.PREPARING in t.sources)


def test_a_transition_moves_the_status_and_records_who_and_why(office_user):
    round = RoundFactory()
    step = first_step()
    transition(round, step.action, by=office_user, reason="按计划启动")
    round.refresh_from_db()
    assert round.status == step.target
    record = round.history.first()
    assert record.history_user == office_user
    assert record.history_change_reason == "按计划启动"


def test_a_double_click_acts_once(office_user):
    """Two requests that loaded the same round: the second is refused, read against the row."""
    first, second = RoundFactory(), None
    second = Round.objects.get(pk=first.pk)
    step = first_step()
    transition(first, step.action, by=office_user)
    with pytest.raises(DomainError, match="当前状态为"):
        transition(second, step.action, by=office_user)
    assert Round.objects.get(pk=first.pk).history.count() == 2  # created, then moved once


def test_the_access_layer_decides_who_may_make_a_transition(leader_user, office_user):
    round = RoundFactory()
    step = first_step()
    with pytest.raises(access.Forbidden):
        transition(round, step.action, by=leader_user)
    assert Round.objects.get(pk=round.pk).status == RoundStatus.PREPARING
    with pytest.raises(DomainError, match="须由有权限的人员办理"):
        transition(round, step.action, by=None)
    assert [t.action for t in ROUND_FLOW.available(round, leader_user)] == []
    assert step in ROUND_FLOW.available(round, office_user)
