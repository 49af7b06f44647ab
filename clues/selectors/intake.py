"""Reads of the intake pages, already limited to what the user may see (xuncha.access) and joined,
so a page costs the same few queries at 10 rows or 10,000.

Nothing here returns the reporter's identity: it is read only by `services.intake.lead_reveal_identity`.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from clues.forms.intake import HandoverFilter, LeadFilter
from clues.models import (
    Lead,
    LeadAttachment,
    LeadStatus,
    LeadUserObjectPermission,
    TransferBatch,
    TransferBatchUserObjectPermission,
    TransferItem,
)
from clues.selectors.queues import lead_queue_q
from rounds.models import Assignment, AssignmentUserObjectPermission, Round, RoundStatus, Term, Unit
from teams.models import Team, TeamMember
from xuncha import access
from xuncha.core import aggregates

# The columns a list may read: never the encrypted identity (deferred, so not even decrypted).
_IDENTITY = ("reporter_name", "reporter_phone", "reporter_id_number", "reporter_work_unit", "receipt_hash")


def _duplicate_of_outer() -> QuerySet:
    """Other leads about the same person (被反映人), in the same unit and round."""
    return (
        Lead.objects.filter(
            round_id=OuterRef("round_id"), unit_id=OuterRef("unit_id"), subject_name=OuterRef("subject_name")
        )
        .exclude(pk=OuterRef("pk"))
        .exclude(subject_name="")
    )


def with_duplicate_flag(qs: QuerySet) -> QuerySet:
    return qs.annotate(is_duplicate=Exists(_duplicate_of_outer()))


# What a lead list's rows and visibility read (the `clues.lead` scope of xuncha.access): its count is cached until one changes.
LEAD_LIST_TRACKED = (
    Lead, TeamMember, TransferItem, TransferBatch, LeadUserObjectPermission, TransferBatchUserObjectPermission,
)  # fmt: skip


def lead_list(user, **filters) -> QuerySet:
    """The leads this user may see, filtered as the lead list's filter bar says (`LeadFilter`: round,
    team, unit, channel, scope, status, q, duplicates)."""
    qs = with_duplicate_flag(
        access.visible(user, "clues.Lead")
        .select_related("team__round", "unit", "handed_to")  # what a row shows (its number: the team and round)
        .defer(*_IDENTITY, "content")
    )
    queue = filters.pop("queue", "")
    if queue:  # a to-do queue of the workbench, the same condition as its count, oldest first
        condition = lead_queue_q(user, queue)
        qs = qs.filter(condition) if condition is not None else qs.none()
        return LeadFilter.apply(qs, filters).order_by("received_on", "id")
    return LeadFilter.apply(qs, filters).order_by("-received_on", "-id")


def lead_get(user, pk: int) -> Lead:
    """The lead, or 404 when the user may not see it (another team's, or any lead for a unit's users)."""
    return get_object_or_404(
        with_duplicate_flag(
            access.visible(user, "clues.Lead").select_related(
                "assignment",
                "round__term",
                "team__round",
                "unit",
                "handed_to",
                "recorded_by",
                "proposed_by",
                "transfer__batch",
            )
        ),
        pk=pk,
    )


def lead_attachments(lead: Lead) -> list:
    return list(lead.attachments.select_related("uploaded_by").order_by("uploaded_at", "id"))


def attachment_get(user, pk: int):
    return get_object_or_404(
        LeadAttachment.objects.filter(lead__in=access.visible(user, "clues.Lead").values("pk")), pk=pk
    )


def possible_duplicates(lead: Lead, user=None) -> list[Lead]:
    """Other leads about the same person in the same unit and round (flagged 疑似重复 for the team)."""
    name = (lead.subject_name or "").strip()
    if not name:
        return []
    qs = access.visible(user, "clues.Lead") if user is not None else Lead.objects.all()
    return list(
        qs.filter(round_id=lead.round_id, unit_id=lead.unit_id, subject_name=name)
        .exclude(pk=lead.pk)
        .select_related("team__round")
        .defer(*_IDENTITY)
        .order_by("received_on", "id")
    )


def reveal_log(lead: Lead) -> list:
    return list(lead.reveals.select_related("user").order_by("-at", "-id"))


# --- recording --------------------------------------------------------------------------------------


def assignment_for_recording(user, pk: int) -> Assignment:
    """The assignment a lead is recorded on, or 404 when the user may not see it."""
    return access.get_visible(user, Assignment.objects.select_related("round__term", "team__round", "unit"), pk=pk)


@dataclass(frozen=True)
class Recordable:
    """An assignment a lead can be recorded on, as the lead list's 登记线索 menu shows it."""

    pk: int
    unit_name: str
    team_label: str  # 第五轮第一巡察组
    create_url: str


