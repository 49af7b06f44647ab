"""Object grants (django-guardian rows), written only by services, read only by the rules.

Each grant is one guardian permission on one object for the users who hold it: a team's members on
its assignments, a unit's principal and liaison on their unit, a department's staff on the petitions
handed to it, a receiver's staff on the batches sent to it. `sync()` makes the holders exactly the
wanted set, through guardian's own API, so the direct-foreign-key tables
(`<Model>UserObjectPermission`) stay guardian's business; `granted()` reads them.
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from guardian.utils import get_user_obj_perms_model

from .registry import model


def granted(user, perm: str, qs: QuerySet) -> QuerySet:
    """The rows of `qs` on which the user holds `perm` ("rounds.view_unit") himself.

    The same rows as guardian's ``get_objects_for_user(user, perm, klass=qs, use_groups=False,
    with_superuser=False, accept_global_perms=False)`` (tests/test_access.py holds them equal), read
    as one semi-join on the model's direct-foreign-key permission table, which guardian names
    (`get_user_obj_perms_model`). Written by hand for speed: guardian's query also joins the grants
    back to every row of `qs` and casts each id (``content_object_id IN (SELECT id FROM clues_lead)``,
    ``::bigint``). Measured on the benchmark's L volume (20,000 leads), the first page of a team
    member's lead list: planning 0.48 → 0.30 ms, execution 0.17 → 0.15 ms (EXPLAIN ANALYZE, warm),
    and this scope is in every lead query of every page. A grant is always to a person on an object;
    the office's wider view is the rules' business."""
    return qs.filter(pk__in=granted_ids(user, perm, qs.model))


def granted_ids(user, perm: str, model) -> QuerySet:
    """The ids of the `model` rows on which the user holds `perm`, as a subquery (`pk__in=`)."""
    codename = perm.rpartition(".")[2]
    grants = get_user_obj_perms_model(model).objects.filter(user=user, permission__codename=codename)
    return grants.values("content_object_id")


def sync(obj, perm: str, wanted_user_ids: set[int]) -> None:
    """Make exactly `wanted_user_ids` hold `perm` (a codename, "view_unit") on `obj`."""
    holders = get_users_with_perms(
        obj, attach_perms=False, with_superusers=False, with_group_users=False, only_with_perms_in=[perm]
    )
    existing = set(holders.values_list("pk", flat=True))
    users = get_user_model().objects
    missing = wanted_user_ids - existing
    extra = existing - wanted_user_ids
    if missing:
        assign_perm(perm, users.filter(pk__in=missing), obj)
    for user in users.filter(pk__in=extra):
        remove_perm(perm, user, obj)


def team_user_ids(team_id) -> set[int]:
    """The accounts of a team's members (a cadre without a login has none)."""
    return set(
        model("teams.TeamMember")
        .objects.filter(team_id=team_id, cadre__user__isnull=False)
        .values_list("cadre__user_id", flat=True)
    )


def sync_assignment(assignment) -> None:
    """The members of the assigned team (those with a login) may view the assignment; nobody else."""
    sync(assignment, "view_assignment", team_user_ids(assignment.team_id))


def sync_team(team) -> None:
    for assignment in team.assignments.all():
        sync_assignment(assignment)


def sync_unit(unit) -> None:
    """The unit's principal and liaison accounts may view the unit."""
    sync(unit, "view_unit", {uid for uid in (unit.principal_user_id, unit.liaison_user_id) if uid})


def sync_lead(lead) -> None:
    """The staff of the department an out-of-scope petition was handed to may view it."""
    wanted = set(lead.handed_to.staff.values_list("pk", flat=True)) if lead.handed_to_id else set()
    sync(lead, "view_lead", wanted)


def sync_batch(batch) -> None:
    """The staff of the receiving department may view a batch once it is sent."""
    wanted = set(batch.receiver.staff.values_list("pk", flat=True)) if batch.sent_at else set()
    sync(batch, "view_transferbatch", wanted)


def sync_unit_staff(unit) -> None:
    """A department's receiving accounts changed: what was sent or handed to it follows the new staff."""
    batches = model("clues.TransferBatch").objects.filter(receiver=unit, sent_at__isnull=False)
    for batch in batches.select_related("receiver"):
        sync_batch(batch)
    for lead in model("clues.Lead").objects.filter(handed_to=unit).select_related("handed_to"):
        sync_lead(lead)
