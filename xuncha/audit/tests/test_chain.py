import pytest
from django.test import override_settings

from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.log import EventKind, record, verify
from xuncha.audit.models import SecurityEvent

pytestmark = pytest.mark.django_db


def _three():
    user = UserFactory()
    return [
        record(EventKind.LOGIN, actor=user),
        record(EventKind.LOGIN_FAILED, username="nobody", success=False),
        record(EventKind.LOGOUT, actor=user),
    ]


def test_an_untouched_chain_verifies():
    _three()
    assert verify() == []


@override_settings(XUNCHA_CRYPTO="intl")
def test_the_chain_keeps_each_entry_s_algorithm():
    first = record(EventKind.LOGIN_FAILED, username="a", success=False)
    with override_settings(XUNCHA_CRYPTO="gm"):
        second = record(EventKind.LOGIN_FAILED, username="b", success=False)
    assert (first.algorithm, second.algorithm) == ("hmac-sha256", "hmac-sm3")
    assert verify() == []


def test_an_edited_entry_is_detected():
    events = _three()
    SecurityEvent.objects.filter(pk=events[1].pk).update(username="somebody")
    assert any(f"#{events[1].pk}" in p and "修改" in p for p in verify())


def test_a_deleted_entry_is_detected():
    events = _three()
    SecurityEvent.objects.filter(pk=events[1].pk)._raw_delete(SecurityEvent.objects.db)
    assert any(f"#{events[2].pk}" in p for p in verify())


def test_a_deleted_last_entry_is_detected():
    events = _three()
    SecurityEvent.objects.filter(pk=events[2].pk)._raw_delete(SecurityEvent.objects.db)
    assert verify() == ["链尾与最新记录不符（最新的记录被删除）"]


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    event = _three()[0]
    event.detail = "x"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
