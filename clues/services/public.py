"""Public reporting (开门巡察): a citizen's report from an announcement, the receipt code and its lookup,
the team's reply to the reporter; rate-limited per client address."""

import hashlib
import re
import secrets
import time
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rounds.models import Announcement, AnnouncementStatus
from xuncha import access
from xuncha.core.crypto import keyed_digest
from xuncha.core.services import as_history_user
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import (
    Channel,
    Lead,
    PublicStatus,
)

# What the recorder types; number, unit, team and status are the service's.
from .intake import check_lead_files, save_new_lead, set_identity, summary_of, team_users

PUBLIC_CONTENT_MAX = 5000
PUBLIC_MAX_ATTACHMENTS = 3
PUBLIC_REPORTS_PER_HOUR = 5
PUBLIC_QUERIES_PER_HOUR = 20
PUBLIC_REPLY_MAX = 2000

# Receipt codes: 16 characters from 32 that cannot be mistaken for one another (no I, O, 0, 1): 80 bits.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 16


def _ip_key(prefix: str, ip: str) -> str:
    # The address itself is not kept, even in the cache: a keyed hash of it.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ip or '-'}".encode()).hexdigest()[:32]
    return f"xuncha:{prefix}:{digest}"


class Throttled(DomainError):
    """Too many uses from one address within the hour: the view answers 429 with Retry-After."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(prefix: str, ip: str) -> int:
    """Seconds until the address's window (an hour from its first counted use) ends."""
    since = cache.get(_ip_key(prefix, ip) + ":since")
    if since is None:
        return 3600
    return max(1, min(3600, int(since + 3600 - time.time()) + 1))


def _over_limit(prefix: str, ip: str, limit: int) -> bool:
    return (cache.get(_ip_key(prefix, ip)) or 0) >= limit


def _count(prefix: str, ip: str) -> None:
    key = _ip_key(prefix, ip)
    cache.add(key, 0, timeout=3600)  # the window starts with the first use in the hour
    cache.add(key + ":since", time.time(), timeout=3600)  # for Retry-After
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)


def _reserve(prefix: str, ip: str, limit: int) -> bool:
    """Take one of the hour's `limit` uses, atomically (the cache's add and incr, in Redis and in the
    local memory cache alike): of twenty parallel requests against a limit of five, five get one."""
    key = _ip_key(prefix, ip)
    cache.add(key, 0, timeout=3600)  # the window starts with the first use in the hour
    try:
        taken = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 0, timeout=3600)
        taken = cache.incr(key)
    if taken > limit:
        _release(prefix, ip)
        return False
    return True


def _release(prefix: str, ip: str) -> None:
    """Give back a use that did not happen (the submission failed after its use was taken)."""
    try:
        cache.decr(_ip_key(prefix, ip))
    except ValueError:  # the window has expired meanwhile
        pass


