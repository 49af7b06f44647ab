"""Writing and checking the security audit log: `record(kind, ...)` appends one chained entry."""

from django.db import transaction
from django.utils import timezone

from .chain import current_algorithm, mac_of
from .models import ChainHead, EventKind, SecurityEvent

__all__ = ["EventKind", "record", "client_ip"]


def client_ip(request) -> str | None:
    """The client's address as the security log keeps it (the hardening work may widen this to trusted
    proxies' X-Forwarded-For; keep every caller on this function)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind, *, request=None, actor=None, username="", target="", detail="", success=True):
    """Append one entry. `actor` defaults to the request's user; `target` is what the event is about."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        if request.user.is_authenticated:
            actor = request.user
    if actor is not None and not username:
        username = actor.get_username()
    event = SecurityEvent(
        at=timezone.now(),
        kind=kind,
        success=success,
        actor=actor,
        username=(username or "")[:150],
        actor_name=(getattr(actor, "name", "") or "")[:50] if actor is not None else "",
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
        target=str(target)[:200],
        detail=detail,
        algorithm=current_algorithm(),
    )
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        event.prev_mac = head.mac
        event.mac = mac_of(event)
        event.save()
        ChainHead.objects.filter(pk=1).update(mac=event.mac, count=head.count + 1)
    return event


def verify():
    """Walk the chain from the first entry. Returns a list of problems (empty when intact)."""
    problems = []
    prev = ""
    count = 0
    for event in SecurityEvent.objects.order_by("id").iterator():
        count += 1
        if event.prev_mac != prev:
            problems.append(f"#{event.pk}: 与前一条记录不衔接（可能有记录被删除或插入）")
        if event.algorithm not in ("hmac-sm3", "hmac-sha256") or mac_of(event) != event.mac:
            problems.append(f"#{event.pk}: 校验值不符（记录被修改）")
        prev = event.mac
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.mac != prev or head.count != count):
        problems.append("链尾与最新记录不符（最新的记录被删除）")
    return problems
