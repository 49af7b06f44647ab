"""Rendered documents (移交函, 移交清单, …): a row first, then a Celery task fills it in.

An app registers each kind of document once — how to render it (a callable taking the
`GeneratedDocument` and returning the file's bytes) and who may see it (a callable taking the user and
the document's subject). `document_request` writes the row and enqueues the rendering after commit;
`document_render` (the task's body) claims the row, renders, stores the file with its SHA-256, and
records a failure with its error text so that the page shows it and offers a retry. A lost task or a
broker outage only delays a document: `document_sweep` re-enqueues what has waited too long.

Registration lives next to the renderer (e.g. `clues.docx_transfers`). Apps import it from their
`tasks` module, which Celery's autodiscovery imports in every worker; the web process finds a kind it
has not seen yet by importing the apps' `tasks` modules once (`_discover`).
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .errors import DomainError
from .models import DocumentStatus, GeneratedDocument

log = logging.getLogger(__name__)

# A document still queued this long after it was asked for has lost its task; the sweep sends it again.
STUCK_QUEUED_AFTER = timedelta(minutes=5)
# A document "rendering" this long has lost its worker (rendering takes seconds); it is queued again.
STUCK_RENDERING_AFTER = timedelta(minutes=30)
MAX_ERROR_LENGTH = 2000

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    label: str
    render: Callable[[GeneratedDocument], bytes]
    can_view: Callable[[object, object], bool]
    fmt: str = "docx"


_REGISTRY: dict[str, DocumentKind] = {}
_discovered = False


def register(
    kind: str,
    *,
    label: str,
    render: Callable[[GeneratedDocument], bytes],
    can_view: Callable[[object, object], bool],
    fmt: str = "docx",
) -> DocumentKind:
    """Declare a kind of document. Registering the same kind again replaces it (module reloads)."""
    entry = DocumentKind(kind=kind, label=label, render=render, can_view=can_view, fmt=fmt)
    _REGISTRY[kind] = entry
    return entry


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("tasks")


def kind_of(kind: str) -> DocumentKind:
    if kind not in _REGISTRY:
        _discover()
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"未登记的文书类型：{kind}") from None


def can_view(user, document: GeneratedDocument) -> bool:
    """Whoever may see the subject (a batch, a finding…) may see its documents; nobody else."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        entry = kind_of(document.kind)
    except LookupError:
        return False
    subject = document.subject
    return subject is not None and bool(entry.can_view(user, subject))


def documents_of(subject) -> QuerySet:
    """The documents of one subject, newest first within each kind."""
    ct = ContentType.objects.get_for_model(type(subject))
    return GeneratedDocument.objects.filter(content_type=ct, object_id=subject.pk).order_by(
        "kind", "-created_at", "-id"
    )


# --- services -------------------------------------------------------------------------------------


def _enqueue(document_id: int) -> None:
    from .tasks import render_document

    try:
        render_document.delay(document_id)
    except Exception:  # broker down: the row stays queued and the periodic sweep sends it again
        log.warning("could not enqueue document %s; the sweep will retry", document_id, exc_info=True)


def document_request(*, subject, kind: str, title: str, by=None) -> GeneratedDocument:
    """Ask for a document about `subject`: the row now, the rendering in Celery once this commits."""
    entry = kind_of(kind)
    with transaction.atomic():
        document = GeneratedDocument.objects.create(
            kind=kind,
            title=title[:200],
            content_type=ContentType.objects.get_for_model(type(subject)),
            object_id=subject.pk,
            fmt=entry.fmt,
            status=DocumentStatus.QUEUED,
            requested_by=by if getattr(by, "is_authenticated", False) else None,
        )
        transaction.on_commit(lambda: _enqueue(document.pk))
    return document


def document_render(*, document_id: int) -> GeneratedDocument | None:
    """Render one queued document. Running it twice renders once: the first run claims the row."""
    claimed = GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.QUEUED).update(
        status=DocumentStatus.RENDERING, attempts=F("attempts") + 1, error=""
    )
    if not claimed:
        return None
    document = GeneratedDocument.objects.get(pk=document_id)
    try:
        content = kind_of(document.kind).render(document)
        if not isinstance(content, bytes | bytearray) or not content:
            raise ValueError("生成程序没有返回文件内容")
    except Exception as exc:
        log.exception("rendering document %s (%s) failed", document.pk, document.kind)
        message = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
        GeneratedDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED, error=message, finished_at=timezone.now()
        )
        document.refresh_from_db()
        return document
    old_name = document.file.name
    document.file.save(
        f"{document.kind}-{document.pk}.{document.fmt}", ContentFile(bytes(content)), save=False
    )
    if old_name and old_name != document.file.name:
        document.file.storage.delete(old_name)
    document.sha256 = hashlib.sha256(content).hexdigest()
    document.status = DocumentStatus.DONE
    document.error = ""
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "sha256", "status", "error", "finished_at"])
    return document


def document_retry(*, document: GeneratedDocument, by=None) -> GeneratedDocument:
    """Queue a failed document again."""
    with transaction.atomic():
        retried = GeneratedDocument.objects.filter(pk=document.pk, status=DocumentStatus.FAILED).update(
            status=DocumentStatus.QUEUED, error="", finished_at=None
        )
        if not retried:
            raise DomainError("只有生成失败的文书可以重试")
        transaction.on_commit(lambda: _enqueue(document.pk))
    document.refresh_from_db()
    return document


def document_sweep(*, now=None) -> int:
    """Send again what waits too long: queued (its task was lost) or rendering (its worker died)."""
    now = now or timezone.now()
    stale_rendering = GeneratedDocument.objects.filter(
        status=DocumentStatus.RENDERING, created_at__lt=now - STUCK_RENDERING_AFTER
    )
    stale_rendering.update(status=DocumentStatus.QUEUED)
    ids = list(
        GeneratedDocument.objects.filter(
            status=DocumentStatus.QUEUED, created_at__lt=now - STUCK_QUEUED_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids)
