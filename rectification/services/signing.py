"""签字背书 and 双承诺: who may sign, the password re-entered, and the SHA-256 of what is signed.

What is hashed is a canonical JSON of the signed content (keys sorted, no whitespace, UTF-8), so the
same content always gives the same hash and anyone can recompute it from the rendered record.
"""

import hashlib
import json

from xuncha.errors import DomainError


def content_sha256(payload) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_signer(*, user, password: str, rect) -> None:
    """Only the unit's principal (its 主要负责人 account) signs, and only after re-entering his password."""
    principal_id = rect.unit.principal_user_id
    if not principal_id:
        raise DomainError(f"{rect.unit.name}尚未设置主要负责人账号，无法签字，请联系巡察办")
    if user is None or user.pk != principal_id:
        raise DomainError("只有本单位主要负责人本人可以签字背书")
    if not password or not user.check_password(password):
        raise DomainError("密码不正确，未签字")
