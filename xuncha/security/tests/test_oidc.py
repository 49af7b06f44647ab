"""Optional SSO: an identity of the county's platform maps to an existing, active account, never a new one."""

import pytest

from xuncha.accounts.models import User
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.models import EventKind, SecurityEvent
from xuncha.security.oidc import ExistingUserOIDCBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc(settings):
    settings.OIDC_RP_CLIENT_ID = "xuncha"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.example/auth"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_USERNAME_FIELD = "username"
    settings.OIDC_CREATE_USER = False
    return settings


def _backend(claims, monkeypatch):
    backend = ExistingUserOIDCBackend()
    backend.request = None
    monkeypatch.setattr(backend, "get_userinfo", lambda *a: claims)
    return backend


def test_an_identity_maps_to_the_existing_account(oidc, monkeypatch):
    user = UserFactory(username="zhangsan")
    backend = _backend({"sub": "1", "preferred_username": "ZhangSan"}, monkeypatch)
    assert backend.get_or_create_user("token", "id", {"sub": "1"}) == user


def test_mapping_by_another_field(oidc, monkeypatch):
    oidc.OIDC_USERNAME_CLAIM = "phone_number"
    oidc.OIDC_USERNAME_FIELD = "phone"
    user = UserFactory(username="lisi", phone="13800000001")
    backend = _backend({"sub": "2", "phone_number": "13800000001"}, monkeypatch)
    assert backend.get_or_create_user("token", "id", {"sub": "2"}) == user


def test_an_unknown_or_disabled_identity_is_refused_and_never_created(oidc, monkeypatch):
    UserFactory(username="gone", is_active=False)
    count = User.objects.count()
    for name in ("stranger", "gone"):
        backend = _backend({"sub": name, "preferred_username": name}, monkeypatch)
        assert backend.get_or_create_user("token", "id", {"sub": name}) is None
    assert User.objects.count() == count
    failures = SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED)
    assert failures.count() == 2 and all("未对应" in e.detail for e in failures)


def test_the_login_page_offers_sso_only_when_configured(client, oidc):
    assert "统一身份认证登录" not in client.get("/accounts/login/").content.decode()
    oidc.OIDC_ENABLED = True
    oidc.ROOT_URLCONF = "tests.urls_oidc"
    page = client.get("/accounts/login/?next=/inbox/").content.decode()
    assert "统一身份认证登录" in page and 'href="/oidc/authenticate/?next=/inbox/"' in page
