"""签字背书 and 双承诺: who may sign, the password re-entered, and the digests of what is signed.

What is hashed is a canonical JSON of the signed content (keys sorted, no whitespace, UTF-8), so the
same content always gives the same hash and anyone can recompute it from the rendered record. Two
digests are kept: SHA-256 (as before) and SM3 (国密, GB/T 32905), both unkeyed so that anyone holding the
printed record can check it.
"""

import hashlib
import json

from xuncha.core.crypto import sm3_hex
from xuncha.errors import DomainError


def canonical_text(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def content_sha256(payload) -> str:
    return hashlib.sha256(canonical_text(payload)).hexdigest()


def content_sm3(payload) -> str:
    return sm3_hex(canonical_text(payload))


def verify_signer(*, user, password: str, rect) -> None:
    """Only the unit's principal (its 主要负责人 account) signs, and only after re-entering his password."""
    principal_id = rect.unit.principal_user_id
    if not principal_id:
        raise DomainError(f"{rect.unit.name}尚未设置主要负责人账号，无法签字，请联系巡察办")
    if user is None or user.pk != principal_id:
        raise DomainError("只有本单位主要负责人本人可以签字背书")
    if not password or not user.check_password(password):
        raise DomainError("密码不正确，未签字")
