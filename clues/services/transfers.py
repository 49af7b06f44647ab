"""Transfers of leads (统一移送) to a receiving department, and what the receiver reports back.

    待移交 (draft) ──send──▶ 已移交 ──acknowledge (签收)──▶ 已签收 ──every item has a result──▶ 已反馈结果

The office gathers confirmed leads whose disposition is a transfer (移交纪委监委, 移交组织部,
移交其他部门) into a batch for one receiver and sends it. Sending sets the deadline (today + the
batch's days), marks the leads transferred, grants the receiver's staff (its `Unit.staff` accounts)
the batch through django-guardian, tells them, and asks for the 移交函 and 移交清单 (rendered in Celery).
The receiver's staff acknowledge and report a result per lead (初核, 谈话函询, 立案, 暂存, 了结) with the
persons dealt with (四种形态 and sanction). A final result (立案, 了结) closes the lead; a result may be
reported again as the handling goes on (初核 → 立案), and the persons list is replaced each time.

Deadline reminders (`transfer_deadline_sweep`) are rows in the inbox keyed by batch, deadline and kind,
so a daily run, or ten, tells each person once.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from rounds.models import Unit
from xuncha import access
from xuncha.core.documents import document_request
from xuncha.core.services import as_history_user, office_users
from xuncha.core.transitions import Transition, Workflow, transition, transition_each
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import (
    DisciplineForm,
    HandlingResult,
    Lead,
    LeadStatus,
    PersonDealt,
    Sanction,
    TransferBatch,
    TransferItem,
    TransferStatus,
)
from ..models.intake import TRANSFER_DISPOSITIONS
from .intake import LEAD_FLOW  # noqa: F401  the leads' workflow (transfer, the receiver's result)

DEFAULT_DEADLINE_DAYS = 30
MAX_DEADLINE_DAYS = 365
# Results after which the receiver's work on the lead is over (the lead is 已办结).
FINAL_RESULTS = (HandlingResult.CASE, HandlingResult.CLOSE)
OPEN_STATUSES = (TransferStatus.SENT, TransferStatus.ACKNOWLEDGED)
# A deadline this close (and the results not all in) is shown yellow; past it, red.
DUE_SOON_DAYS = 7

# A batch's status changes only through this table (xuncha.core.transitions); the permissions are
# xuncha.access's rules on the batch. The leads' own steps are LEAD_FLOW's (clues.services.intake).
T = TransferStatus
BATCH_FLOW = Workflow(
    "clues.transferbatch",
    [
        Transition("send", [T.DRAFT], T.SENT, "移交", permission="send"),
        Transition("acknowledge", [T.SENT], T.ACKNOWLEDGED, "签收", permission="acknowledge"),
        Transition("report", [T.SENT, T.ACKNOWLEDGED], T.REPORTED, "反馈结果", permission="report_result"),
    ],
)
# Reminders before the deadline: (kind, sent when this many days or fewer remain, down to `until`).
REMINDERS = (("remind3", 3, 2), ("remind1", 1, 0))

KIND_LETTER = "transfer_letter"
KIND_LIST = "transfer_list"


def _today() -> date:
    return timezone.localdate()


def _link(batch: TransferBatch) -> str:
    return reverse("clues:batch_detail", args=[batch.pk])


def _receiver_refusal(batch: TransferBatch, action: str) -> str:
    return f"只有{batch.receiver.name}的经办人可以{action}"


def _locked_batch(batch: TransferBatch) -> TransferBatch:
    return (
        TransferBatch.objects.select_for_update(of=("self",)).select_related("receiver", "round__term").get(pk=batch.pk)
    )


# --- the office -------------------------------------------------------------------------------------


def batch_create(
    *,
    receiver: Unit,
    leads,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    note: str = "",
    by,
) -> TransferBatch:
    """A draft batch of confirmed transfer leads of one round for one receiver, numbered in its year."""
    access.require(by, "office", message="只有巡察办可以移交问题线索")
    ids = sorted({lead.pk for lead in leads})
    reasons = []
    if not ids:
        reasons.append("请至少选择一条线索")
    if not receiver.is_active:
        reasons.append(f"{receiver.name}已停用")
    if not receiver.staff.exists():
        reasons.append(f"{receiver.name}尚未设置经办人账号，移交后无人能够签收")
    if not 1 <= int(deadline_days or 0) <= MAX_DEADLINE_DAYS:
        reasons.append(f"反馈时限须在1至{MAX_DEADLINE_DAYS}天之间")
    if reasons:
        raise DomainError("移交批次未创建", reasons=reasons)
    year = _today().year
    try:
        with transaction.atomic():
            rows = list(
                Lead.objects.select_for_update(of=("self",))
                .filter(pk__in=ids)
                .select_related("team__round", "transfer")
                .order_by("pk")
            )
            for lead in rows:
                if lead.status != LeadStatus.CONFIRMED or lead.disposition not in TRANSFER_DISPOSITIONS:
                    reasons.append(f"{lead.number}的处置方式尚未确认为移交")
                elif getattr(lead, "transfer", None) is not None:
                    reasons.append(f"{lead.number}已列入{lead.transfer.batch.number}")
            if len(rows) != len(ids):
                reasons.append("所选线索中有的已不存在")
            rounds = {lead.round_id for lead in rows}
            if len(rounds) > 1:
                reasons.append("一个批次只能移交同一轮巡察的线索，请分批移交")
            if reasons:
                raise DomainError("移交批次未创建", reasons=reasons)
            # Two offices numbering at once: the unique (year, serial) refuses the second (IntegrityError below).
            last = TransferBatch.objects.filter(year=year).aggregate(n=Max("serial"))["n"]
            batch = TransferBatch(
                receiver=receiver,
                round_id=rounds.pop(),
                year=year,
                serial=(last or 0) + 1,
                note=(note or "").strip(),
                deadline_days=int(deadline_days),
                status=TransferStatus.DRAFT,
                created_by=by,
            )
            as_history_user(batch, by)
            batch.save()
            bulk_create_with_history(
                [TransferItem(batch=batch, lead=lead) for lead in rows], TransferItem, default_user=by
            )
    except IntegrityError as exc:  # a concurrent batch took the number or one of the leads
        raise DomainError("移交批次与他人同时创建，发生冲突，请重新提交") from exc
    return batch


def batch_delete(*, batch: TransferBatch, by) -> None:
    """A draft that was put together wrongly is discarded; its leads wait for another batch."""
    with transaction.atomic():
        current = _locked_batch(batch)
        access.check(by, "delete", current, message="只有巡察办可以删除移交批次")
        if current.status != TransferStatus.DRAFT:
            raise DomainError("已移交的批次不能删除")
        current.items.all().delete()
        as_history_user(current, by)
        current.delete()


def batch_send(*, batch: TransferBatch, by) -> TransferBatch:
    """Send a draft: deadline set, leads transferred, the receiver's staff granted and told, documents asked."""
    with transaction.atomic():
        current = _locked_batch(batch)
        access.check(by, "send", current, message="只有巡察办可以移交问题线索")
        if current.status != TransferStatus.DRAFT:
            raise DomainError(f"批次当前状态为“{current.get_status_display()}”，不能再次移交")
        leads = list(Lead.objects.select_for_update(of=("self",)).filter(transfer__batch=current).order_by("pk"))
        if not leads:
            raise DomainError("批次中没有线索，不能移交")
        staff = list(current.receiver.staff.filter(is_active=True))
        if not staff:
            raise DomainError(f"{current.receiver.name}尚未设置经办人账号，移交后无人能够签收")
        stale = [lead.number for lead in leads if lead.status != LeadStatus.CONFIRMED]
        if stale:
            raise DomainError("批次中有线索的状态已改变，请删除本批次后重新组织", reasons=stale)
        now = timezone.now()
        transition(
            current,
            "send",
            by=by,
            changes={
                "sent_at": now,
                "sent_by": by,
                "deadline": timezone.localdate(now) + timedelta(days=current.deadline_days),
            },
        )
        # Each lead locked, checked and recorded in its history on its own (LEAD_FLOW "transfer").
        transition_each(leads, "transfer", by=by, reason=f"移交：{current.number}")
        access.grants.sync_batch(current)
        notify(
            recipients=staff,
            title=f"收到移交问题线索：{current.number}",
            body=(
                f"县委巡察工作领导小组办公室向{current.receiver.name}移交问题线索{len(leads)}件，"
                f"请及时签收，并于{current.deadline:%Y年%m月%d日}前反馈办理结果。"
            ),
            link=_link(current),
            dedupe_key=f"batch-sent:{current.pk}",
        )
        document_request(
            subject=current, kind=KIND_LETTER, title=f"关于移交问题线索的函（{current.number}）", by=by
        )
        document_request(
            subject=current, kind=KIND_LIST, title=f"问题线索移交清单（{current.number}）", by=by
        )
    batch.refresh_from_db()
    return batch


