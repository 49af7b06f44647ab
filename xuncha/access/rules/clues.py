"""Leads, findings and transfers.

Leads are confidential: the office sees all; a team member sees his team's; a competent department
sees the out-of-scope petitions handed to it (guardian grants written by `grants.sync_lead`); a
receiver sees the leads in batches sent to it. The leadership reads the ledger and the figures, not
the leads. An inspected unit never sees a lead (nothing grants it one). Findings: the office, the
leadership and the team.

Who acts on what:
- a team's members (any role) and the office record, correct and triage the team's leads and write
  its findings (`change`, on a lead or a finding; `record_lead` / `write_finding` on an assignment);
- the office and the team's 组长 see who reported a lead and answer an online reporter (`reveal`);
- the 组长 proposes a disposition (`propose`), the office confirms or returns it (`confirm`);
- the staff of the department a petition was handed to record its outcome (`record_outcome`, the
  office too);
- the review chain of a finding: the writer's team submits (`submit`), the 副组长 reviews
  (`review_deputy`), the 组长 approves (`review_leader`), the office approves last (`review_office`)
  and reopens (`reopen`); no one reviews a finding he wrote himself;
- the office sends and deletes batches (`send`, `delete`); the receiver's staff acknowledge them and
  report results (`acknowledge`, `report_result`).
"""

from django.db.models import Q

from ..grants import granted, granted_ids
from ..registry import model, page, rule, scope
from ..roles import Role, has_role, is_office, sees_all_rounds
from .common import per_request, team_ids_of, team_role_of

TEAM, DEPARTMENT, JIWEI, ZUZHIBU = Role.TEAM, Role.DEPARTMENT, Role.JIWEI, Role.ZUZHIBU
LEADER, DEPUTY = "leader", "deputy"  # teams.MemberRole, read by value: this package imports no app


def _staffed_unit_ids(user):
    """The departments whose staff account this user is (a subquery)."""
    return model("rounds.Unit").objects.filter(staff=user).values("pk")


def _is_staff_of(user, unit_id) -> bool:
    """Whether the user is a staff account of that department (read afresh: staff change any time)."""
    if not unit_id or not getattr(user, "is_authenticated", False):
        return False
    return model("rounds.Unit").objects.filter(pk=unit_id, staff=user).exists()


def _is_department_staff(user) -> bool:
    return getattr(user, "is_authenticated", False) and model("rounds.Unit").objects.filter(staff=user).exists()


def _on_team(user, team_id) -> bool:
    return team_role_of(user, team_id) is not None


def led_team_ids(user) -> list[int]:
    """The teams this user leads (组长): the disposition queue shows his 提出处置意见 buttons."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        model("teams.TeamMember").objects.filter(cadre__user=user, role=LEADER).values_list("team_id", flat=True)
    )


# --- scopes -----------------------------------------------------------------------------------------------


@scope("clues.transferbatch")
def batches(user, qs):
    if is_office(user):
        return qs
    return granted(user, "clues.view_transferbatch", qs)


@scope("clues.lead")
def leads(user, qs):
    if is_office(user):
        return qs
    return qs.filter(per_request(user, "clues.lead", lambda: _lead_filter(user)))


def _lead_filter(user) -> Q:
    """His teams' leads, the petitions handed to his department, the leads of batches sent to it."""
    Lead = model("clues.Lead")
    handed = granted_ids(user, "clues.view_lead", Lead)
    sent = granted_ids(user, "clues.view_transferbatch", model("clues.TransferBatch"))
    transferred = Lead.objects.filter(transfer__batch_id__in=sent).values("pk")
    return Q(team_id__in=team_ids_of(user)) | Q(pk__in=handed) | Q(pk__in=transferred)


@scope("clues.lead", "handover")
def handed_leads(user, qs):
    """The petitions on the 归口办理 pages: every handed one for the office, else those handed to the
    user's departments."""
    qs = qs.filter(handed_to__isnull=False)
    if is_office(user):
        return qs
    return qs.filter(handed_to__in=_staffed_unit_ids(user))


@scope("clues.lead", "dispose")
def disposable_leads(user, qs):
    """The leads of the disposition queue: every team's for the office, else the user's teams'."""
    if is_office(user):
        return qs
    return qs.filter(team_id__in=team_ids_of(user))


@scope("clues.finding")
def findings(user, qs):
    if sees_all_rounds(user):
        return qs
    return qs.filter(team_id__in=team_ids_of(user))


@scope("clues.transferoutcome")
def transfer_outcomes(user, qs):
    """An archival round's transfer figures (counts, no lead): seen like the round's findings."""
    if sees_all_rounds(user):
        return qs
    return qs.filter(team_id__in=team_ids_of(user))


# --- pages ------------------------------------------------------------------------------------------------


@page("clues.leads")
def use_leads(user) -> bool:
    """The lead ledger is the office's and the teams'; to anyone else (an inspected unit, the
    leadership) it does not exist."""
    return is_office(user) or has_role(user, TEAM) or team_ids_of(user).exists()


