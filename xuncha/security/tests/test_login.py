"""The login page: one message for a wrong name or password, the lockout (django-axes) for an account and
for an address, "上次登录", and the audit entries of each."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.tests.factories import PASSWORD, UserFactory
from xuncha.audit.models import EventKind, SecurityEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]

LOGIN = reverse("login")
SAME = "用户名或密码不正确，请重新输入。"
LOCKED = "登录失败次数过多，账号已被暂时锁定"


def _login(client, username, password, ip="10.1.2.3"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_wrong_name_and_a_wrong_password_read_the_same(client):
    UserFactory(username="wangwu")
    wrong_name = _login(client, "nobody", PASSWORD)
    wrong_password = _login(client, "wangwu", "not-it")
    assert wrong_name.status_code == wrong_password.status_code == 200
    assert SAME in wrong_name.content.decode() and SAME in wrong_password.content.decode()
    failures = list(SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED).order_by("id"))
    assert [(e.username, e.ip, e.success) for e in failures] == [
        ("nobody", "10.1.2.3", False),
        ("wangwu", "10.1.2.3", False),
    ]
    assert [e.detail for e in failures] == ["登录名不存在", "密码错误"]


def test_five_wrong_passwords_lock_the_account_for_thirty_minutes(client):
    UserFactory(username="wangwu")
    for _ in range(4):
        assert _login(client, "wangwu", "not-it").status_code == 200
    fifth = _login(client, "wangwu", "not-it")
    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    assert "30 分钟后再试" in fifth.content.decode()
    # Even the right password is refused now, with the same page.
    sixth = _login(client, "wangwu", PASSWORD)
    assert sixth.status_code == 429 and LOCKED in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    lockouts = SecurityEvent.objects.filter(kind=EventKind.LOCKOUT)
    assert lockouts.count() == 1
    assert lockouts.get().username == "wangwu" and lockouts.get().ip == "10.1.2.3"
    refused = SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED).order_by("-id").first()
    assert refused.detail == "账号或地址已被锁定，拒绝登录"
    # Another account from another address is not affected.
    UserFactory(username="zhaoliu")
    assert _login(client, "zhaoliu", PASSWORD, ip="10.9.9.9").status_code == 302


def test_an_unknown_name_locks_the_same_way(client):
    for _ in range(5):
        response = _login(client, "ghost", "x")
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_the_lock_ends_after_the_cool_off(client, settings):
    user = UserFactory(username="wangwu")
    for _ in range(5):
        _login(client, "wangwu", "not-it")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert _login(client, "wangwu", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_one_address_is_throttled_across_names(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    UserFactory(username="wangwu")
    for i in range(7):
        assert _login(client, f"guess{i}", "x", ip="10.7.7.7").status_code == 200
    assert _login(client, "guess7", "x", ip="10.7.7.7").status_code == 429
    # the address is locked, whatever name it tries; another address still logs in
    assert _login(client, "wangwu", PASSWORD, ip="10.7.7.7").status_code == 429
    assert _login(client, "wangwu", PASSWORD, ip="10.7.7.8").status_code == 302


def test_a_disabled_account_reads_like_a_wrong_password(client):
    UserFactory(username="gone", is_active=False)
    response = _login(client, "gone", PASSWORD)
    assert SAME in response.content.decode()
    assert SecurityEvent.objects.get(kind=EventKind.LOGIN_FAILED).detail == "账号已停用"


def test_login_records_the_address_and_shows_the_previous_login(client):
    user = UserFactory(username="wangwu")
    response = _login(client, "wangwu", PASSWORD, ip="10.0.0.5")
    assert response.status_code == 302
    assert "欢迎首次登录巡察通" in client.get(reverse("home"), follow=True).content.decode()
    user.refresh_from_db()
    assert user.last_login_ip == "10.0.0.5"
    client.post(reverse("logout"))
    _login(client, "wangwu", PASSWORD, ip="10.0.0.6")
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "上次登录：" in page and "地址 10.0.0.5" in page
    user.refresh_from_db()
    assert user.last_login_ip == "10.0.0.6"
    kinds = list(SecurityEvent.objects.order_by("id").values_list("kind", "ip"))
    assert kinds == [
        (EventKind.LOGIN, "10.0.0.5"),
        (EventKind.LOGOUT, "127.0.0.1"),
        (EventKind.LOGIN, "10.0.0.6"),
    ]


def test_the_sso_button_shows_only_when_configured(client):
    assert "统一身份认证登录" not in client.get(LOGIN).content.decode()