# --- the receiver -----------------------------------------------------------------------------------


def batch_acknowledge(*, batch: TransferBatch, by) -> TransferBatch:
    """签收: the receiver's staff confirm they have the batch."""
    with transaction.atomic():
        current = _locked_batch(batch)
        access.check(by, "acknowledge", current, message=_receiver_refusal(current, "签收移交批次"))
        if current.status != TransferStatus.SENT:
            raise DomainError(f"批次当前状态为“{current.get_status_display()}”，无需签收")
        _acknowledge(current, by)
        notify(
            recipients=office_users(),
            title=f"{current.receiver.name}已签收{current.number}",
            body=f"{by.display_name}于{timezone.localtime(current.acknowledged_at):%Y-%m-%d %H:%M}签收。",
            link=_link(current),
            dedupe_key=f"batch-acknowledged:{current.pk}",
        )
    batch.refresh_from_db()
    return batch


def _acknowledge(batch: TransferBatch, by) -> None:
    transition(batch, "acknowledge", by=by, changes={"acknowledged_at": timezone.now(), "acknowledged_by": by})


@dataclass(frozen=True)
class Person:
    name: str
    form: int
    sanction: str
    post: str = ""
    detail: str = ""


def _clean_persons(persons) -> tuple[list[Person], list[str]]:
    cleaned, reasons = [], []
    for index, raw in enumerate(persons or [], start=1):
        data = raw if isinstance(raw, dict) else raw.__dict__
        name = (data.get("name") or "").strip()
        post = (data.get("post") or "").strip()
        detail = (data.get("detail") or "").strip()
        sanction = data.get("sanction") or ""
        try:
            form = int(data.get("form") or 0)
        except (TypeError, ValueError):
            form = 0
        if not name:
            reasons.append(f"第{index}名处理人员未填写姓名")
            continue
        if form not in DisciplineForm.values:
            reasons.append(f"{name}：请选择四种形态")
        if sanction not in Sanction.values:
            reasons.append(f"{name}：请选择处理方式")
        cleaned.append(
            Person(name=name[:50], post=post[:100], form=form, sanction=sanction, detail=detail[:200])
        )
    return cleaned, reasons


