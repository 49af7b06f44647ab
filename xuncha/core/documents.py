"""Rendered documents (移交函, 移交清单, …): a row first, then a Celery task fills it in.

An app registers each kind of document once (`register`, see `xuncha.core.document_kinds`): how to render
it (a callable taking the `GeneratedDocument` and returning the file's bytes) and who may see it (the
subject's question, decided by `xuncha.access`). `document_request` writes the row and enqueues the
rendering after commit; `document_render` (the task's body, `xuncha.core.rendering`) claims the row,
renders, stores the file with its SHA-256, and records a failure with its error text so that the page
shows it and offers a retry. A lost task or a broker outage only delays a document: `document_sweep`
re-enqueues what has waited too long. Every change of a document's status is a transition of
`rendering.DOCUMENT_FLOW`.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import tasks
from .document_kinds import CONTENT_TYPES, DocumentKind, kind_of, register
from .models import DocumentStatus, GeneratedDocument
from .rendering import (
    DOCUMENT_FLOW,
    MAX_ERROR_LENGTH,
    STUCK_QUEUED_AFTER,
    STUCK_RENDERING_AFTER,
    document_render,
    document_requeue,
)

__all__ = [
    "CONTENT_TYPES",
    "DOCUMENT_FLOW",
    "MAX_ERROR_LENGTH",
    "STUCK_QUEUED_AFTER",
    "STUCK_RENDERING_AFTER",
    "DocumentKind",
    "document_render",
    "document_request",
    "document_retry",
    "document_sweep",
    "documents_of",
    "kind_of",
    "register",
]


# A request for the same document of the same subject this soon after the last is the same request.
REPEAT_WINDOW = timedelta(seconds=10)

def documents_of(subject) -> QuerySet:
    """The documents of one subject, newest first within each kind."""
    ct = ContentType.objects.get_for_model(type(subject))
    return GeneratedDocument.objects.filter(content_type=ct, object_id=subject.pk).order_by(
        "kind", "-created_at", "-id"
    )


# --- services -------------------------------------------------------------------------------------


def document_request(*, subject, kind: str, title: str, by=None) -> GeneratedDocument:
    """Ask for a document about `subject`: the row now, the rendering in Celery once this commits.

    Asked again while one of the same kind still waits in the queue (and not so long that its task was
    lost), the waiting one is the answer: it renders the subject as it is when its turn comes. Asked again by the same user within
    `REPEAT_WINDOW` of his last request (a double click, a retried request), whatever became of that one
    is the answer. The subject's row is locked meanwhile, so that twenty requests at once make one."""
    entry = kind_of(kind)
    content_type = ContentType.objects.get_for_model(type(subject))
    user = by if getattr(by, "is_authenticated", False) else None
    with transaction.atomic():
        list(type(subject)._base_manager.select_for_update().filter(pk=subject.pk).values_list("pk"))
        same = GeneratedDocument.objects.filter(content_type=content_type, object_id=subject.pk, kind=kind)
        repeated = Q(pk__in=[])
        if user is not None:
            repeated = Q(
                status__in=(DocumentStatus.RENDERING, DocumentStatus.DONE),
                requested_by=user,
                created_at__gte=timezone.now() - REPEAT_WINDOW,
            )
        # (one queued so long that its task was surely lost is left to the sweep: a new one is made)
        queued = Q(status=DocumentStatus.QUEUED, created_at__gte=timezone.now() - STUCK_QUEUED_AFTER)
        waiting = same.filter(queued | repeated).order_by("-id").first()
        if waiting is not None:
            return waiting
        document = GeneratedDocument.objects.create(
            kind=kind,
            title=title[:200],
            content_type=content_type,
            object_id=subject.pk,
            fmt=entry.fmt,
            status=DocumentStatus.QUEUED,
            requested_by=user,
        )
        transaction.on_commit(lambda: tasks.enqueue(document.pk))
    return document


def document_retry(*, document: GeneratedDocument, by=None) -> GeneratedDocument:
    """Queue a failed document again (`by`: who asks, who must be allowed to; None: the system)."""
    with transaction.atomic():
        document_requeue(document=document, by=by)
        transaction.on_commit(lambda: tasks.enqueue(document.pk))
    document.refresh_from_db()
    return document


def document_sweep(*, now=None) -> int:
    """Send again what waits too long: queued (its task was lost) or rendering (its worker died)."""
    return tasks.sweep(now=now)
