"""Encryption at rest for a reporter's identity (举报人身份信息), and the digests of user-visible artefacts.

Keys come from FIELD_ENCRYPTION_KEY: one or more 32-byte keys in URL-safe base64 (a Fernet key:
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
comma-separated, newest first. New values are written under the newest key; older keys stay readable so
`manage.py rotate_field_key` can re-encrypt every row. Without the setting the embedded set-up derives a
key from SECRET_KEY so the demo works (`manage.py check` says so); production settings refuse to start
without it. Keep the key apart from the database and its backups.

The algorithm follows XUNCHA_CRYPTO: "gm" (国密, the default) writes SM4-GCM, "intl" writes Fernet
(AES-128-CBC + HMAC-SHA256). Every ciphertext names its algorithm and key:

    sm4gcm:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>
    fernet:<key id>:<Fernet token>
    gAAAAA…            (a bare Fernet token: rows written before the prefix existed)

A value that cannot be decrypted (wrong or missing key, damaged text) is never replaced by a placeholder
that a later save would encrypt over the real ciphertext: `decrypt` raises `DecryptionError`, and the model
field hands out an `Undecryptable` marker that refuses to be saved (`UndecryptableError`, a DomainError the
pages show), so the stored ciphertext survives until the right key is back.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

from xuncha.errors import DomainError

UNDECRYPTABLE_MESSAGE = "身份信息无法解密（密钥不符），该记录暂不可修改"
SM4_GCM = "sm4gcm"
FERNET = "fernet"
ALGORITHMS = (SM4_GCM, FERNET)
_NONCE = 12
_TAG = 16


class DecryptionError(Exception):
    """A stored ciphertext could not be decrypted with any configured key."""


class UndecryptableError(DomainError):
    """Somebody tried to save a row whose encrypted field could not be read: refused, nothing written."""

    def __init__(self, message: str = UNDECRYPTABLE_MESSAGE, **kwargs):
        super().__init__(message, **kwargs)


class Undecryptable:
    """What an encrypted field holds when its ciphertext cannot be decrypted. It keeps the ciphertext, shows
    as a notice, and makes any save of the field fail (`EncryptedTextField.get_prep_value`)."""

    __slots__ = ("ciphertext",)

    def __init__(self, ciphertext: str):
        self.ciphertext = ciphertext

    def __str__(self) -> str:
        return "〔" + UNDECRYPTABLE_MESSAGE + "〕"

    def __repr__(self) -> str:
        return f"<Undecryptable {self.ciphertext[:16]}…>"

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other) -> bool:
        return isinstance(other, Undecryptable) and other.ciphertext == self.ciphertext

    def __hash__(self) -> int:
        return hash(self.ciphertext)

    def strip(self):  # code that tidies text must not turn the marker into a string it could save
        raise UndecryptableError()


# --- keys ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldKey:
    kid: str
    raw: bytes
    fernet: Fernet

    @property
    def sm4(self) -> bytes:
        return _hmac_sm3(self.raw, b"xuncha-field-sm4")[:16]


def _hmac_sm3(key: bytes, data: bytes) -> bytes:
    h = crypto_hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize()


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def sm3_of_upload(upload) -> str:
    """SM3 of an uploaded file's bytes (read in chunks, then rewound), beside the SHA-256 `check_upload` gives."""
    h = hashes.Hash(hashes.SM3())
    for chunk in upload.chunks():
        h.update(chunk)
    upload.seek(0)
    return h.finalize().hex()


def derived_key_in_use() -> bool:
    """True when FIELD_ENCRYPTION_KEY is unset and the key is derived from SECRET_KEY (demo only)."""
    return not _raw_keys_setting()


def _raw_keys_setting() -> list[str]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    return [k.strip() for k in raw.split(",") if k.strip()]


def _parse_key(text: str) -> FieldKey:
    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except (ValueError, TypeError) as exc:
        raise ValueError("not URL-safe base64") from exc
    if len(raw) != 32:
        raise ValueError("must decode to 32 bytes")
    kid = sm3_hex(b"xuncha-key-id:" + raw)[:8]
    return FieldKey(kid=kid, raw=raw, fernet=Fernet(text.encode()))


@lru_cache(maxsize=8)
def _keys_for(raw_setting: tuple[str, ...], secret: str) -> tuple[FieldKey, ...]:
    texts = list(raw_setting)
    if not texts:
        digest = hashlib.sha256(("xuncha-field-key:" + secret).encode()).digest()
        texts = [base64.urlsafe_b64encode(digest).decode()]
    return tuple(_parse_key(t) for t in texts)


def field_keys() -> tuple[FieldKey, ...]:
    """The configured keys, newest first."""
    return _keys_for(tuple(_raw_keys_setting()), settings.SECRET_KEY)


def current_algorithm() -> str:
    return SM4_GCM if getattr(settings, "XUNCHA_CRYPTO", "gm") == "gm" else FERNET


# --- encrypting and decrypting -------------------------------------------------------------------------------


