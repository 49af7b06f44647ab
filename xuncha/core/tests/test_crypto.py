"""Encryption at rest: SM4-GCM / Fernet with prefixed ciphertext, old rows readable, a wrong key never
destroys an identity, and the key's system checks."""

import base64
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core import checks

from xuncha.core import crypto
from xuncha.core.crypto import DecryptionError, Undecryptable, UndecryptableError


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def key(settings):
    settings.FIELD_ENCRYPTION_KEY = new_key()
    return settings.FIELD_ENCRYPTION_KEY


def test_gm_writes_sm4_gcm_with_the_key_id_and_reads_it_back(settings, key):
    settings.XUNCHA_CRYPTO = "gm"
    token = crypto.encrypt("周实名")
    algorithm, kid = crypto.describe(token)
    assert algorithm == "sm4gcm" and kid == crypto.field_keys()[0].kid and len(kid) == 8
    assert "周实名" not in token and crypto.decrypt(token) == "周实名"
    assert crypto.encrypt("周实名") != token  # a fresh nonce each time
    assert crypto.is_current(token)


def test_intl_writes_prefixed_fernet(settings, key):
    settings.XUNCHA_CRYPTO = "intl"
    token = crypto.encrypt("13912345678")
    assert token.startswith(f"fernet:{crypto.field_keys()[0].kid}:")
    assert crypto.decrypt(token) == "13912345678"
    settings.XUNCHA_CRYPTO = "gm"
    assert crypto.decrypt(token) == "13912345678" and not crypto.is_current(token)


def test_rows_written_before_the_prefix_stay_readable(settings, key):
    legacy = Fernet(key.encode()).encrypt(b"430100199001011234").decode()
    assert crypto.describe(legacy) == ("fernet", "")
    assert crypto.decrypt(legacy) == "430100199001011234"


def test_the_embedded_default_derives_a_key_and_reads_rows_of_the_old_derivation(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    assert crypto.derived_key_in_use()
    old = crypto.field_keys()[0].fernet.encrypt(b"x").decode()  # what the previous version wrote
    assert crypto.decrypt(old) == "x"


def test_a_wrong_key_raises_and_tampering_is_detected(settings, key):
    token = crypto.encrypt("周实名")
    settings.FIELD_ENCRYPTION_KEY = new_key()
    with pytest.raises(DecryptionError):
        crypto.decrypt(token)
    settings.FIELD_ENCRYPTION_KEY = key
    algorithm, kid, body = token.split(":", 2)
    blob = bytearray(base64.urlsafe_b64decode(body))
    blob[14] ^= 1
    with pytest.raises(DecryptionError):
        crypto.decrypt(f"{algorithm}:{kid}:{base64.urlsafe_b64encode(bytes(blob)).decode()}")
    with pytest.raises(DecryptionError):
        crypto.decrypt("sm4gcm:abcdabcd:!!!")


def test_old_keys_stay_readable_after_a_new_key_is_put_first(settings, key):
    token = crypto.encrypt("周实名")
    settings.FIELD_ENCRYPTION_KEY = f"{new_key()},{key}"
    assert crypto.decrypt(token) == "周实名" and not crypto.is_current(token)
    assert crypto.is_current(crypto.encrypt("周实名"))


def test_the_marker_refuses_to_be_saved():
    field = crypto.EncryptedTextField()
    marker = field.from_db_value("sm4gcm:00000000:AAAA", None, None)
    assert isinstance(marker, Undecryptable) and marker.ciphertext == "sm4gcm:00000000:AAAA"
    assert "密钥不符" in str(marker)
    with pytest.raises(UndecryptableError) as exc:
        field.get_prep_value(marker)
    assert exc.value.message == crypto.UNDECRYPTABLE_MESSAGE
    with pytest.raises(UndecryptableError):
        marker.strip()


def _ids(problems):
    return {p.id for p in problems}


def test_checks_warn_about_the_derived_key_and_deploy_refuses_it(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    assert "xuncha.W001" in _ids(crypto.check_field_key())
    assert "xuncha.E001" in _ids(crypto.check_field_key_deploy())
    registered = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert {"xuncha.W001", "xuncha.E001"} <= _ids(registered)
    settings.FIELD_ENCRYPTION_KEY = new_key()
    assert not crypto.check_field_key() and not crypto.check_field_key_deploy()
    settings.FIELD_ENCRYPTION_KEY = "too-short"
    assert "xuncha.E002" in _ids(crypto.check_field_key())


def test_production_settings_refuse_to_start_without_the_key():
    env = {k: v for k, v in os.environ.items() if k not in ("FIELD_ENCRYPTION_KEY", "DATABASE_URL")}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="xuncha.settings")
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert "FIELD_ENCRYPTION_KEY" in result.stderr
    env["FIELD_ENCRYPTION_KEY"] = new_key()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_hmac_sm3_digest(settings):
    settings.XUNCHA_DIGEST_KEY = "k"
    first = crypto.keyed_digest(b"ABCD")
    assert len(first) == 64 and first != crypto.sm3_hex(b"ABCD")
    settings.XUNCHA_DIGEST_KEY = "other"
    assert crypto.keyed_digest(b"ABCD") != first
    # SM3 of "abc", GB/T 32905-2016 appendix A.1
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