RECORDABLE_TRACKED = (Assignment, AssignmentUserObjectPermission, Round, Team, TeamMember, Term, Unit)


def recordable_assignments(user, *, limit: int = 40) -> list[Recordable]:
    """The assignments the user can record a lead on: his team's (the office: rounds not yet done).
    Kept in the cache until an assignment, round, team or unit changes: the menu is on every view of
    the lead list."""

    def compute() -> list[Recordable]:
        qs = access.visible(user, "rounds.Assignment").select_related("round__term", "team", "unit")
        if access.allows(user, "office"):
            qs = qs.exclude(round__status=RoundStatus.DONE)
        else:
            qs = qs.filter(team_id__in=access.team_ids_of(user))
        qs = qs.order_by("-round__term__start_date", "-round__number", "team__number", "unit__name")[:limit]
        return [
            Recordable(a.pk, a.unit.name, f"{a.round.short_name}{a.team.name}", reverse("clues:lead_create", args=[a.pk]))
            for a in qs
        ]

    return aggregates.cached(
        "recordable-assignments",
        (*aggregates.visibility_key(user), limit),
        tracked=RECORDABLE_TRACKED,
        today=timezone.localdate(),
        compute=compute,
    )


def handover_departments(*, exclude_unit_id: int | None = None) -> QuerySet:
    """Departments a petition can be handed to: active units, those with staff accounts first
    (only they can see the petition and report the outcome in the system)."""
    qs = Unit.objects.filter(is_active=True).annotate(staff_count=Count("staff"))
    if exclude_unit_id:
        qs = qs.exclude(pk=exclude_unit_id)
    return qs.order_by("-staff_count", "unit_type", "name")


# --- filters ---------------------------------------------------------------------------------------


def filter_rounds(user) -> QuerySet:
    return access.visible(user, "rounds.Round").select_related("term").order_by("-term__start_date", "-number")


def filter_teams(user) -> QuerySet:
    return (
        access.visible(user, "teams.Team")
        .select_related("round__term")
        .order_by("-round__term__start_date", "-round__number", "number")
    )


def filter_units(user) -> QuerySet:
    """Only units that have leads the user may see."""
    return Unit.objects.filter(pk__in=access.visible(user, "clues.Lead").values("unit_id")).order_by("unit_type", "name")


# --- the competent departments (归口办理) ----------------------------------------------------------------


def _handed(user) -> QuerySet:
    qs = access.restrict(user, access.visible(user, "clues.Lead"), "handover")
    return qs.select_related("round__term", "team__round", "unit", "handed_to")


def handover_list(user, **filters) -> QuerySet:
    """Petitions handed to the user's departments (the office: every handed petition), filtered as
    `HandoverFilter` says (status, q)."""
    qs = _handed(user).defer(*_IDENTITY, "content")
    if filters.get("status") == LeadStatus.HANDED_OVER:  # the to-do (待办理): oldest first
        return HandoverFilter.apply(qs, filters).order_by("received_on", "id")
    return HandoverFilter.apply(qs, filters).order_by("-received_on", "-id")


def handover_get(user, pk: int) -> Lead:
    """A petition handed to one of the user's departments, or 404. The identity is not even loaded."""
    return get_object_or_404(_handed(user).defer(*_IDENTITY), pk=pk)


def handover_open_count(user) -> int:
    return handover_list(user, status=LeadStatus.HANDED_OVER).count()

