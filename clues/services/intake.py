"""Intake (受理): recording petitions and leads, scope triage and hand-over to the competent department,
the reporter's identity behind a logged reveal, and the public report form with its receipt code.

Rules kept here and nowhere else:
- A lead is recorded on an assignment by a member of the assigned team or by the office, numbered next
  in its team. Every attachment is checked (size, type, content) before anything is stored.
- The reporter's identity is encrypted at rest (the model's fields) and leaves this module only through
  `lead_reveal_identity`, which the office or the team's 组长 call with a reason, and which logs the reveal.
  It is set when the lead is recorded and changed afterwards only by `lead_change_identity` (the same
  people, with a reason, logged in the reveal log and the security audit log).
- An out-of-scope petition (个人诉求, 征地拆迁, 涉法涉诉 …) is handed to the competent department with the
  explanation to the petitioner (答复): both are required. The department's staff are granted the lead
  and record the outcome.
- A public report (开门巡察) gets a receipt code that is shown once and stored only as its digest (HMAC-SM3
  under 国密, SHA-256 otherwise).
"""

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from rounds.models import Assignment, RoundStatus, Unit
from teams.models import Team
from xuncha import access
from xuncha.access.grants import sync_lead
from xuncha.audit.log import EventKind, record
from xuncha.core.concurrency import carry_version
from xuncha.core.crypto import UndecryptableError, sm3_of_upload, undecryptable_fields
from xuncha.core.services import as_history_user
from xuncha.core.transitions import Transition, Workflow, transition
from xuncha.core.uploads import check_upload
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import (
    Channel,
    Lead,
    LeadAttachment,
    LeadStatus,
    OutOfScope,
    RevealAction,
    RevealLog,
    ScopeStatus,
)

# What the recorder types; number, unit, team and status are the service's.
LEAD_FIELDS = (
    "channel",
    "partner_department",
    "received_on",
    "subject_name",
    "subject_post",
    "subject_rank",
    "subject_is_principal",
    "subject_is_leadership",
    "summary",
    "content",
)
# The reporter's identity: encrypted at rest, never shown except through a logged reveal.
IDENTITY_FIELDS = ("reporter_name", "reporter_phone", "reporter_id_number", "reporter_work_unit")
IDENTITY_REFUSAL = "举报人身份信息只有本组组长和巡察办可以查看"

# A lead's content may be corrected until the team has decided what to do with it.
EDITABLE_STATUSES = (LeadStatus.REGISTERED, LeadStatus.TRIAGED)
# Scope may be decided, and changed, until a disposition is proposed or the department has answered.
TRIAGE_STATUSES = (LeadStatus.REGISTERED, LeadStatus.TRIAGED, LeadStatus.HANDED_OVER)

# A lead's status (LeadStatus) and its scope triage (ScopeStatus) change only through these tables
# (xuncha.core.transitions). The permissions are xuncha.access's rules on the lead (rules/clues.py).
L = LeadStatus
LEAD_FLOW = Workflow(
    "clues.lead",
    [
        # 受理范围甄别 (clues.services.intake)
        Transition("triage", TRIAGE_STATUSES, L.TRIAGED, "甄别受理范围", permission="triage"),
        Transition("hand_over", TRIAGE_STATUSES, L.HANDED_OVER, "转归口部门办理", permission="triage"),
        Transition("record_outcome", [L.HANDED_OVER], L.CLOSED, "反馈办理结果", permission="record_outcome"),
        # 线索处置 (clues.services.dispositions): the 组长 proposes, the office confirms or returns.
        Transition("propose", [L.REGISTERED, L.TRIAGED, L.PROPOSED], L.PROPOSED, "提出处置意见", permission="propose"),
        Transition("confirm", [L.PROPOSED], L.CONFIRMED, "确认处置", permission="confirm"),
        Transition("confirm_close", [L.PROPOSED], L.CLOSED, "确认了结", permission="confirm"),
        Transition("return", [L.PROPOSED], L.TRIAGED, "退回处置意见", permission="confirm", reason_required=True),
        Transition(
            "return_unscreened", [L.PROPOSED], L.REGISTERED, "退回处置意见", permission="confirm", reason_required=True
        ),
        # 统一移送 (clues.services.transfers): sent in a batch, closed by the receiver's final result.
        Transition("transfer", [L.CONFIRMED], L.TRANSFERRED, "移交", permission="transfer"),
        Transition("receiver_close", [L.TRANSFERRED], L.CLOSED, "反馈办结", permission="receiver_result"),
        Transition("receiver_reopen", [L.CLOSED], L.TRANSFERRED, "反馈继续办理", permission="receiver_result"),
    ],
)
SC = ScopeStatus
SCOPE_FLOW = Workflow(
    "clues.lead",
    [
        Transition("in_scope", SC.values, SC.IN_SCOPE, "甄别为属巡察受理范围", permission="triage"),
        Transition("out_of_scope", SC.values, SC.OUT_OF_SCOPE, "甄别为不属巡察受理范围", permission="triage"),
    ],
    field="scope",
)

