"""国密 backfill: signed versions and commitments sealed before SM3 existed gain their SM3 digest.

The signed content is rebuilt exactly as it was hashed; a row gains an SM3 only when the rebuilt content
still gives the stored SHA-256, so the SM3 vouches for the same content the signer sealed. A row whose
content no longer matches is reported, never "repaired".
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction

from ..models import Commitment, ReportVersion
from .plan import commitment_payload
from .reports import version_canonical
from .signing import content_sha256, content_sm3

logger = logging.getLogger(__name__)


@dataclass
class BackfillResult:
    filled: int = 0
    mismatched: list[str] = field(default_factory=list)


def backfill_sm3() -> BackfillResult:
    result = BackfillResult()
    with transaction.atomic():
        versions = ReportVersion.objects.exclude(sha256="").filter(sm3="").select_related(
            "report__rectification__unit"
        )
        for version in versions:
            canonical = version_canonical(version)
            if content_sha256(canonical) != version.sha256:
                result.mismatched.append(f"整改报告版本 #{version.pk}")
                continue
            version.sm3 = content_sm3(canonical)
            version.save(update_fields=["sm3"])
            result.filled += 1
        for commitment in Commitment.objects.exclude(sha256="").filter(sm3="").select_related("rectification__unit"):
            payload = commitment_payload(commitment)
            if content_sha256(payload) != commitment.sha256:
                result.mismatched.append(f"整改承诺书 #{commitment.pk}")
                continue
            commitment.sm3 = content_sm3(payload)
            commitment.save(update_fields=["sm3"])
            result.filled += 1
    return result


def backfill_after_migrate(sender=None, using="default", **kwargs):
    """post_migrate handler (rectification/apps.py)."""
    result = backfill_sm3()
    if result.filled:
        logger.info("SM3 added to %d signed record(s)", result.filled)
    if result.mismatched:
        logger.warning("Signed content no longer matches its SHA-256: %s", ", ".join(result.mismatched))
