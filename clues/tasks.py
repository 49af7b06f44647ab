"""Periodic work of the clues app. Thin: call a service; the database is the source of truth."""

from celery import shared_task

from clues.documents import transfers as docx_transfers  # noqa: F401  registers the 移交函 and 移交清单 with xuncha.core.documents

from .services import transfers


@shared_task
def remind_transfer_deadlines() -> int:
    """Each morning: remind receivers of deadlines 3 days and 1 day ahead; report overdue batches once."""
    return transfers.transfer_deadline_sweep()
