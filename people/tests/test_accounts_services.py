"""The account services: creation with roles and scopes, the separation of the three administrators,
moves, disable/enable, resets, unlocks, and the bad input of issue 12."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.utils import timezone

from people.services.accounts import (
    account_create,
    account_disable,
    account_enable,
    account_reset_password,
    account_unlock,
    account_update,
    initial_password,
    is_locked,
)
from people.services.bindings import Kind, binding_add, binding_remove, binding_transfer, bindings_of
from rounds.tests.factories import UnitFactory
from teams.tests.factories import CadreFactory
from xuncha import access
from xuncha.access import Forbidden
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.models import EventKind, SecurityEvent
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def sysadmin():
    return UserFactory(username="sysadmin", roles=[Role.SYSADMIN])


@pytest.fixture
def secadmin():
    return UserFactory(username="secadmin", roles=[Role.SECADMIN])


@pytest.fixture
def auditor():
    return UserFactory(username="auditor", roles=[Role.AUDITOR])


def person(name="王大明", phone="13900000001", **kw):
    return {
        "name": name,
        "phone": phone,
        "organization": kw.get("organization", ""),
        "post": kw.get("post", ""),
    }


def test_initial_passwords_meet_the_rules_and_differ():
    passwords = {initial_password() for _ in range(50)}
    assert len(passwords) == 50
    for p in passwords:
        assert len(p) >= 8 and any(c.isupper() for c in p) and any(c.islower() for c in p)
        assert any(c.isdigit() for c in p)


def test_the_office_opens_a_principal_account_which_sees_its_unit(office_user):
    unit = UnitFactory(name="青石镇")
    user, password = account_create(
        person=person(organization="青石镇"),
        username="",
        roles=[(Kind.PRINCIPAL, unit, None)],
        by=office_user,
    )
    unit.refresh_from_db()
    assert user.username == "13900000001"  # the mobile when no login name is given
    assert user.check_password(password) and user.must_change_password
    assert unit.principal_user == user
    assert list(access.visible(User.objects.get(pk=user.pk), unit.__class__)) == [unit]
    assert [b.label for b in bindings_of(user)] == ["单位主要负责人 · 青石镇"]
    kinds = list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [EventKind.ACCOUNT_CREATE, EventKind.ROLE_GRANT]
    assert password not in str(list(SecurityEvent.objects.values_list("detail", flat=True)))
    assert user.history.count() == 1


def test_duplicate_login_names_and_mobiles_are_refused(office_user):
    UserFactory(username="wang", phone="13900000001")
    with pytest.raises(DomainError) as caught:
        account_create(person=person(), username="WANG", by=office_user)
    assert "登录名“WANG”已被使用" in caught.value.full_message()
    assert "手机号码13900000001已登记" in caught.value.full_message()
    assert User.objects.count() == 2


def test_a_role_without_its_scope_is_refused_and_nothing_is_half_created(office_user):
    for kind in (Kind.PRINCIPAL, Kind.STAFF, Kind.CADRE):
        with pytest.raises(DomainError):
            account_create(person=person(), username="new", roles=[(kind, None, None)], by=office_user)
    assert not User.objects.filter(username="new").exists()
    assert not SecurityEvent.objects.exists()


def test_a_unit_with_a_principal_is_a_move_not_a_second_principal(office_user):
    unit = UnitFactory()
    account_create(person=person(), username="first", roles=[(Kind.PRINCIPAL, unit, None)], by=office_user)
    with pytest.raises(DomainError, match="已有主要负责人账号"):
        account_create(
            person=person(phone="13900000002"),
            username="second",
            roles=[(Kind.PRINCIPAL, unit, None)],
            by=office_user,
        )
    assert not User.objects.filter(username="second").exists()


def test_only_the_secadmin_grants_privileged_roles_and_never_to_himself(office_user, sysadmin, secadmin):
    target = UserFactory()
    for by in (office_user, sysadmin):
        with pytest.raises(Forbidden):
            binding_add(account=target, kind=Kind.OFFICE, by=by)
    with pytest.raises(Forbidden):
        account_create(person=person(), username="x", roles=[(Kind.LEADER, None, None)], by=sysadmin)
    assert not User.objects.filter(username="x").exists()
    binding_add(account=target, kind=Kind.OFFICE, by=secadmin)
    assert target.groups.filter(name=Role.OFFICE).exists()
    with pytest.raises(Forbidden):
        binding_remove(account=secadmin, binding=bindings_of(secadmin)[0], by=secadmin)
    # The secadmin opens no accounts and binds no business roles.
    with pytest.raises(Forbidden):
        account_create(person=person(phone="13900000009"), username="y", by=secadmin)
    with pytest.raises(Forbidden):
        binding_add(account=UserFactory(), kind=Kind.STAFF, unit=UnitFactory(), by=secadmin)


def test_the_office_runs_only_accounts_without_privileged_roles(office_user, sysadmin):
    leader = UserFactory(roles=[Role.LEADER])
    with pytest.raises(Forbidden):
        account_reset_password(account=leader, by=office_user)
    with pytest.raises(Forbidden):
        account_disable(account=sysadmin, by=office_user)
    assert account_reset_password(account=leader, by=sysadmin)


def test_an_auditor_can_write_nothing(auditor):
    target = UserFactory()
    calls = [
        lambda: account_create(person=person(), username="z", by=auditor),
        lambda: account_update(account=target, person=person(name="改名"), by=auditor),
        lambda: account_disable(account=target, by=auditor),
        lambda: account_reset_password(account=target, by=auditor),
        lambda: account_unlock(account=target, by=auditor),
        lambda: binding_add(account=target, kind=Kind.STAFF, unit=UnitFactory(), by=auditor),
        lambda: binding_add(account=target, kind=Kind.AUDITOR, by=auditor),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            call()
    target.refresh_from_db()
    assert target.is_active and not target.groups.exists() and target.name != "改名"


def test_the_last_active_sysadmin_cannot_be_disabled_or_lose_the_role(sysadmin, secadmin):
    other = UserFactory(roles=[Role.SYSADMIN])
    with pytest.raises(DomainError, match="不能停用本人"):
        account_disable(account=sysadmin, by=sysadmin)
    account_disable(account=other, by=sysadmin)
    # `sysadmin` is now the last active one: nobody (not even the system) disables him or takes his role.
    with pytest.raises(DomainError, match="最后一名在用的系统管理员"):
        account_disable(account=sysadmin, by=None)
    with pytest.raises(DomainError, match="最后一名在用系统管理员"):
        binding_remove(account=sysadmin, binding=bindings_of(sysadmin)[0], by=secadmin)
    account_enable(account=other, by=sysadmin)
    binding_remove(account=sysadmin, binding=bindings_of(sysadmin)[0], by=secadmin)
    assert not sysadmin.groups.exists()


def test_disabling_ends_sessions_and_keeps_history(client, office_user):
    user, password = account_create(person=person(), username="wang", by=office_user)
    user.must_change_password = False
    user.save()
    client.force_login(user)
    assert client.get("/").status_code == 200
    account_disable(account=user, by=office_user, reason="调离")
    assert client.get("/").status_code == 302  # sent to log in: the session ended
    assert not client.login(username="wang", password=password)
    user.refresh_from_db()
    assert not user.is_active and user.history.count() >= 2
    assert SecurityEvent.objects.filter(kind=EventKind.ACCOUNT_DISABLE, detail="调离").exists()


def test_a_reset_gives_a_new_one_time_password(office_user):
    user, first = account_create(person=person(), username="wang", by=office_user)
    second = account_reset_password(account=user, by=office_user)
    user.refresh_from_db()
    assert first != second and user.check_password(second) and not user.check_password(first)
    assert user.must_change_password
    assert SecurityEvent.objects.filter(kind=EventKind.PASSWORD_RESET).count() == 1


def test_unlock_clears_the_lockout(settings, office_user):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(username="locked")
    AccessAttempt.objects.create(
        username="locked",
        ip_address="10.0.0.1",
        user_agent="t",
        get_data="",
        post_data="",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )
    assert is_locked(user)
    account_unlock(account=user, by=office_user)
    assert not is_locked(user)
    assert SecurityEvent.objects.filter(kind=EventKind.UNLOCK).exists()


def test_a_move_takes_the_role_and_its_grants_from_the_old_account(office_user):
    unit = UnitFactory()
    old, _ = account_create(
        person=person(), username="old", roles=[(Kind.PRINCIPAL, unit, None)], by=office_user
    )
    new, _ = account_create(person=person(phone="13900000002"), username="new", by=office_user)
    binding_transfer(account=old, binding=bindings_of(old)[0], to=new, by=office_user)
    unit.refresh_from_db()
    assert unit.principal_user == new
    old, new = User.objects.get(pk=old.pk), User.objects.get(pk=new.pk)
    assert not access.visible(old, unit.__class__).exists()
    assert list(access.visible(new, unit.__class__)) == [unit]
    assert not old.groups.filter(name=Role.UNIT).exists() and old.is_active
    assert SecurityEvent.objects.filter(kind=EventKind.ROLE_TRANSFER).count() == 2


def test_a_cadre_link_and_staff_are_bound_through_their_owners(office_user):
    cadre = CadreFactory()
    receiver = UnitFactory(name="县自然资源局")
    user, _ = account_create(
        person=person(),
        username="both",
        roles=[(Kind.CADRE, None, cadre), (Kind.STAFF, receiver, None)],
        by=office_user,
    )
    cadre.refresh_from_db()
    assert cadre.user == user and list(receiver.staff.all()) == [user]
    assert {b.kind for b in bindings_of(user)} == {Kind.CADRE, Kind.STAFF}
    binding_remove(
        account=user, binding=next(b for b in bindings_of(user) if b.kind == Kind.STAFF), by=office_user
    )
    assert not receiver.staff.exists()
    assert not user.groups.filter(name=Role.DEPARTMENT).exists()
    assert user.groups.filter(name=Role.TEAM).exists()


def test_the_three_administrators_see_no_business_data():
    unit = UnitFactory()
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        user = UserFactory(roles=[role])
        assert not access.allows(user, "office")
        assert not access.visible(user, unit.__class__).exists()
        assert not access.visible(user, "clues.lead").exists()
        assert not access.allows(user, "nav.leads")


def test_a_login_is_no_change_in_the_account_history(client, office_user):
    user, password = account_create(person=person(), username="wang", by=office_user)
    before = user.history.count()
    assert client.login(username="wang", password=password)
    user.refresh_from_db()
    assert user.last_login is not None and user.history.count() == before
    account_update(account=user, person=person(name="王小明"), by=office_user)
    assert user.history.count() == before + 1
    assert user.history.first().history_user == office_user
