"""Sessions: the forced first-login change, idle and absolute limits, logout everywhere on a password change,
and 我的会话."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.tests.factories import PASSWORD, UserFactory
from xuncha.audit.models import EventKind, SecurityEvent
from xuncha.security.models import UserSession
from xuncha.security.sessions import describe_agent

pytestmark = pytest.mark.django_db

CHANGE = reverse("security:password_change")
SESSIONS = reverse("security:sessions")
INBOX = reverse("notifications:inbox")


def _browser(user, agent="Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"):
    client = Client(HTTP_USER_AGENT=agent)
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_a_user_who_must_change_his_password_is_sent_to_the_change_page():
    user = UserFactory(must_change_password=True)
    client = _browser(user)
    response = client.get(INBOX)
    assert response.status_code == 302 and response.url == f"{CHANGE}?next={INBOX.replace('/', '%2F')}"
    page = client.get(CHANGE).content.decode()
    assert "请先设置新密码" in page and "取消" not in page
    assert client.post(reverse("rounds:round_list")).status_code == 302  # a write too
    # logout and static files stay open
    assert client.get("/static/css/app.css").status_code in (200, 404)
    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "First#Login1",
            "new_password2": "First#Login1",
            "next": INBOX,
        },
    )
    assert response.status_code == 302 and response.url == INBOX
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(INBOX).status_code == 200


def test_an_htmx_request_is_sent_to_the_whole_change_page():
    user = UserFactory(must_change_password=True)
    response = _browser(user).get(INBOX, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == CHANGE


def test_logout_stays_open_during_the_forced_change():
    user = UserFactory(must_change_password=True)
    client = _browser(user)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(INBOX).status_code == 302 and "/accounts/login/" in client.get(INBOX).url


def test_a_password_change_ends_every_other_session():
    user = UserFactory()
    here, there = _browser(user), _browser(user)
    assert UserSession.objects.filter(user=user).count() == 2
    here.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": "Changed#2026", "new_password2": "Changed#2026"}
    )
    assert here.get(INBOX).status_code == 200
    response = there.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert UserSession.objects.filter(user=user).count() == 1


def test_a_reset_by_someone_else_ends_all_sessions():
    user = UserFactory()
    client = _browser(user)
    user.set_password("Reset#By0ffice")
    user.save()
    assert client.get(INBOX).status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def _age_session(user, *, idle=None, login=None):
    row = UserSession.objects.get(user=user)
    now = timezone.now()
    UserSession.objects.filter(pk=row.pk).update(
        last_activity=now - (idle or datetime.timedelta()), login_at=now - (login or datetime.timedelta())
    )


def test_an_idle_session_ends(settings):
    settings.SESSION_IDLE_MINUTES = 30
    user = UserFactory()
    client = _browser(user)
    _age_session(user, idle=datetime.timedelta(minutes=29))
    assert client.get(INBOX).status_code == 200
    _age_session(user, idle=datetime.timedelta(minutes=31))
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert "空闲超过 30 分钟，已自动退出" in client.get(response.url).content.decode()
    assert client.get(INBOX).status_code == 302
    end = SecurityEvent.objects.get(kind=EventKind.SESSION_END)
    assert end.detail == "空闲超过 30 分钟" and end.actor == user
    assert not SecurityEvent.objects.filter(kind=EventKind.LOGOUT).exists()


def test_activity_is_written_at_most_once_a_minute():
    user = UserFactory()
    client = _browser(user)
    first = UserSession.objects.get(user=user).last_activity
    client.get(INBOX)
    assert UserSession.objects.get(user=user).last_activity == first
    _age_session(user, idle=datetime.timedelta(minutes=2))
    client.get(INBOX)
    assert timezone.now() - UserSession.objects.get(user=user).last_activity < datetime.timedelta(seconds=5)


def test_the_absolute_limit_ends_a_busy_session(settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    user = UserFactory()
    client = _browser(user)
    _age_session(user, login=datetime.timedelta(hours=12, minutes=1))
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert SecurityEvent.objects.get(kind=EventKind.SESSION_END).detail == "会话超过最长时限（12 小时）"


def test_my_sessions_lists_them_and_ends_another_one():
    user = UserFactory()
    here = _browser(user)
    there = _browser(
        user, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Version/17.0 Mobile Safari/604.1"
    )
    page = here.get(SESSIONS).content.decode()
    assert page.count('data-testid="session-row"') == 2
    assert "当前会话" in page and "Safari · iPhone" in page and "Chrome · Windows" in page
    other = UserSession.objects.get(user=user, user_agent__contains="iPhone")
    url = reverse("security:session_end", args=[other.pk])
    assert here.get(url).status_code == 405  # POST only
    response = here.post(url)
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=other.session_key).exists()
    assert there.get(INBOX).status_code == 302
    assert here.get(INBOX).status_code == 200
    assert SecurityEvent.objects.get(kind=EventKind.SESSION_END).username == user.username


def test_the_current_session_is_not_ended_from_the_list_and_others_sessions_are_not_found():
    user, stranger = UserFactory(), UserFactory()
    here = _browser(user)
    _browser(stranger)
    mine = UserSession.objects.get(user=user)
    response = here.post(reverse("security:session_end", args=[mine.pk]), follow=True)
    assert "这是您当前正在使用的会话" in response.content.decode()
    theirs = UserSession.objects.get(user=stranger)
    assert here.post(reverse("security:session_end", args=[theirs.pk])).status_code == 404
    assert UserSession.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    "agent,name",
    [
        ("", "未知"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64) AppleWebKit/537.36 Chrome/120 Safari/537.36 Edg/120",
            "Edge · Windows",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", "Firefox · Linux"),
    ],
)
def test_browsers_are_named_readably(agent, name):
    assert describe_agent(agent) == name