SUMMARY_LENGTH = 40


def _today():
    return timezone.localdate()


# --- who may do what: xuncha.access (rules/clues.py) ------------------------------------------------------


def _recorder_refusal(team: Team) -> str:
    return f"只有{team.name}成员或巡察办可以登记、处理本组的问题线索"


def team_users(team_id: int):
    """The login accounts of a team's members (those who have one)."""
    return get_user_model().objects.filter(cadre__memberships__team_id=team_id, is_active=True).distinct()


# --- recording -----------------------------------------------------------------------------------------


def summary_of(content: str) -> str:
    flat = re.sub(r"\s+", " ", content).strip()
    if len(flat) <= SUMMARY_LENGTH:
        return flat
    # Cut at the last sentence end inside the limit when there is one, else mark the cut.
    head = flat[:SUMMARY_LENGTH]
    stop = max(head.rfind(p) for p in "。！？；")
    return head[: stop + 1] if stop >= SUMMARY_LENGTH // 2 else head[: SUMMARY_LENGTH - 1] + "…"


def _clean_lead_data(data: Mapping[str, Any]) -> dict:
    values = {name: data[name] for name in LEAD_FIELDS if name in data}
    for name in ("partner_department", "subject_name", "subject_post", "subject_rank", "summary", "content"):
        if name in values:
            values[name] = (values[name] or "").strip()
    for name in ("subject_is_principal", "subject_is_leadership"):
        if name in values:
            values[name] = bool(values[name])
    return values


def _validate_lead(lead: Lead) -> None:
    reasons = []
    if lead.channel not in Channel.values:
        reasons.append("请选择来源渠道")
    if lead.channel == Channel.HANDOVER:
        if not lead.partner_department:
            reasons.append("部门移送的线索须选择移送部门（纪委监委、组织部、信访局、审计局、检察院、公安局）")
    else:
        lead.partner_department = ""
    if not lead.received_on:
        reasons.append("请填写收到日期")
    elif lead.received_on > _today():
        reasons.append("收到日期不能晚于今天")
    if not lead.content:
        reasons.append("请填写反映内容")
    if not lead.summary and lead.content:
        lead.summary = summary_of(lead.content)
    if reasons:
        raise DomainError("线索未保存", reasons=reasons)


def lead_date_warning(lead: Lead) -> str:
    """A warning when the lead was received before its round's term began ("" if not): a typo in the
    year, usually, or a lead of an earlier term filed here."""
    term = lead.round.term if lead.round_id else None
    if term is None or not lead.received_on or lead.received_on >= term.start_date:
        return ""
    return (
        f"收到日期（{lead.received_on:%Y-%m-%d}）早于{term}的开始日期（{term.start_date:%Y-%m-%d}）；"
        "请核对日期，确属本届以前收到的，请填写日期说明"
    )


def _check_lead_date(lead: Lead, date_note: str) -> str:
    """Refuse a lead dated before its term unless `date_note` says why; returns the history's reason."""
    date_note = (date_note or "").strip()
    if len(date_note) > 200:
        raise DomainError("日期说明不能超过200字")
    warning = lead_date_warning(lead)
    if not warning:
        return ""
    if not date_note:
        raise DomainError(warning)
    return f"日期说明：{date_note}"[:100]