def item_report_result(*, item: TransferItem, result: str, note: str, persons=(), by) -> TransferItem:
    """The receiver reports what became of one lead, with the persons dealt with.

    A final result (立案, 了结) closes the lead; another result leaves it transferred. When every lead of
    the batch has a result the batch is 已反馈结果 and the office is told."""
    note = (note or "").strip()
    cleaned, reasons = _clean_persons(persons)
    if result not in HandlingResult.values:
        reasons.insert(0, "请选择办理结果")
    if not note:
        reasons.insert(0, "请填写办理情况")
    with transaction.atomic():
        batch = _locked_batch(item.batch)
        access.check(by, "report_result", batch, message=_receiver_refusal(batch, "反馈办理结果"))
        if batch.status not in (*OPEN_STATUSES, TransferStatus.REPORTED):
            raise DomainError("批次尚未移交，不能反馈结果")
        if reasons:
            raise DomainError("办理结果未保存", reasons=reasons)
        current = TransferItem.objects.select_for_update(of=("self",)).select_related("lead__team__round").get(pk=item.pk)
        if batch.status == TransferStatus.SENT:
            _acknowledge(batch, by)  # reporting a result is receipt too
        current.result = result
        current.result_note = note
        current.reported_by = by
        current.reported_at = timezone.now()
        as_history_user(current, by)
        current.save()
        for old in current.persons.all():
            as_history_user(old, by)
            old.delete()
        bulk_create_with_history(
            [
                PersonDealt(
                    item=current, name=p.name, post=p.post, form=p.form, sanction=p.sanction, detail=p.detail
                )
                for p in cleaned
            ],
            PersonDealt,
            default_user=by,
        )
        lead = current.lead
        wanted = LeadStatus.CLOSED if result in FINAL_RESULTS else LeadStatus.TRANSFERRED
        if lead.status != wanted:
            transition(
                lead,
                "receiver_close" if wanted == LeadStatus.CLOSED else "receiver_reopen",
                by=by,
                reason=f"{batch.receiver.name}反馈：{HandlingResult(result).label}",
            )
        if batch.status != TransferStatus.REPORTED and not batch.items.filter(result="").exists():
            transition(batch, "report", by=by, changes={"reported_at": timezone.now()})
            notify(
                recipients=office_users(),
                title=f"{batch.receiver.name}已反馈{batch.number}的办理结果",
                body=f"{batch.number}所列{batch.items.count()}件问题线索均已反馈办理结果。",
                link=_link(batch),
                dedupe_key=f"batch-reported:{batch.pk}",
            )
    item.refresh_from_db()
    return item


