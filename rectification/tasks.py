"""Celery tasks of feedback and rectification. Thin: call a service; the database is the source of truth."""

from celery import shared_task

from rectification.documents import reports as docs_reports  # noqa: F401  register the document kinds with xuncha.core.documents

from .services import reminders


@shared_task
def remind_rectification() -> int:
    """Each morning: one digest per person of what is due in 3 days or 1 day and what is overdue."""
    return reminders.rectification_reminder_sweep()