def check_lead_files(files: Iterable, *, public: bool = False) -> list[tuple[Any, str]]:
    """Every file is checked before any is stored: one refused file refuses the whole save."""
    checked, reasons = [], []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload, public=public)))
        except DomainError as exc:
            reasons.append(exc.message)
    if reasons:
        raise DomainError("附件未通过检查，未保存", reasons=reasons)
    return checked


def _store_attachments(lead: Lead, checked: list[tuple[Any, str]], by) -> list[LeadAttachment]:
    rows = []
    for upload, digest in checked:
        attachment = LeadAttachment(
            lead=lead,
            name=Path(upload.name or "").name[:200],
            size=upload.size,
            sha256=digest,
            sm3=sm3_of_upload(upload),
            uploaded_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        )
        attachment.file.save(Path(upload.name or "file").name, upload, save=False)
        attachment.save()
        rows.append(attachment)
    return rows


def _next_serial(team_id: int) -> int:
    last = Lead.objects.filter(team_id=team_id).aggregate(n=Max("serial"))["n"]
    return (last or 0) + 1


def save_new_lead(lead: Lead, checked, by) -> Lead:
    """Number the lead next in its team and store it with its attachments, in one transaction."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                # Locks the team row on databases that can: two recorders never take one number.
                Team.objects.select_for_update().filter(pk=lead.team_id).first()
                lead.serial = _next_serial(lead.team_id)
                as_history_user(lead, by)
                lead.save()
                _store_attachments(lead, checked, by)
            return lead
        except IntegrityError:
            lead.pk = None
            if attempt == 2:
                raise DomainError("登记号冲突，请重新提交") from None
    raise AssertionError("unreachable")


def lead_record(
    *,
    assignment: Assignment,
    data: Mapping[str, Any],
    identity: Mapping[str, str] | None = None,
    attachments: Iterable = (),
    by,
    date_note: str = "",
) -> Lead:
    """Record a petition or lead on an assignment (部门移送 included: the partner department's 情况通报).
    A lead may be recorded later for its past date; one received before the term began needs `date_note`
    (kept as the reason in its history).

    `data` holds LEAD_FIELDS; `identity` the reporter's name, phone, ID number and work unit (all optional:
    an anonymous report has none). The reporter counts as named when a name is given."""
    access.check(by, "record_lead", assignment, message=_recorder_refusal(assignment.team))
    if assignment.round.status == RoundStatus.DONE:
        raise DomainError(f"{assignment.round}已完成，不能再登记问题线索")
    lead = Lead(
        assignment=assignment,
        round_id=assignment.round_id,
        unit_id=assignment.unit_id,
        team_id=assignment.team_id,
        recorded_by=by,
        **_clean_lead_data(data),
    )
    set_identity(lead, identity or {})
    _validate_lead(lead)
    why = _check_lead_date(lead, date_note)
    checked = check_lead_files(attachments)
    if why:
        lead._change_reason = why
    return save_new_lead(lead, checked, by)


def set_identity(lead: Lead, identity: Mapping[str, str], *, keep_blank: bool = False) -> None:
    """Write the identity fields; with keep_blank, an empty value leaves the stored one (write-only form)."""
    for name in IDENTITY_FIELDS:
        value = (identity.get(name) or "").strip()
        if value or not keep_blank:
            setattr(lead, name, value)
    lead.reporter_named = bool(lead.reporter_name)


def lead_update(
    *,
    lead: Lead,
    data: Mapping[str, Any],
    attachments: Iterable = (),
    by,
    date_note: str = "",
) -> Lead:
    """Correct a lead still being registered or triaged. The reporter's identity is not changed here (see
    `lead_change_identity`). The words of a public report are the citizen's and stay."""
    access.check(by, "change", lead, message=_recorder_refusal(lead.team))
    with transaction.atomic():
        current = Lead.objects.select_for_update(of=("self",)).select_related("team__round").get(pk=lead.pk)
        carry_version(lead, current)
        if current.status not in EDITABLE_STATUSES:
            raise DomainError(f"线索已{current.get_status_display()}，不能再修改")
        if undecryptable_fields(current):
            raise UndecryptableError()
        values = _clean_lead_data(data)
        if current.is_public_report:
            if "content" in values and values["content"] != current.content:
                raise DomainError("网上举报的原文不能修改")
            values.pop("channel", None)  # always 网络/邮箱
        for name, value in values.items():
            setattr(current, name, value)
        _validate_lead(current)
        why = _check_lead_date(current, date_note)
        checked = check_lead_files(attachments)
        as_history_user(current, by)
        if why:
            current._change_reason = why
        current.save()
        _store_attachments(current, checked, by)
    return current


