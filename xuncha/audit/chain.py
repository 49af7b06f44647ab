"""The HMAC chain of the security audit log.

Each entry's MAC covers its fields and the MAC of the entry before it, keyed by AUDIT_HMAC_KEY (derived
from SECRET_KEY when unset). The algorithm follows XUNCHA_CRYPTO: "gm" (国密) uses HMAC-SM3, "intl"
HMAC-SHA256; each entry records the one it was written with, so a change of setting keeps the chain
verifiable.
"""

import hashlib
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings

ALGORITHMS = {"hmac-sm3": hashes.SM3, "hmac-sha256": hashes.SHA256}


def current_algorithm() -> str:
    return "hmac-sm3" if getattr(settings, "XUNCHA_CRYPTO", "gm") == "gm" else "hmac-sha256"


def _key() -> bytes:
    key = getattr(settings, "AUDIT_HMAC_KEY", "") or ""
    if key:
        return key.encode()
    return hashlib.sha256(("xuncha-audit-chain:" + settings.SECRET_KEY).encode()).digest()


def canonical(event) -> bytes:
    """The fields an entry's MAC covers, in a fixed order and format."""
    fields = {
        "at": event.at.isoformat(),
        "kind": event.kind,
        "success": bool(event.success),
        "actor": event.actor_id,
        "username": event.username,
        "actor_name": event.actor_name,
        "ip": event.ip or "",
        "user_agent": event.user_agent,
        "target": event.target,
        "detail": event.detail,
        "algorithm": event.algorithm,
        "prev": event.prev_mac,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def mac_of(event) -> str:
    h = crypto_hmac.HMAC(_key(), ALGORITHMS[event.algorithm]())
    h.update(canonical(event))
    return h.finalize().hex()
