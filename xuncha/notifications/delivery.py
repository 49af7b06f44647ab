"""The mail copy of the inbox's messages, sent from the database by a Celery task.

A message's `email_status` starts pending (or none, without an address) and becomes sent only through
`MAIL_FLOW`, a transition the system makes (`by=None`); a mail that fails stays pending for a later run.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from xuncha.core.transitions import Transition, Workflow, transition
from xuncha.errors import DomainError

from .models import EmailStatus, Notification

log = logging.getLogger(__name__)

MAIL_FLOW = Workflow(
    "notifications.notification",
    [Transition("send", [EmailStatus.PENDING], EmailStatus.SENT, "邮件已发送")],
    field="email_status",
)


def deliver_pending(*, limit: int = 200) -> int:
    """Mail the pending messages; a failure leaves the row pending for a later run."""
    sent = 0
    pending = (
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .select_related("recipient")
        .order_by("id")[:limit]
    )
    for n in pending:
        claimed = Notification.objects.filter(pk=n.pk, email_status=EmailStatus.PENDING).update(
            email_attempts=n.email_attempts + 1
        )
        if not claimed:
            continue
        try:
            body = n.body + (f"\n\n{settings.SITE_URL}{n.link}" if n.link else "")
            send_mail(f"【巡察通】{n.title}", body, None, [n.recipient.email])
        except Exception:
            log.warning("mail to %s failed; it stays pending", n.recipient.email, exc_info=True)
            continue
        try:
            transition(n, "send", by=None, field="email_status", changes={"emailed_at": timezone.now()})
        except DomainError:  # a concurrent run has recorded it already
            continue
        sent += 1
    return sent