def encrypt(value: str) -> str:
    if not value:
        return ""
    key = field_keys()[0]
    algorithm = current_algorithm()
    prefix = f"{algorithm}:{key.kid}:"
    if algorithm == SM4_GCM:
        nonce = os.urandom(_NONCE)
        encryptor = Cipher(algorithms.SM4(key.sm4), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(prefix.encode())
        body = encryptor.update(value.encode()) + encryptor.finalize()
        return prefix + base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode()
    return prefix + key.fernet.encrypt(value.encode()).decode()


def describe(token: str) -> tuple[str, str]:
    """(algorithm, key id) of a stored ciphertext; ("fernet", "") for a row written before prefixes."""
    parts = token.split(":", 2)
    if len(parts) == 3 and parts[0] in ALGORITHMS:
        return parts[0], parts[1]
    return FERNET, ""


def is_current(token: str) -> bool:
    """Written under the newest key with the configured algorithm (nothing for rotation to do)."""
    if not token:
        return True
    return describe(token) == (current_algorithm(), field_keys()[0].kid)


def decrypt(token: str) -> str:
    """The plain text of a stored value; `DecryptionError` when no configured key opens it."""
    if not token:
        return ""
    parts = token.split(":", 2)
    try:
        if len(parts) == 3 and parts[0] in ALGORITHMS:
            algorithm, kid, body = parts
            key = next((k for k in field_keys() if k.kid == kid), None)
            if key is None:
                raise DecryptionError(f"no configured key has id {kid}")
            if algorithm == FERNET:
                return key.fernet.decrypt(body.encode()).decode()
            blob = base64.urlsafe_b64decode(body.encode())
            if len(blob) < _NONCE + _TAG:
                raise DecryptionError("ciphertext too short")
            nonce, data, tag = blob[:_NONCE], blob[_NONCE:-_TAG], blob[-_TAG:]
            decryptor = Cipher(algorithms.SM4(key.sm4), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(f"{algorithm}:{kid}:".encode())
            return (decryptor.update(data) + decryptor.finalize()).decode()
        return MultiFernet([k.fernet for k in field_keys()]).decrypt(token.encode()).decode()
    except (InvalidToken, InvalidTag, ValueError, UnicodeDecodeError) as exc:
        raise DecryptionError(str(exc) or exc.__class__.__name__) from exc


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python code sees the plain text. Never filterable by content.

    A value no configured key opens is handed out as an `Undecryptable` marker, and saving it raises
    `UndecryptableError`: the ciphertext in the database is never overwritten by a placeholder."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        try:
            return decrypt(value)
        except DecryptionError:
            return Undecryptable(value)

    def to_python(self, value):
        if isinstance(value, Undecryptable):
            return value
        return super().to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, Undecryptable):
            raise UndecryptableError()
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""


def undecryptable_fields(obj) -> list[str]:
    """The names of `obj`'s encrypted fields whose value could not be decrypted."""
    return [
        f.name
        for f in obj._meta.concrete_fields
        if isinstance(f, EncryptedTextField) and isinstance(getattr(obj, f.attname, None), Undecryptable)
    ]


def encrypted_fields():
    """(model, [field names]) for every model with encrypted fields (rotation, backups' checks)."""
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


# --- digests of user-visible artefacts (receipt codes, signed versions) --------------------------------------


def digest_key() -> bytes:
    """Key of the HMAC-SM3 digests (receipt codes): XUNCHA_DIGEST_KEY, else derived from SECRET_KEY."""
    key = getattr(settings, "XUNCHA_DIGEST_KEY", "") or ""
    if key:
        return key.encode()
    return hashlib.sha256(("xuncha-digest:" + settings.SECRET_KEY).encode()).digest()


def keyed_digest(data: bytes) -> str:
    """HMAC-SM3 of `data` under `digest_key()`, 64 hex characters."""
    return _hmac_sm3(digest_key(), data).hex()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# --- system checks ---------------------------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def check_field_key(app_configs=None, **kwargs):
    problems = []
    try:
        field_keys()
    except ValueError as exc:
        problems.append(
            checks.Error(
                f"FIELD_ENCRYPTION_KEY is malformed ({exc}): each comma-separated key must be 32 bytes in "
                "URL-safe base64 (a Fernet key).",
                id="xuncha.E002",
            )
        )
    if derived_key_in_use():
        problems.append(
            checks.Warning(
                "FIELD_ENCRYPTION_KEY is not set: reporters' identities are encrypted under a key derived from "
                "SECRET_KEY. Acceptable for the demo only; production must set its own key and keep it apart "
                "from the database backups.",
                id="xuncha.W001",
            )
        )
    if getattr(settings, "XUNCHA_CRYPTO", "gm") not in ("gm", "intl"):
        problems.append(checks.Error('XUNCHA_CRYPTO must be "gm" or "intl".', id="xuncha.E003"))
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_field_key_deploy(app_configs=None, **kwargs):
    if derived_key_in_use():
        return [
            checks.Error(
                "FIELD_ENCRYPTION_KEY must be set in production (a key derived from SECRET_KEY would be lost "
                "or leaked with it).",
                id="xuncha.E001",
            )
        ]
    return []
