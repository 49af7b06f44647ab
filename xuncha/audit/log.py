"""Writing and checking the security audit log: `record(kind, ...)` appends one chained entry; and
`client_ip(request)`, the client's address every log entry and every rate limit uses."""

import datetime
import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from .chain import current_algorithm, mac_of
from .models import ChainHead, EventKind, SecurityEvent

__all__ = ["EventKind", "record", "client_ip", "verify", "purge", "retention_days", "MIN_RETENTION_DAYS"]

# GB/T 22239-2019 level 3 asks for audit records kept at least six months.
MIN_RETENTION_DAYS = 180


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"XUNCHA_TRUSTED_PROXIES：无法识别的地址或网段 {entry!r}") from None
    return tuple(networks)


def trusted_proxies() -> tuple:
    """The networks of XUNCHA_TRUSTED_PROXIES (IPs or CIDRs): the reverse proxies in front of the server."""
    entries = getattr(settings, "XUNCHA_TRUSTED_PROXIES", ()) or ()
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(e.strip() for e in entries if e and e.strip()))


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """The client's address, as the security log keeps it and every rate limit counts it.

    REMOTE_ADDR, unless the peer is one of XUNCHA_TRUSTED_PROXIES: then X-Forwarded-For is read from the
    right (each proxy appends the address it saw) and the first address that is not a trusted proxy is
    the client. What a client writes into the header itself sits further left and is never reached, so
    nobody can choose his address; a malformed entry stops the walk at the last proxy we trust."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = trusted_proxies()
    peer = _address(remote) if remote else None
    if peer is None or not networks or not _is_trusted(peer, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    last = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        if not _is_trusted(address, networks):
            return str(address)
        last = address
    return str(last)


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
    """Walk the chain from the first kept entry (which chains to the anchor a purge left). Returns a
    list of problems (empty when intact)."""
    problems = []
    head = ChainHead.objects.filter(pk=1).first()
    prev = head.anchor_mac if head is not None else ""
    count = 0
    for event in SecurityEvent.objects.order_by("id").iterator():
        count += 1
        if event.prev_mac != prev:
            problems.append(f"#{event.pk}: 与前一条记录不衔接（可能有记录被删除或插入）")
        if event.algorithm not in ("hmac-sm3", "hmac-sha256") or mac_of(event) != event.mac:
            problems.append(f"#{event.pk}: 校验值不符（记录被修改）")
        prev = event.mac
    if head is not None and (head.mac != prev or head.count != count):
        problems.append("链尾与最新记录不符（最新的记录被删除）")
    return problems


def retention_days() -> int:
    """How long entries are kept: AUDIT_RETENTION_DAYS, never below MIN_RETENTION_DAYS."""
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", 365)))


def purge(*, before: datetime.datetime | None = None) -> int:
    """Delete the oldest entries, those written before `before` (default: older than the retention),
    keeping the chain verifiable: the MAC of the last deleted entry becomes the chain's anchor.

    Refuses (ValueError) a date within the retention period. Returns how many entries were deleted;
    the purge itself is recorded as an entry."""
    limit = timezone.now() - datetime.timedelta(days=retention_days())
    if before is None:
        before = limit
    if before > limit:
        raise ValueError(f"审计日志至少保留 {retention_days()} 天，只能清理 {limit:%Y-%m-%d %H:%M} 之前的记录")
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        # A prefix of the chain: everything up to the newest entry written before the date.
        last = SecurityEvent.objects.filter(at__lt=before).order_by("-id").first()
        if last is None:
            return 0
        doomed = SecurityEvent.objects.filter(id__lte=last.id)
        deleted = doomed.count()
        doomed._raw_delete(doomed.db)
        ChainHead.objects.filter(pk=1).update(
            anchor_mac=last.mac, count=head.count - deleted, purged=head.purged + deleted
        )
    record(
        EventKind.CONFIG,
        target="安全审计日志",
        detail=f"清理 {before:%Y-%m-%d %H:%M} 之前的审计日志 {deleted} 条（保留期 {retention_days()} 天）",
    )
    return deleted
