"""manage.py rotate_field_key: every identity re-encrypted under the newest key and algorithm, verified,
all or nothing."""

import base64
import os

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from clues.models import Lead
from clues.tests.factories import LeadFactory
from xuncha.core import crypto

pytestmark = pytest.mark.django_db
COLUMNS = ("reporter_name", "reporter_phone")


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def raw(lead) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_phone FROM clues_lead WHERE id = %s", [lead.pk])
        return cursor.fetchone()


def put_raw(lead, name, phone):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE clues_lead SET reporter_name = %s, reporter_phone = %s WHERE id = %s", [name, phone, lead.pk])


@pytest.fixture
def leads(settings):
    old = new_key()
    settings.FIELD_ENCRYPTION_KEY = old
    settings.XUNCHA_CRYPTO = "intl"
    prefixed = LeadFactory(reporter_name="周实名", reporter_phone="13912345678")
    legacy = LeadFactory()
    # A row written before ciphertext carried a prefix: a bare Fernet token.
    put_raw(legacy, Fernet(old.encode()).encrypt("李实名".encode()).decode(), "")
    anonymous = LeadFactory(reporter_name="", reporter_phone="")
    return old, prefixed, legacy, anonymous


def test_rotation_moves_everything_to_the_newest_key_and_sm4(settings, leads):
    old, prefixed, legacy, anonymous = leads
    new = new_key()
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    settings.XUNCHA_CRYPTO = "gm"
    before = (raw(prefixed), raw(legacy))

    call_command("rotate_field_key", "--dry-run")
    assert (raw(prefixed), raw(legacy)) == before

    call_command("rotate_field_key")
    kid = crypto.field_keys()[0].kid
    for lead in (prefixed, legacy):
        for token in raw(lead):
            if token:
                assert crypto.describe(token) == ("sm4gcm", kid)
    assert raw(anonymous) == ("", "")
    # The old key is no longer needed.
    settings.FIELD_ENCRYPTION_KEY = new
    assert Lead.objects.get(pk=prefixed.pk).reporter_phone == "13912345678"
    assert Lead.objects.get(pk=legacy.pk).reporter_name == "李实名"
    # Running again has nothing to do.
    first = raw(prefixed)
    call_command("rotate_field_key")
    assert raw(prefixed) == first


def test_one_undecryptable_value_stops_the_rotation_before_anything_is_written(settings, leads):
    old, prefixed, legacy, anonymous = leads
    stranger = Fernet(new_key().encode()).encrypt(b"x").decode()
    put_raw(anonymous, stranger, "")
    settings.FIELD_ENCRYPTION_KEY = f"{new_key()},{old}"
    settings.XUNCHA_CRYPTO = "gm"
    before = (raw(prefixed), raw(legacy), raw(anonymous))
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_field_key")
    assert (raw(prefixed), raw(legacy), raw(anonymous)) == before
