"""The rendering of a document, driven by the system: queued → rendering → done or failed, and back to
queued (a retry, or the sweep of what waited too long). The status changes only through
`xuncha.core.transitions` (`DOCUMENT_FLOW`); the Celery tasks (`xuncha.core.tasks`) call this module."""

import hashlib
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from xuncha.errors import DomainError

from .crypto import sm3_hex
from .document_kinds import kind_of
from .models import DocumentStatus, GeneratedDocument
from .transitions import Transition, Workflow, transition, transition_each

log = logging.getLogger(__name__)

# A document still queued this long after it was asked for has lost its task; the sweep sends it again.
STUCK_QUEUED_AFTER = timedelta(minutes=5)
# A document "rendering" this long has lost its worker (rendering takes seconds); it is queued again.
STUCK_RENDERING_AFTER = timedelta(minutes=30)
MAX_ERROR_LENGTH = 2000

D = DocumentStatus
DOCUMENT_FLOW = Workflow(
    "core.generateddocument",
    [
        Transition("claim", [D.QUEUED], D.RENDERING, "开始生成"),
        # A worker that outlived the sweep still stores what it rendered (the queued copy then skips).
        Transition("finish", [D.RENDERING, D.QUEUED], D.DONE, "生成完成"),
        Transition("fail", [D.RENDERING, D.QUEUED], D.FAILED, "生成失败"),
        # Someone who may see the document asks for it again (the retry button)…
        Transition("retry", [D.FAILED], D.QUEUED, "重新生成", permission="retry"),
        # …or the system does: a retry without a user, the sweep of a lost worker.
        Transition("requeue", [D.FAILED, D.RENDERING], D.QUEUED, "重新排队"),
    ],
)


def document_render(*, document_id: int) -> GeneratedDocument | None:
    """Render one queued document. Running it twice renders once: the first run claims the row."""
    document = GeneratedDocument.objects.filter(pk=document_id).first()
    if document is None:
        return None
    try:
        transition(document, "claim", by=None, changes={"attempts": F("attempts") + 1, "error": ""})
    except DomainError:
        return None
    document.refresh_from_db()
    try:
        content = kind_of(document.kind).render(document)
        if not isinstance(content, bytes | bytearray) or not content:
            raise ValueError("生成程序没有返回文件内容")
    except Exception as exc:
        log.exception("rendering document %s (%s) failed", document.pk, document.kind)
        message = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
        transition(document, "fail", by=None, changes={"error": message, "finished_at": timezone.now()})
        document.refresh_from_db()
        return document
    old_name = document.file.name
    document.file.save(
        f"{document.kind}-{document.pk}.{document.fmt}", ContentFile(bytes(content)), save=False
    )
    if old_name and old_name != document.file.name:
        document.file.storage.delete(old_name)
    changes = {
        "file": document.file,
        "sha256": hashlib.sha256(content).hexdigest(),
        "sm3": sm3_hex(bytes(content)),
        "error": "",
        "finished_at": timezone.now(),
    }
    return transition(document, "finish", by=None, changes=changes)


def document_requeue(*, document: GeneratedDocument, by=None) -> GeneratedDocument:
    """Queue a failed document again: `by` asks for it (he must be allowed to), or the system does."""
    return transition(
        document,
        "retry" if by is not None else "requeue",
        by=by,
        changes={"error": "", "finished_at": None},
        message="只有生成失败的文书可以重试",
    )


def stuck_documents(*, now=None) -> list[int]:
    """What waits too long: a document rendering for too long (its worker died) is queued again; returns
    the documents queued for too long (their task was lost), to be sent again."""
    now = now or timezone.now()
    dead = GeneratedDocument.objects.filter(
        status=DocumentStatus.RENDERING, created_at__lt=now - STUCK_RENDERING_AFTER
    )
    transition_each(list(dead), "requeue", by=None)
    return list(
        GeneratedDocument.objects.filter(
            status=DocumentStatus.QUEUED, created_at__lt=now - STUCK_QUEUED_AFTER
        ).values_list("pk", flat=True)
    )
