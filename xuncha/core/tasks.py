"""Document rendering in Celery. Thin: take an id, call the service; the row is the source of truth."""

from celery import shared_task

from . import documents


@shared_task
def render_document(document_id: int) -> str:
    document = documents.document_render(document_id=document_id)
    return document.status if document else "skipped"


@shared_task
def requeue_stuck_documents() -> int:
    """Every few minutes: documents whose task was lost (broker down, worker killed) are sent again."""
    return documents.document_sweep()
