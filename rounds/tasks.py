from celery import shared_task

from rounds.services import reminders


@shared_task
def remind_due_milestones() -> int:
    """Each morning: remind the office and the team leaders of milestones due within three days."""
    return reminders.remind_due_milestones()
