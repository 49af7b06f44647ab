"""Password rules (complexity, not the login name, not one of the last five), the change page, expiry."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.tests.factories import PASSWORD, UserFactory
from xuncha.audit.models import EventKind, SecurityEvent
from xuncha.security import passwords
from xuncha.security.models import PasswordHistory

pytestmark = pytest.mark.django_db

CHANGE = reverse("security:password_change")


def _errors(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    "password,message",
    [
        ("Ab1!", "密码至少 8 位。"),
        ("abcdefgh1", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
        ("ABCDEFGH!", "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password, message):
    assert message in _errors(password)


def test_a_common_password_is_refused():
    assert "密码过于常见，容易被猜中，请换一个。" in _errors("Password123")


@pytest.mark.parametrize("password", ["Xuncha#2026", "xuncha-2026-OK", "Qx7pz!mw"])
def test_three_of_four_classes_and_eight_characters_pass(password):
    assert _errors(password, UserFactory(username="zhangsan")) == []


@pytest.mark.parametrize("password", ["Zhangsan2026!", "ZHANGSAN!1a", "zhangsan"])
def test_the_login_name_is_refused(password):
    user = UserFactory(username="zhangsan")
    assert "密码不能与登录名相同，也不能包含登录名。" in _errors(password, user)


def test_a_part_of_the_login_name_is_refused():
    user = UserFactory(username="wang.xiaoming.2026")
    assert "密码不能与登录名相同，也不能包含登录名。" in _errors("g.xiaoming.2", user)


def test_none_of_the_last_five_passwords_and_only_hashes_are_kept():
    user = UserFactory()
    chosen = [f"Round{i}-Pass!" for i in range(6)]
    for password in chosen:
        user.set_password(password)
        user.save()
    stored = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(stored) == 5
    assert not any(p in stored for p in chosen)  # hashes only
    message = "不能使用最近 5 次用过的密码，请换一个新密码。"
    for password in chosen[1:]:
        assert message in _errors(password, user)
    assert message not in _errors(chosen[0], user)  # six changes ago


def test_every_change_sets_password_changed_at():
    user = UserFactory()
    user.password_changed_at = None
    user.save()
    before = timezone.now()
    user.set_password("Another#Pass1")
    user.save()
    user.refresh_from_db()
    assert user.password_changed_at >= before


def test_the_change_page_changes_the_password_and_records_it(client_for):
    user = UserFactory(username="liuyang")
    client = client_for(user)
    response = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "Qingshan#2026", "new_password2": "Qingshan#2026"}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    user.refresh_from_db()
    assert user.check_password("Qingshan#2026")
    event = SecurityEvent.objects.filter(kind=EventKind.PASSWORD_CHANGE).get()
    assert event.username == "liuyang"
    # still logged in in this browser
    assert client.get(reverse("security:sessions")).status_code == 200


def test_the_change_page_explains_what_is_wrong(client_for):
    user = UserFactory(username="liuyang")
    client = client_for(user)
    page = client.post(
        CHANGE, {"old_password": "wrong", "new_password1": "liuyang123", "new_password2": "liuyang123"}
    ).content.decode()
    assert "当前密码不正确，请重新输入。" in page
    page = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "liuyang123", "new_password2": "liuyang123"}
    ).content.decode()
    assert "密码不能与登录名相同，也不能包含登录名。" in page
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in page
    page = client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert "新密码不能与当前密码相同。" in page.content.decode() or "不能使用最近" in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def _age(user, days):
    type(user).objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=days)
    )
    user.refresh_from_db()


def test_a_banner_warns_seven_days_before_expiry(client_for, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = UserFactory()
    client = client_for(user)
    _age(user, 80)
    assert 'data-testid="password-expiry"' not in client.get(reverse("notifications:inbox")).content.decode()
    _age(user, 85)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "您的密码将在 4 天后到期" in page
    assert passwords.days_left(user) == 4


def test_an_expired_password_forces_the_change_page(client_for, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    user = UserFactory()
    client = client_for(user)
    _age(user, 91)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and response.url.startswith(CHANGE)
    assert "您的密码已过期" in client.get(CHANGE).content.decode()
    client.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "Renewed#2026", "new_password2": "Renewed#2026"}
    )
    assert client.get(reverse("notifications:inbox")).status_code == 200


def test_expiry_can_be_switched_off(settings):
    settings.PASSWORD_EXPIRY_DAYS = 0
    user = UserFactory()
    _age(user, 1000)
    assert not passwords.is_expired(user) and passwords.days_left(user) is None