# --- deadlines --------------------------------------------------------------------------------------


def transfer_deadline_sweep(today: date | None = None) -> int:
    """Remind the receiver 3 days and 1 day before a batch's deadline; once it has passed without the
    results, tell the receiver and the office. Returns the number of new inbox messages; each is keyed
    by batch, deadline and kind, so running this again (or twice a day) sends nothing twice, and a
    reported batch is left alone."""
    today = today or _today()
    batches = (
        TransferBatch.objects.filter(
            status__in=OPEN_STATUSES, deadline__isnull=False, deadline__lte=today + timedelta(days=3)
        )
        .select_related("receiver")
        .prefetch_related("receiver__staff")
        .order_by("deadline", "pk")
    )
    office = None
    written = 0
    for batch in batches:
        staff = [u for u in batch.receiver.staff.all() if u.is_active]
        left = (batch.deadline - today).days
        key = f"batch-deadline:{batch.pk}:{batch.deadline.isoformat()}"
        if left < 0:
            if office is None:
                office = office_users()
            written += notify(
                recipients=[*staff, *office],
                title=f"{batch.number}已逾期未反馈办理结果",
                body=(
                    f"县委巡察工作领导小组办公室移交{batch.receiver.name}的{batch.number}，反馈截止日期为"
                    f"{batch.deadline:%Y年%m月%d日}，至今尚未反馈全部办理结果。"
                ),
                link=_link(batch),
                dedupe_key=f"{key}:overdue",
            )
            continue
        for kind, most, least in REMINDERS:
            if least <= left <= most:
                when = "今天" if left == 0 else f"{left}天后"
                written += notify(
                    recipients=staff,
                    title=f"{batch.number}反馈截止日期{when}到期",
                    body=f"请于{batch.deadline:%Y年%m月%d日}前反馈{batch.number}所列问题线索的办理结果。",
                    link=_link(batch),
                    dedupe_key=f"{key}:{kind}",
                )
    return written
