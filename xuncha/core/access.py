"""What may this user see? The one module that answers it (NetBox's `restrict()` in spirit).

The office and the leadership see every round, team, assignment and unit. A team member sees his
own teams and their rounds, and the assignments granted to him (django-guardian rows written by `sync_assignment_grants`, called by the
services that change a team or an assignment), and the units and teams behind them. A unit's users
(principal, liaison) see only their own unit (`sync_unit_grants`). Selectors start from these
querysets; detail views fetch through them, so an object the user may not see answers 404.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from xuncha.accounts.roles import is_office, sees_all_rounds


def _permission(model, codename: str) -> Permission:
    ct = ContentType.objects.get_for_model(model)
    return Permission.objects.get(content_type=ct, codename=codename)


# --- querysets of what a user may see -------------------------------------------------------------


def assignments_for(user) -> QuerySet:
    from rounds.models import Assignment

    if not user.is_authenticated:
        return Assignment.objects.none()
    if sees_all_rounds(user):
        return Assignment.objects.all()
    return Assignment.objects.filter(
        assignmentuserobjectpermission__user=user,
        assignmentuserobjectpermission__permission__codename="view_assignment",
    )


def rounds_for(user) -> QuerySet:
    from rounds.models import Round

    if not user.is_authenticated:
        return Round.objects.none()
    if sees_all_rounds(user):
        return Round.objects.all()
    served = Round.objects.filter(teams__members__cadre__user=user).values("pk")
    return Round.objects.filter(pk__in=assignments_for(user).values("round_id")) | Round.objects.filter(
        pk__in=served
    )


def teams_for(user) -> QuerySet:
    from teams.models import Team

    if not user.is_authenticated:
        return Team.objects.none()
    if sees_all_rounds(user):
        return Team.objects.all()
    # His own team, from the day he joins it (before it has any unit).
    return Team.objects.filter(pk__in=Team.objects.filter(members__cadre__user=user).values("pk"))


def units_for(user) -> QuerySet:
    from rounds.models import Unit

    if not user.is_authenticated:
        return Unit.objects.none()
    if sees_all_rounds(user):
        return Unit.objects.all()
    own = Unit.objects.filter(
        unituserobjectpermission__user=user, unituserobjectpermission__permission__codename="view_unit"
    ).values("pk")
    inspected = assignments_for(user).values("unit_id")
    return Unit.objects.filter(pk__in=own) | Unit.objects.filter(pk__in=inspected)


def own_units(user) -> QuerySet:
    """The units whose principal or liaison this user is (the unit's own users)."""
    from rounds.models import Unit

    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(
        unituserobjectpermission__user=user, unituserobjectpermission__permission__codename="view_unit"
    )


# --- grants, written only by services ------------------------------------------------------------


def _sync(perm_model, obj, perm: Permission, wanted_user_ids: set[int]) -> None:
    existing = set(
        perm_model.objects.filter(content_object=obj, permission=perm).values_list("user_id", flat=True)
    )
    missing = wanted_user_ids - existing
    extra = existing - wanted_user_ids
    if extra:
        perm_model.objects.filter(content_object=obj, permission=perm, user_id__in=extra).delete()
    perm_model.objects.bulk_create(
        [perm_model(content_object=obj, permission=perm, user_id=uid) for uid in missing]
    )


def sync_assignment_grants(assignment) -> None:
    """The members of the assigned team (those with a login) may view the assignment; nobody else."""
    from rounds.models import Assignment, AssignmentUserObjectPermission
    from teams.models import TeamMember

    wanted = set(
        TeamMember.objects.filter(team_id=assignment.team_id, cadre__user__isnull=False).values_list(
            "cadre__user_id", flat=True
        )
    )
    _sync(AssignmentUserObjectPermission, assignment, _permission(Assignment, "view_assignment"), wanted)


def sync_team_grants(team) -> None:
    for assignment in team.assignments.all():
        sync_assignment_grants(assignment)


def sync_unit_grants(unit) -> None:
    """The unit's principal and liaison accounts may view the unit."""
    from rounds.models import Unit, UnitUserObjectPermission

    wanted = {uid for uid in (unit.principal_user_id, unit.liaison_user_id) if uid}
    _sync(UnitUserObjectPermission, unit, _permission(Unit, "view_unit"), wanted)


# --- leads, findings and transfers (clues) ---------------------------------------------------------
# Leads are confidential: the office sees all; a team member sees his team's; a competent department
# sees the out-of-scope petitions handed to it (guardian grants written by the hand-over service); a
# receiver sees the leads in batches sent to it. The leadership reads the ledger and the figures, not
# the leads. An inspected unit never sees a lead (nothing grants it one).


def leads_for(user) -> QuerySet:
    from clues.models import Lead

    if not user.is_authenticated:
        return Lead.objects.none()
    if is_office(user):
        return Lead.objects.all()
    team_ids = team_ids_of(user)
    granted = Lead.objects.filter(
        leaduserobjectpermission__user=user, leaduserobjectpermission__permission__codename="view_lead"
    ).values("pk")
    transferred = Lead.objects.filter(transfer__batch__in=batches_for(user)).values("pk")
    return Lead.objects.filter(team_id__in=team_ids) | Lead.objects.filter(pk__in=granted) | Lead.objects.filter(
        pk__in=transferred
    )


def findings_for(user) -> QuerySet:
    from clues.models import Finding

    if not user.is_authenticated:
        return Finding.objects.none()
    if sees_all_rounds(user):
        return Finding.objects.all()
    return Finding.objects.filter(team_id__in=team_ids_of(user))


def batches_for(user) -> QuerySet:
    from clues.models import TransferBatch

    if not user.is_authenticated:
        return TransferBatch.objects.none()
    if is_office(user):
        return TransferBatch.objects.all()
    return TransferBatch.objects.filter(
        transferbatchuserobjectpermission__user=user,
        transferbatchuserobjectpermission__permission__codename="view_transferbatch",
    )


def team_ids_of(user):
    """The teams this user serves on (a subquery)."""
    from teams.models import TeamMember

    return TeamMember.objects.filter(cadre__user=user).values("team_id")


def team_role_of(user, team_id) -> str | None:
    """'leader', 'deputy' or 'member' if the user serves on that team, else None."""
    from teams.models import TeamMember

    if not user.is_authenticated:
        return None
    return TeamMember.objects.filter(team_id=team_id, cadre__user=user).values_list("role", flat=True).first()


def sync_lead_grants(lead) -> None:
    """The staff of the department an out-of-scope petition was handed to may view it."""
    from clues.models import Lead, LeadUserObjectPermission

    wanted = set(lead.handed_to.staff.values_list("pk", flat=True)) if lead.handed_to_id else set()
    _sync(LeadUserObjectPermission, lead, _permission(Lead, "view_lead"), wanted)


def sync_batch_grants(batch) -> None:
    """The staff of the receiving department may view a batch once it is sent."""
    from clues.models import TransferBatch, TransferBatchUserObjectPermission

    wanted = set(batch.receiver.staff.values_list("pk", flat=True)) if batch.sent_at else set()
    _sync(TransferBatchUserObjectPermission, batch, _permission(TransferBatch, "view_transferbatch"), wanted)


# --- feedback and rectification ------------------------------------------------------------------
# The office and the leadership see every rectification; a team member sees those of his team's
# assignments (and the team's internal report). Once the feedback meeting is held, the unit's own users
# see their unit's rectification — the fed-back problems, never the findings or the team's report — and
# the discipline commission and the organization department see every one (日常监督).


def rectifications_for(user) -> QuerySet:
    from rectification.models import Rectification
    from xuncha.accounts.roles import Role, has_role

    if not user.is_authenticated:
        return Rectification.objects.none()
    if sees_all_rounds(user):
        return Rectification.objects.all()
    fed_back = Rectification.objects.filter(meeting_date__isnull=False)
    if has_role(user, Role.JIWEI, Role.ZUZHIBU):
        return fed_back
    return Rectification.objects.filter(team_id__in=team_ids_of(user)) | fed_back.filter(
        unit_id__in=own_units(user).values("pk")
    )


def rect_role(user, rect) -> str | None:
    """How this user stands to one rectification: 'office', 'leader', 'team', 'principal', 'unit',
    'supervisor' (纪委监委 / 组织部), or None. Views decide what each may do from this one answer."""
    from xuncha.accounts.roles import Role, has_role

    if not user.is_authenticated:
        return None
    if is_office(user):
        return "office"
    if sees_all_rounds(user):
        return "leader"
    if rect.fed_back and rect.unit.principal_user_id == user.pk:
        return "principal"
    if rect.fed_back and own_units(user).filter(pk=rect.unit_id).exists():
        return "unit"
    if team_role_of(user, rect.team_id):
        return "team"
    if rect.fed_back and has_role(user, Role.JIWEI, Role.ZUZHIBU):
        return "supervisor"
    return None


def sees_internal(user, rect) -> bool:
    """The team's report and findings: the office, the leadership and the team — never the unit."""
    return rect_role(user, rect) in ("office", "leader", "team")
