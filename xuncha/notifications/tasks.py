from celery import shared_task

from . import services


@shared_task
def deliver_pending_emails() -> int:
    return services.deliver_pending()