# --- scope triage and hand-over ------------------------------------------------------------------------


def lead_triage(
    *,
    lead: Lead,
    scope: str,
    category: str | None = None,
    handed_to: Unit | None = None,
    explanation: str = "",
    by,
) -> Lead:
    """Mark a petition in scope (the team handles it) or out of scope, handed to the competent department
    (归口管理) with the explanation given to the petitioner (答复). Both are required for out of scope.

    The department's staff are granted the lead and told; a change of mind takes the grant back."""
    access.check(by, "change", lead, message=_recorder_refusal(lead.team))
    explanation = (explanation or "").strip()
    with transaction.atomic():
        current = Lead.objects.select_for_update(of=("self",)).select_related("team__round", "unit").get(pk=lead.pk)
        if current.status not in TRIAGE_STATUSES:
            raise DomainError(f"线索已{current.get_status_display()}，不能再甄别受理范围")
        if current.status == LeadStatus.HANDED_OVER and current.handling_outcome:
            raise DomainError("归口部门已反馈办理结果，不能再改变受理范围")
        previous_department = current.handed_to_id
        previous_explanation = current.explanation
        if scope == ScopeStatus.IN_SCOPE:
            changes = {"out_of_scope_category": "", "handed_to": None, "explanation": ""}
            if current.is_public_report and current.public_reply == previous_explanation:
                changes["public_reply"] = ""
            scope_action, status_action = "in_scope", "triage"
        elif scope == ScopeStatus.OUT_OF_SCOPE:
            reasons = []
            if category not in OutOfScope.values:
                reasons.append("请选择不属受理范围的类别（个人诉求、征地拆迁、涉法涉诉或其他）")
            if handed_to is None:
                reasons.append("请选择归口办理的部门")
            elif handed_to.pk == current.unit_id:
                # An inspected unit never sees a lead about itself.
                reasons.append(f"{handed_to.name}是被巡察单位，不能由其办理反映本单位的信访件")
            elif not handed_to.is_active:
                reasons.append(f"{handed_to.name}已停用，请选择其他部门")
            if not explanation:
                reasons.append("请填写向反映人所作的解释（答复）")
            if reasons:
                raise DomainError(
                    "不属巡察受理范围的信访件须移交归口部门办理，并向反映人做好解释", reasons=reasons
                )
            changes = {"out_of_scope_category": category, "handed_to": handed_to, "explanation": explanation}
            # The explanation is meant for the petitioner: an online reporter reads it with his code.
            if current.is_public_report and (
                not current.public_reply or current.public_reply == previous_explanation
            ):
                changes["public_reply"] = explanation
            scope_action, status_action = "out_of_scope", "hand_over"
        else:
            raise DomainError("请选择是否属于巡察受理范围")
        transition(current, scope_action, field="scope", by=by, changes=changes)
        transition(current, status_action, by=by)
        sync_lead(current)
        if current.handed_to_id and current.handed_to_id != previous_department:
            notify(
                recipients=current.handed_to.staff.filter(is_active=True),
                title=f"巡察组转来信访件：{current.number}",
                body=(
                    f"{current.team.name}在巡察{current.unit.name}期间收到一件不属巡察受理范围的信访件"
                    f"（{current.get_out_of_scope_category_display()}），按归口管理原则转{current.handed_to.name}办理，"
                    "请办理后在系统中反馈办理结果。"
                ),
                link=reverse("clues:handover_detail", args=[current.pk]),
                dedupe_key=f"lead-handover:{current.pk}:{current.handed_to_id}",
            )
    return current


