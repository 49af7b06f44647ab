from celery import shared_task

from . import delivery


@shared_task
def deliver_pending_emails() -> int:
    return delivery.deliver_pending()
