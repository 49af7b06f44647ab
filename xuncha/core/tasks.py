"""Document rendering in Celery. Thin: take an id, call the service; the row is the source of truth."""

import logging

from celery import shared_task

from . import concurrency, health, rendering

log = logging.getLogger(__name__)


@shared_task
def render_document(document_id: int) -> str:
    document = rendering.document_render(document_id=document_id)
    return document.status if document else "skipped"


def enqueue(document_id: int) -> None:
    """Send a document to be rendered; with the broker down the row stays queued for the sweep."""
    try:
        render_document.delay(document_id)
    except Exception:  # broker down: the row stays queued and the periodic sweep sends it again
        log.warning("could not enqueue document %s; the sweep will retry", document_id, exc_info=True)


def sweep(*, now=None) -> int:
    """Send again what waits too long: queued (its task was lost) or rendering (its worker died)."""
    ids = rendering.stuck_documents(now=now)
    for pk in ids:
        enqueue(pk)
    return len(ids)


@shared_task
def requeue_stuck_documents() -> int:
    """Every few minutes: documents whose task was lost (broker down, worker killed) are sent again."""
    return sweep()


@shared_task(name=health.HEARTBEAT_TASK)
def heartbeat() -> None:
    """Every minute from beat: a worker ran it (`/healthz`'s worker check; beat's is written as it sends)."""
    health.record_heartbeat("worker")


@shared_task
def forget_submission_tokens() -> int:
    """Nightly: the create forms' one-time tokens older than a week are deleted."""
    return concurrency.forget_old_tokens()
