"""The daily reminder digest of the rectification (Celery beat, each morning).

The unit's principal and liaison hear of every report (half-monthly or final) and every open measure
due in 3 days or in 1 day, and of every report not submitted by its due date; the office, the
discipline commission (纪委监委) and the organization department (组织部) are told of every overdue report:
双报告 goes to both supervisors (seed 003), so both hear when one is missing. Each person gets at most ONE message a
day, listing his items.

Idempotent and catching up:
- an item is keyed (what, its date, which reminder), not dated, and logged per recipient in
  `ReminderLog`, so it is sent once whatever the number of runs;
- the windows are wide (2..3 days left for "3 days ahead", 0..1 for "1 day ahead", and "overdue" from
  the day after the due date on), so a day the task did not run (broker down) is caught up by the
  next run, and an item found after the day's digest went out waits for the next day's digest;
- the digest is one `Notification` per person and day (`dedupe_key`), written with its logs in one
  transaction: a crash never marks an item as sent without the message. The mail copy of the message
  is the inbox's business: a failed enqueue or a failed mail leaves it pending for the periodic run.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.core.services import office_users
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification
from xuncha.notifications.services import notify

from ..models import Measure, MeasureStatus, RectStatus, ReminderLog, Report

# (reminder, most days left, least days left): "3 days ahead" holds while 2..3 days are left, "1 day
# ahead" while 0..1 are left, so a run missed on the day itself is made up the next morning.
WINDOWS = (("d3", 3, 2), ("d1", 1, 0))
AHEAD = max(most for _, most, _ in WINDOWS)
# Who besides the office hears of an overdue report: the two receivers of 双报告.
ESCALATE_TO_ROLES = (Role.JIWEI, Role.ZUZHIBU)


@dataclass(frozen=True)
class Item:
    key: str
    rect_id: int
    overdue: bool
    is_report: bool
    due: date
    line: str


def _today() -> date:
    return timezone.localdate()


def _window(left: int) -> str | None:
    for name, most, least in WINDOWS:
        if least <= left <= most:
            return name
    return None


def _unit_users(rect) -> list:
    return [u for u in rect.unit.own_users if u.is_active]


def _report_item(report: Report, today: date) -> Item | None:
    rect = report.rectification
    left = (report.due_date - today).days
    due = f"{report.due_date:%Y年%m月%d日}"
    key = f"report:{report.pk}:{report.due_date.isoformat()}"
    if left < 0:
        return Item(
            key=f"{key}:overdue",
            rect_id=rect.pk,
            overdue=True,
            is_report=True,
            due=report.due_date,
            line=f"{rect.unit.name}：{report}，报送截止{due}，已逾期{-left}天，尚未报送",
        )
    window = _window(left)
    if window is None:
        return None
    when = "今天到期" if left == 0 else f"还有{left}天"
    return Item(
        key=f"{key}:{window}",
        rect_id=rect.pk,
        overdue=False,
        is_report=True,
        due=report.due_date,
        line=f"{rect.unit.name}：{report}，报送截止{due}，{when}",
    )


def _measure_item(measure: Measure, today: date) -> Item | None:
    left = (measure.deadline - today).days
    window = _window(left)
    if window is None:
        return None
    rect = measure.rectification
    when = "今天到期" if left == 0 else f"还有{left}天"
    kind = f"（{measure.get_kind_display()}）"
    return Item(
        key=f"measure:{measure.pk}:{measure.deadline.isoformat()}:{window}",
        rect_id=rect.pk,
        overdue=False,
        is_report=False,
        due=measure.deadline,
        line=(
            f"{rect.unit.name}：整改措施{measure.number}{kind}“{measure.content[:30]}”，"
            f"完成时限{measure.deadline:%Y年%m月%d日}，{when}"
        ),
    )


def _digest(items: list[Item]) -> tuple[str, str, str]:
    """(title, body, link) of one person's digest."""
    overdue = [i for i in items if i.overdue]
    soon = [i for i in items if not i.overdue]
    # The title names what it counts (reports, measures; within AHEAD days), so that it agrees with the
    # workbench's tables beside it (measures within 7 days and overdue, the next report).
    parts = []
    for group, adjective in ((overdue, "已逾期"), (soon, f"{AHEAD}日内到期")):
        reports = sum(1 for i in group if i.is_report)
        counted = [f"{reports}份报告" if reports else "", f"{len(group) - reports}项措施" if len(group) > reports else ""]
        if group:
            parts.append("、".join(c for c in counted if c) + adjective)
    lines = []
    if overdue:
        lines.append("已逾期：")
        lines += [f"· {i.line}" for i in overdue]
    if soon:
        lines.append("即将到期：")
        lines += [f"· {i.line}" for i in soon]
    body = "以下整改事项请抓紧办理：\n" + "\n".join(lines)
    rect_ids = {i.rect_id for i in items}
    if len(rect_ids) == 1:
        rect_id = rect_ids.pop()
        name = "rectification:report_list" if any(i.is_report for i in items) else "rectification:plan"
        link = reverse(name, args=[rect_id])
    else:
        link = reverse("rectification:rect_list")
    return "整改提醒：" + "，".join(parts), body, link