def handover_record_outcome(*, lead: Lead, outcome: str, by) -> Lead:
    """The competent department reports how it dealt with a petition handed to it; the petition is closed."""
    outcome = (outcome or "").strip()
    with transaction.atomic():
        current = (
            Lead.objects.select_for_update(of=("self",))
            .select_related("team__round", "unit", "handed_to")
            .get(pk=lead.pk)
        )
        access.check(by, "record_outcome", current, message="只有承办部门的经办人或巡察办可以反馈办理结果")
        if current.status != LeadStatus.HANDED_OVER:
            raise DomainError(f"该件当前状态为“{current.get_status_display()}”，不能反馈办理结果")
        if not outcome:
            raise DomainError("请填写办理结果")
        transition(current, "record_outcome", by=by, changes={"handling_outcome": outcome})
        notify(
            recipients=team_users(current.team_id),
            title=f"{current.handed_to.name}已反馈办理结果：{current.number}",
            body="归口办理的信访件已办结，请查看办理结果。"
            + ("该件为网上举报，请审定向举报人公开的办理结果，举报人凭查询码可见。" if current.is_public_report else ""),
            link=reverse("clues:lead_detail", args=[current.pk]),
            dedupe_key=f"lead-outcome:{current.pk}",
        )
    return current


# --- the reporter's identity ------------------------------------------------------------------------------


def _identity_of(lead: Lead) -> dict:
    if undecryptable_fields(lead):
        raise UndecryptableError()
    return {
        "name": lead.reporter_name,
        "phone": lead.reporter_phone,
        "id_number": lead.reporter_id_number,
        "work_unit": lead.reporter_work_unit,
    }


def lead_reveal_identity(*, lead: Lead, reason: str, by, request=None) -> dict:
    """The reporter's identity, for the office or the team's 组长, with a reason; every reveal is logged
    (the lead's reveal log and the security audit log)."""
    access.check(by, "reveal", lead, message=IDENTITY_REFUSAL)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写查看举报人信息的事由")
    identity = _identity_of(lead)
    if not any(identity.values()):
        raise DomainError("该件为匿名反映，没有登记举报人信息")
    RevealLog.objects.create(lead=lead, user=by, reason=reason[:200])
    record(EventKind.IDENTITY_REVEAL, request=request, actor=by, target=lead.number, detail=f"事由：{reason[:200]}")
    return {"named": lead.reporter_named, **identity}


IDENTITY_LABELS = {
    "reporter_name": "姓名",
    "reporter_phone": "联系电话",
    "reporter_id_number": "身份证号",
    "reporter_work_unit": "工作单位",
}


def lead_change_identity(
    *, lead: Lead, identity: Mapping[str, str], clear: Iterable[str] = (), reason: str, by, request=None
) -> Lead:
    """Correct the reporter's identity: only those who may reveal it (the office, the team's 组长), with a
    reason. A blank value keeps what is stored; the fields named in `clear` are emptied. The change is kept
    in the lead's reveal log and the security audit log (which fields, never their values)."""
    access.check(by, "reveal", lead, message="举报人身份信息只有本组组长和巡察办可以修改")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写修改举报人信息的事由")
    clear = set(clear) & set(IDENTITY_FIELDS)
    with transaction.atomic():
        current = Lead.objects.select_for_update(of=("self",)).select_related("team__round").get(pk=lead.pk)
        if undecryptable_fields(current):
            raise UndecryptableError()
        changed = []
        for name in IDENTITY_FIELDS:
            value = "" if name in clear else (identity.get(name) or "").strip()
            if (value or name in clear) and value != getattr(current, name):
                setattr(current, name, value)
                changed.append(name)
        if not changed:
            raise DomainError("没有需要修改的举报人信息")
        current.reporter_named = bool(current.reporter_name)
        as_history_user(current, by)
        current.save(update_fields=[*changed, "reporter_named"])
        labels = "、".join(IDENTITY_LABELS[name] for name in changed)
        RevealLog.objects.create(lead=current, user=by, action=RevealAction.CHANGE, reason=reason, changed=labels)
        record(
            EventKind.IDENTITY_CHANGE,
            request=request,
            actor=by,
            target=current.number,
            detail=f"修改：{labels}；事由：{reason}",
        )
    return current