@page("clues.handover")
def use_handover(user) -> bool:
    """归口办理: the office and the departments petitions are handed to."""
    return is_office(user) or has_role(user, DEPARTMENT, JIWEI, ZUZHIBU) or _is_department_staff(user)


@page("clues.ledger")
def use_ledger(user) -> bool:
    """The issue ledger: the office, the leadership and the teams."""
    return sees_all_rounds(user) or team_ids_of(user).exists()


@page("clues.bulk_review")
def bulk_review(user) -> bool:
    """The ledger's 批量审核 bar: the office and anyone who reviews a team's findings (组长, 副组长).
    Each row is still decided by the per-finding rules (review_deputy, review_leader, review_office)."""
    if is_office(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return model("teams.TeamMember").objects.filter(cadre__user=user, role__in=(LEADER, DEPUTY)).exists()


@page("clues.disposition_queue")
def use_disposition_queue(user) -> bool:
    """The office; and a team's members, who follow their team's leads (only the 组长 proposes)."""
    return is_office(user) or has_role(user, TEAM) or team_ids_of(user).exists()


@page("clues.transfers")
def use_transfers(user) -> bool:
    """The office, and the departments that receive leads (by role, or as a unit's staff account)."""
    return is_office(user) or has_role(user, JIWEI, ZUZHIBU, DEPARTMENT) or _is_department_staff(user)


# --- leads ------------------------------------------------------------------------------------------------


@rule("rounds.assignment", "record_lead", "write_finding")
def work_on_assignment(user, assignment) -> bool:
    """The members of the assigned team (any role) and the office record leads and write findings."""
    return is_office(user) or _on_team(user, assignment.team_id)


@rule("clues.lead", "change", "triage", "team_view")
def work_on_lead(user, lead) -> bool:
    """The team's own view of a lead (triage, duplicates, history) and its corrections: its members
    and the office."""
    return is_office(user) or _on_team(user, lead.team_id)


@rule("clues.lead", "reveal", "reply")
def reveal(user, lead) -> bool:
    """Only the office and the 组长 of the lead's team may see who reported it, and answer him."""
    return is_office(user) or team_role_of(user, lead.team_id) == LEADER


@rule("clues.lead", "handle")
def handle(user, lead) -> bool:
    """The lead was handed to one of the user's departments (he reaches it from 归口办理)."""
    return _is_staff_of(user, lead.handed_to_id)


@rule("clues.lead", "record_outcome")
def record_outcome(user, lead) -> bool:
    if not lead.handed_to_id:
        return False
    return is_office(user) or _is_staff_of(user, lead.handed_to_id)


@rule("clues.lead", "propose")
def propose(user, lead) -> bool:
    """The 组长 of the lead's team proposes its disposition."""
    return team_role_of(user, lead.team_id) == LEADER


@rule("clues.lead", "confirm")
def confirm(user, lead) -> bool:
    """The office confirms (or returns) a proposed disposition."""
    return is_office(user)


# --- findings and their review chain ----------------------------------------------------------------------


@rule("clues.finding", "change", "submit")
def write_finding(user, finding) -> bool:
    """The members of the team (any role) and the office write a team's findings and submit them."""
    return is_office(user) or _on_team(user, finding.team_id)


def _not_author(user, finding) -> bool:
    """No one reviews his own work: the writer of a finding acts at no step of its review."""
    return not (finding.written_by_id and finding.written_by_id == user.pk)


@rule("clues.finding", "review_deputy")
def review_deputy(user, finding) -> bool:
    """The 副组长 reviews (a team without one skips the step: clues.services.findings)."""
    return team_role_of(user, finding.team_id) == DEPUTY and _not_author(user, finding)


@rule("clues.finding", "review_leader")
def review_leader(user, finding) -> bool:
    return team_role_of(user, finding.team_id) == LEADER and _not_author(user, finding)


@rule("clues.finding", "review_office")
def review_office(user, finding) -> bool:
    return is_office(user) and _not_author(user, finding)


@rule("clues.finding", "reopen")
def reopen_finding(user, finding) -> bool:
    return is_office(user)


# --- transfers --------------------------------------------------------------------------------------------


@rule("clues.transferbatch", "send", "delete")
def send_batch(user, batch) -> bool:
    return is_office(user)


@rule("clues.transferbatch", "acknowledge", "report_result")
def receive_batch(user, batch) -> bool:
    """The receiving department's staff acknowledge a batch and report what became of each lead."""
    return _is_staff_of(user, batch.receiver_id)


@scope("clues.transferitem")
def transfer_items(user, qs):
    """The leads of the batches the user may see."""
    return qs.filter(batch__in=batches(user, model("clues.TransferBatch").objects.all()))


@rule("clues.lead", "transfer")
def transfer_lead(user, lead) -> bool:
    """The office sends a confirmed lead in a transfer batch."""
    return is_office(user)


@rule("clues.lead", "receiver_result")
def receiver_result(user, lead) -> bool:
    """The staff of the department a lead was transferred to report what became of it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return model("clues.TransferItem").objects.filter(lead_id=lead.pk, batch__receiver__staff=user).exists()