def due_items(today: date) -> tuple[dict[int, object], dict[int, dict[str, Item]]]:
    """Who is to hear of what today, before the log is consulted: (users by pk, items by user pk and key).

    A bounded number of queries, whatever the number of rectifications."""
    horizon = today + timedelta(days=AHEAD)
    unit_users = (
        "rectification__unit__principal_user",
        "rectification__unit__liaison_user",
    )
    reports = (
        Report.objects.outstanding().filter(rectification__meeting_date__isnull=False, due_date__lte=horizon)
        .exclude(rectification__status=RectStatus.CLOSED)
        .select_related(*unit_users)
        .order_by("due_date", "pk")
    )
    measures = (
        Measure.objects.filter(
            rectification__meeting_date__isnull=False,
            deadline__gte=today,
            deadline__lte=horizon,
        )
        .exclude(status=MeasureStatus.CLOSED)
        .exclude(rectification__status=RectStatus.CLOSED)
        .select_related("problem", *unit_users)
        .order_by("deadline", "problem__seq", "seq", "pk")
    )

    users: dict[int, object] = {}
    items: dict[int, dict[str, Item]] = {}

    def add(recipients, item: Item) -> None:
        for user in recipients:
            users[user.pk] = user
            items.setdefault(user.pk, {}).setdefault(item.key, item)

    escalate_to = None
    for report in reports:
        item = _report_item(report, today)
        if item is None:
            continue
        add(_unit_users(report.rectification), item)
        if item.overdue:
            if escalate_to is None:
                supervisors = (
                    get_user_model()
                    .objects.filter(groups__name__in=ESCALATE_TO_ROLES, is_active=True)
                    .distinct()
                    .order_by("pk")
                )
                escalate_to = [*office_users(), *supervisors]
            add(escalate_to, item)
    for measure in measures:
        item = _measure_item(measure, today)
        if item is not None:
            add(_unit_users(measure.rectification), item)
    return users, items


def rectification_reminder_sweep(today: date | None = None) -> int:
    """Write today's digests; returns how many were written (0 on a second run the same day)."""
    today = today or _today()
    users, items = due_items(today)
    if not items:
        return 0
    digest_key = f"rect-digest:{today.isoformat()}"
    already_digested = set(
        Notification.objects.filter(recipient_id__in=items, dedupe_key=digest_key).values_list(
            "recipient_id", flat=True
        )
    )
    all_keys = {key for per_user in items.values() for key in per_user}
    sent = set(
        ReminderLog.objects.filter(recipient_id__in=items, key__in=all_keys).values_list("recipient_id", "key")
    )
    written = 0
    for user_pk, per_user in items.items():
        if user_pk in already_digested:
            continue  # today's digest is out: what is new waits for tomorrow's (the windows still hold)
        new = [item for key, item in per_user.items() if (user_pk, key) not in sent]
        if not new:
            continue
        new.sort(key=lambda i: (i.due, i.key))
        title, body, link = _digest(new)
        user = users[user_pk]
        with transaction.atomic():
            if not notify(recipients=[user], title=title, body=body, link=link, dedupe_key=digest_key):
                continue
            note = Notification.objects.filter(recipient=user, dedupe_key=digest_key).first()
            ReminderLog.objects.bulk_create(
                [ReminderLog(recipient=user, key=i.key, day=today, notification=note) for i in new],
                ignore_conflicts=True,
            )
        written += 1
    return written


__all__ = ["WINDOWS", "due_items", "rectification_reminder_sweep"]


# --- 催办: the office reminds a unit by hand (one at a time, or many from the list) ------------------------

REMIND_AHEAD = 7  # days: measures due within a week are named, as the 工作台 colours them
NOTE_MAX = 500


def remind_key(rect, today: date) -> str:
    return f"rect-remind-{rect.pk}-{today.isoformat()}"


def remind_items(rect, today: date) -> list[str]:
    """What a reminder names: reports not submitted by their date, measures overdue or due within a week."""
    lines = []
    reports = rect.reports.outstanding().filter(due_date__lt=today).order_by("due_date")
    for report in reports:
        lines.append(f"{report}，报送截止{report.due_date:%Y年%m月%d日}，已逾期{(today - report.due_date).days}天")
    measures = (
        rect.measures.exclude(status=MeasureStatus.CLOSED)
        .filter(deadline__lte=today + timedelta(days=REMIND_AHEAD))
        .select_related("problem")
        .order_by("deadline", "problem__seq", "seq")
    )
    for m in measures:
        left = (m.deadline - today).days
        when = f"已逾期{-left}天" if left < 0 else "今天到期" if left == 0 else f"还有{left}天到期"
        lines.append(f"整改措施{m.number}“{m.content[:30]}”，完成时限{m.deadline:%Y年%m月%d日}，{when}")
    return lines


def rectification_remind(*, rect, by, note: str = "", today: date | None = None) -> int:
    """催办: the office tells the unit's principal and liaison of its overdue reports and its measures
    overdue or due within a week, with an optional note. Once a day per rectification (a second
    reminder the same day is refused, so a bulk action repeated never sends twice). Returns how many
    were told."""
    access.check(by, "remind", rect, message="只有巡察办可以催办整改")
    today = today or _today()
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"催办说明不能超过{NOTE_MAX}字")
    if rect.status != RectStatus.IN_PROGRESS:
        raise DomainError(f"整改当前为“{rect.get_status_display()}”，不需催办（须在“整改中”）")
    recipients = _unit_users(rect)
    if not recipients:
        raise DomainError(f"{rect.unit.name}尚未设置主要负责人或联络员的账号，无法提醒")
    key = remind_key(rect, today)
    if Notification.objects.filter(dedupe_key=key).exists():
        raise DomainError("今天已经催办过，明天再催办")
    lines = remind_items(rect, today)
    if not lines and not note:
        raise DomainError("没有逾期或7日内到期的事项，不需催办")
    body = f"{rect.unit.name}：巡察办提醒，以下整改事项请抓紧办理：\n" + "\n".join(f"· {line}" for line in lines)
    if note:
        body += f"\n巡察办说明：{note}"
    title = f"巡察办催办：{rect.unit.name}整改" + (f"（{len(lines)}项）" if lines else "")
    return notify(
        recipients=recipients, title=title, body=body, link=reverse("rectification:rect_detail", args=[rect.pk]), dedupe_key=key
    )
