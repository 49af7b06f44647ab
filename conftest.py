"""Fixtures every app's tests share: users of each role and a logged-in client for them."""

import pytest
from django.core.cache import cache, caches

from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.celery import app as celery_app


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Tasks run inline in tests, except where a test starts a real worker (tests/test_celery_worker.py).
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.MEDIA_ROOT = tmp_path / "media"
    # The real hasher costs half a second a user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # django-axes off, as axes documents for test suites: `authenticate()` without a request (and the
    # test client's `login`) would be refused by its backend. The login-security tests turn it on
    # (the `axes_on` fixture) and log in through the real login page.
    settings.AXES_ENABLED = False
    # Cached aggregates and rate-limit counters must not leak from one test into the next (SQLite reuses
    # primary keys after a rollback, so a stale entry could even match).
    cache.clear()
    caches["fragments"].clear()


@pytest.fixture
def office_user(db):
    return UserFactory(username="office", roles=[Role.OFFICE])


@pytest.fixture
def leader_user(db):
    return UserFactory(username="leader", roles=[Role.LEADER])


@pytest.fixture
def make_user(db):
    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def axes_on(settings):
    """django-axes on, for a test of the lockout through the login page."""
    settings.AXES_ENABLED = True
