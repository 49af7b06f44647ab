"""Dispositions of leads (线索处置): the team leader (组长) proposes, the office (巡察办) confirms.

    已甄别 (in scope) / 已登记 (a partner department's hand-over) ──propose──▶ 已提出处置意见
    已提出处置意见 ──confirm──▶ 处置已确认 (了结: 已办结)      ──return (reason)──▶ back to the 组长

A disposition is one of 移交纪委监委, 移交组织部, 移交其他部门 (the office then sends the lead in a
transfer batch), 巡察组核实 (the team verifies it; it becomes or joins a finding), 暂存待查 or 了结.
The reason the 组长 gives is kept when the office confirms, also when the office chooses another
disposition. A return's reason is the history record's change reason ("退回：…"), so the 组长 sees it
on his queue and the lead's history keeps it.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xuncha import access
from xuncha.core.services import office_users
from xuncha.core.transitions import transition
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import Channel, Disposition, Lead, LeadStatus, ScopeStatus
from .intake import LEAD_FLOW  # noqa: F401  the leads' workflow (propose, confirm, return)

RETURN_PREFIX = "退回："

# Where a lead may be when its 组长 proposes (again, after a return).
PROPOSABLE_STATUSES = (LeadStatus.REGISTERED, LeadStatus.TRIAGED, LeadStatus.PROPOSED)


def is_partner_handover(lead: Lead) -> bool:
    return lead.channel == Channel.HANDOVER


def is_disposable(lead: Lead) -> bool:
    """A state check, not a person check: the lead is within the inspection's scope, or a partner
    department's hand-over not ruled out of scope. Who may propose is xuncha.access's `propose`."""
    if lead.scope == ScopeStatus.IN_SCOPE:
        return True
    return is_partner_handover(lead) and lead.scope == ScopeStatus.PENDING


def awaits_proposal(lead: Lead) -> bool:
    return is_disposable(lead) and lead.status in (LeadStatus.REGISTERED, LeadStatus.TRIAGED)


def _return_action(lead: Lead) -> str:
    """Back to where the lead was before the proposal: 已甄别 (in scope) or 已登记 (a hand-over)."""
    return "return" if lead.scope == ScopeStatus.IN_SCOPE else "return_unscreened"


def _locked(lead: Lead) -> Lead:
    return Lead.objects.select_for_update(of=("self",)).select_related("team__round", "unit").get(pk=lead.pk)


def disposition_propose(*, lead: Lead, disposition: str, reason: str, by) -> Lead:
    """The 组长 of the lead's team proposes how to dispose of it, with a reason."""
    reason = (reason or "").strip()
    access.check(by, "propose", lead, message=f"只有{lead.team.name}组长可以提出线索处置意见")
    if disposition not in Disposition.values:
        raise DomainError("请选择处置方式")
    if not reason:
        raise DomainError("请填写处置理由")
    with transaction.atomic():
        current = _locked(lead)
        if not is_disposable(current):
            raise DomainError("只有属于巡察受理范围的线索（或有关部门移送的线索）才能提出处置意见")
        if current.status not in PROPOSABLE_STATUSES:
            raise DomainError(f"线索当前状态为“{current.get_status_display()}”，不能再提出处置意见")
        transition(
            current,
            "propose",
            by=by,
            reason=f"提出处置意见：{Disposition(disposition).label}",
            changes={"proposed_disposition": disposition, "proposed_reason": reason, "proposed_by": by},
        )
        notify(
            recipients=[u for u in office_users() if u != by],
            title=f"线索处置意见待确认：{current.number}",
            body=f"{current.team.name}组长提出处置意见“{Disposition(disposition).label}”，理由：{reason}",
            link=reverse("clues:disposition_confirm", args=[current.pk]),
        )
    lead.refresh_from_db()
    return lead


def disposition_confirm(*, lead: Lead, by, disposition: str | None = None) -> Lead:
    """The office confirms the proposal, or another disposition (the 组长's reason is kept).

    了结 closes the lead; the others leave it confirmed: 移交 waits for a transfer batch, 核实 for the
    team's finding, 暂存待查 for later."""
    access.check(by, "confirm", lead, message="只有巡察办可以确认线索处置意见")
    with transaction.atomic():
        current = _locked(lead)
        if current.status != LeadStatus.PROPOSED:
            raise DomainError(f"线索当前状态为“{current.get_status_display()}”，没有待确认的处置意见")
        chosen = disposition or current.proposed_disposition
        if chosen not in Disposition.values:
            raise DomainError("请选择处置方式")
        changed = chosen != current.proposed_disposition
        label = Disposition(chosen).label
        transition(
            current,
            "confirm_close" if chosen == Disposition.CLOSE else "confirm",
            by=by,
            reason=(
                f"确认处置：{label}（原拟：{Disposition(current.proposed_disposition).label}）"
                if changed
                else f"确认处置：{label}"
            ),
            changes={"disposition": chosen, "confirmed_by": by, "confirmed_at": timezone.now()},
        )
        leader = current.proposed_by
        if leader is not None and leader != by:
            notify(
                recipients=[leader],
                title=f"线索处置已确认：{current.number}",
                body=(
                    f"巡察办将处置方式确定为“{label}”（原拟“{Disposition(current.proposed_disposition).label}”）。"
                    if changed
                    else f"巡察办已确认处置方式“{label}”。"
                ),
                link=reverse("clues:disposition_queue") + "?tab=confirmed",
            )
    lead.refresh_from_db()
    return lead


def disposition_return(*, lead: Lead, reason: str, by) -> Lead:
    """The office sends a proposal back to the 组长, saying why; he proposes again."""
    reason = (reason or "").strip()
    access.check(by, "confirm", lead, message="只有巡察办可以退回线索处置意见")
    if not reason:
        raise DomainError("请填写退回理由")
    with transaction.atomic():
        current = _locked(lead)
        if current.status != LeadStatus.PROPOSED:
            raise DomainError(f"线索当前状态为“{current.get_status_display()}”，没有待确认的处置意见")
        transition(current, _return_action(current), by=by, reason=f"{RETURN_PREFIX}{reason}")
        if current.proposed_by is not None:
            notify(
                recipients=[current.proposed_by],
                title=f"线索处置意见被退回：{current.number}",
                body=f"退回理由：{reason}",
                link=reverse("clues:disposition_propose", args=[current.pk]),
            )
    lead.refresh_from_db()
    return lead
