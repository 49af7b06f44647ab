"""The inbox: write a message once per recipient and key; mail a copy from the database."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .delivery import MAIL_FLOW, deliver_pending
from .models import EmailStatus, Notification
from .tasks import deliver_pending_emails

__all__ = ["MAIL_FLOW", "deliver_pending", "mark_read", "notify"]

log = logging.getLogger(__name__)


def notify(*, recipients: Iterable, title: str, body: str = "", link: str = "", dedupe_key: str = "") -> int:
    """Put a message in each recipient's inbox; returns how many were new.

    With a dedupe_key a recipient gets the message once, however often this is called. The mail copy
    is sent after commit; if that fails the row stays pending and `deliver_pending_emails` retries.
    """
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return 0
    if dedupe_key:
        already = set(
            Notification.objects.filter(recipient_id__in=users, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
    else:
        already = set()
    rows = [
        Notification(
            recipient=user,
            title=title,
            body=body,
            link=link,
            dedupe_key=dedupe_key,
            email_status=EmailStatus.PENDING if user.email else EmailStatus.NONE,
        )
        for uid, user in users.items()
        if uid not in already
    ]
    # ignore_conflicts: a concurrent run that wrote the same key wins; nothing is written twice.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(r.email_status == EmailStatus.PENDING for r in rows):
        transaction.on_commit(lambda: _enqueue(deliver_pending_emails))
    return len(rows)


def _enqueue(task) -> None:
    try:
        task.delay()
    except Exception:  # broker down: the rows stay pending and the periodic run delivers them
        log.warning("could not enqueue mail delivery; pending mails go on the next periodic run", exc_info=True)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