def new_receipt_code() -> str:
    """A random receipt code, grouped in fours for reading aloud: ABCD-EFGH-JKLM-NPQR."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt_code(code: str) -> str:
    return re.sub(r"[\s\-‐‑‒–—－]+", "", (code or "").strip()).upper()


def receipt_hash(code: str) -> str:
    """What is stored of a receipt code: HMAC-SM3 under the digest key (国密, XUNCHA_CRYPTO="gm"), or its
    SHA-256 ("intl")."""
    normalised = normalise_receipt_code(code).encode()
    if getattr(settings, "XUNCHA_CRYPTO", "gm") == "gm":
        return keyed_digest(b"receipt:" + normalised)
    return hashlib.sha256(normalised).hexdigest()


def receipt_hashes(code: str) -> list[str]:
    """Every digest a stored code may have: codes given before a change of XUNCHA_CRYPTO keep working."""
    normalised = normalise_receipt_code(code).encode()
    return [keyed_digest(b"receipt:" + normalised), hashlib.sha256(normalised).hexdigest()]


def accepts_reports(announcement: Announcement, *, today=None) -> bool:
    """Reports are accepted on a published announcement until its closing date (受理截止) has passed."""
    today = today or timezone.localdate()
    return announcement.status == AnnouncementStatus.PUBLISHED and today <= announcement.end_date


def public_report_submit(
    *,
    announcement: Announcement,
    content: str,
    name: str = "",
    phone: str = "",
    attachments: Iterable = (),
    ip: str,
) -> str:
    """A citizen's report from the public announcement page. Returns the receipt code, which is shown once
    and kept only as its hash. The assigned team is told in its inbox."""
    if announcement.status != AnnouncementStatus.PUBLISHED:
        raise DomainError("该巡察公告未发布或已撤回，不能通过此页面反映问题")
    if not accepts_reports(announcement):
        raise DomainError(
            f"本次巡察受理时间已于{announcement.end_date.year}年{announcement.end_date.month}月"
            f"{announcement.end_date.day}日截止，不再通过此页面受理"
        )
    if _over_limit("public-report", ip, PUBLIC_REPORTS_PER_HOUR):
        raise Throttled(
            "提交过于频繁，请一小时后再试；如有急事，请拨打公告所列值班电话",
            retry_after=_retry_after("public-report", ip),
        )
    content = (content or "").strip()
    name = (name or "").strip()
    phone = (phone or "").strip()
    reasons = []
    if not content:
        reasons.append("请填写反映的问题")
    elif len(content) > PUBLIC_CONTENT_MAX:
        reasons.append(f"反映内容不能超过{PUBLIC_CONTENT_MAX}字（现为{len(content)}字）")
    if len(name) > 50:
        reasons.append("姓名不能超过50字")
    if phone and not re.fullmatch(r"[0-9+\-() ]{5,30}", phone):
        reasons.append("联系电话格式不正确")
    attachments = list(attachments)
    if len(attachments) > PUBLIC_MAX_ATTACHMENTS:
        reasons.append(f"最多上传{PUBLIC_MAX_ATTACHMENTS}个附件")
    if reasons:
        raise DomainError("未能提交", reasons=reasons)
    checked = check_lead_files(attachments, public=True)
    if not _reserve("public-report", ip, PUBLIC_REPORTS_PER_HOUR):
        raise DomainError("提交过于频繁，请一小时后再试；如有急事，请拨打公告所列值班电话")
    try:
        code, lead = _public_report_store(announcement, content, name, phone, checked)
    except BaseException:
        _release("public-report", ip)
        raise
    team = announcement.assignment.team
    notify(
        recipients=team_users(team.pk),
        title=f"收到网上举报：{announcement.assignment.unit.name}",
        # No content and no identity in the message: the mail copy leaves the system.
        body=f"公众通过巡察公告页面反映{announcement.assignment.unit.name}的问题，已登记为{lead.number}，"
        "请及时甄别受理范围。",
        link=reverse("clues:lead_detail", args=[lead.pk]),
        dedupe_key=f"public-report:{lead.pk}",
    )
    return code


def _public_report_store(announcement, content, name, phone, checked) -> tuple[str, Lead]:
    assignment = announcement.assignment
    code = new_receipt_code()
    while Lead.objects.filter(receipt_hash__in=receipt_hashes(code)).exists():  # 80 bits: never, in practice
        code = new_receipt_code()
    lead = Lead(
        assignment=assignment,
        round_id=assignment.round_id,
        unit_id=assignment.unit_id,
        team_id=assignment.team_id,
        channel=Channel.ONLINE,
        received_on=timezone.localdate(),
        summary=summary_of(content),
        content=content,
        is_public_report=True,
        receipt_hash=receipt_hash(code),
    )
    set_identity(lead, {"reporter_name": name, "reporter_phone": phone})
    save_new_lead(lead, checked, None)
    return code, lead


class Receipt(NamedTuple):
    """What a reporter reads with his receipt code: the status, the team's reply and, once the team has
    approved its wording, the result of the department the petition was handed to."""

    status: str
    reply: str
    outcome: str = ""


def public_receipt_lookup(code: str, *, ip: str | None = None) -> Receipt | None:
    """(status label, the team's reply, the approved outcome) for a receipt code, or None. Nothing else about the report, and the
    same None whether the code is malformed, unknown, or any report exists at all. Only the misses count
    against the address's limit (guessing codes is what the limit stops; a reporter checking his own
    report again and again is not)."""
    if ip is not None and _over_limit("receipt-query", ip, PUBLIC_QUERIES_PER_HOUR):
        raise Throttled("查询过于频繁，请一小时后再试", retry_after=_retry_after("receipt-query", ip))
    found = _receipt_lookup(code)
    if found is None and ip is not None:
        _count("receipt-query", ip)
    return found


def _receipt_lookup(code: str) -> Receipt | None:
    normalised = normalise_receipt_code(code)
    if len(normalised) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in normalised):
        return None
    lead = (
        Lead.objects.filter(receipt_hash__in=receipt_hashes(normalised), is_public_report=True)
        .only("status", "public_reply", "public_outcome", "public_outcome_at")
        .first()
    )
    if lead is None:
        return None
    outcome = lead.public_outcome if lead.public_outcome_at else ""
    return Receipt(PublicStatus(lead.public_status).label, lead.public_reply, outcome)


def lead_set_public_reply(*, lead: Lead, reply: str, by) -> Lead:
    """The reply the team chooses to give an online reporter; he reads it with his receipt code."""
    access.check(by, "reply", lead, message="答复举报人须由本组组长或巡察办作出")
    if not lead.is_public_report:
        raise DomainError("只有网上举报件可以通过查询码答复举报人")
    reply = (reply or "").strip()
    if len(reply) > PUBLIC_REPLY_MAX:
        raise DomainError(f"答复不能超过{PUBLIC_REPLY_MAX}字")
    with transaction.atomic():
        current = Lead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
        current.public_reply = reply
        as_history_user(current, by)
        current.save(update_fields=["public_reply"])
    lead.public_reply = reply
    return current


def lead_approve_public_outcome(*, lead: Lead, text: str, by) -> Lead:
    """The team approves the wording in which an online reporter reads the result of the department his
    petition was handed to (归口办理); until then the receipt page shows only the status and the reply.
    The department's own record (handling_outcome) is kept as it reported it."""
    access.check(by, "reply", lead, message="向举报人公开办理结果须由本组组长或巡察办审定")
    if not lead.is_public_report:
        raise DomainError("只有网上举报件可以通过查询码向举报人公开办理结果")
    text = (text or "").strip()
    if not text:
        raise DomainError("请填写向举报人公开的办理结果")
    if len(text) > PUBLIC_REPLY_MAX:
        raise DomainError(f"公开的办理结果不能超过{PUBLIC_REPLY_MAX}字")
    with transaction.atomic():
        current = Lead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
        if not current.handling_outcome:
            raise DomainError("归口部门尚未反馈办理结果")
        current.public_outcome = text
        current.public_outcome_by = by
        current.public_outcome_at = timezone.now()
        as_history_user(current, by)
        current._change_reason = "审定向举报人公开的办理结果"
        current.save(update_fields=["public_outcome", "public_outcome_by", "public_outcome_at"])
    return current
