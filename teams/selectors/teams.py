"""Reads for the team pages, already filtered to what the user may see and already joined, so a page
costs the same few queries whatever the number of rows."""

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404

from rounds.models import Round
from xuncha import access

from ..models import Cadre, MemberRole, Team, TeamMember

# 组长 first, then 副组长, then 组员.
ROLE_ORDER = Case(
    When(role=MemberRole.LEADER, then=Value(0)),
    When(role=MemberRole.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def team_round_get(*, user, pk: int):
    """The round a new team is formed in, or 404 when the user may not see it."""
    return access.get_visible(user, Round.objects.select_related("term"), pk=pk)


def team_get(*, user, pk: int) -> Team:
    """A team the user may see (office, leadership, or a member through the team's assignments); else 404."""
    return access.get_visible(user, Team.objects.select_related("round__term"), pk=pk)


def member_get(*, user, pk: int) -> TeamMember:
    return get_object_or_404(
        TeamMember.objects.filter(team__in=access.visible(user, "teams.Team")).select_related("team__round__term", "cadre"),
        pk=pk,
    )


def team_members(team: Team) -> QuerySet:
    return (
        team.members.select_related("cadre__home_unit")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "cadre__name", "pk")
    )


def team_assignments(team: Team) -> QuerySet:
    return team.assignments.select_related("unit").order_by("unit__name")


def cadres_to_add(team: Team) -> QuerySet:
    """Cadres the office can put on this team: available, and not yet on a team of this round."""
    return (
        Cadre.objects.filter(is_available=True)
        .exclude(memberships__round_id=team.round_id)
        .select_related("home_unit")
        .order_by("home_unit__name", "name")
    )


def team_history_rows(team: Team, *, limit: int = 80) -> list[dict]:
    """The change history of a team and of its members, removed members included, newest first.

    Two queries: the team's records and every member record of the team (a member's history outlives him).
    The rows have the shape `partials/history.html` expects."""
    team_records = list(team.history.select_related("history_user").order_by("-history_date", "-history_id"))
    member_records = list(
        TeamMember.history.filter(team_id=team.pk)
        .select_related("history_user", "cadre")
        .order_by("-history_date", "-history_id")
    )
    rows = _rows(team_records, Team, lambda r: team.name)
    by_member: dict[int, list] = {}
    for record in member_records:
        by_member.setdefault(record.id, []).append(record)
    for records in by_member.values():
        rows += _rows(records, TeamMember, lambda r: f"成员·{r.cadre.name}" if r.cadre else "巡察组成员")
    rows.sort(key=lambda r: r["when"], reverse=True)
    return rows[:limit]


_HISTORY_TYPES = {"+": "创建", "~": "修改", "-": "删除"}


def _rows(records: list, model, label) -> list[dict]:
    """records: one object's history, newest first."""
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            for change in newer.diff_against(older).changes:
                field = model._meta.get_field(change.field)
                changes.append((str(field.verbose_name), _show(field, change.old), _show(field, change.new)))
        rows.append(
            {
                "object": label(newer),
                "when": newer.history_date,
                "who": newer.history_user,
                "type": _HISTORY_TYPES[newer.history_type],
                "changes": changes,
            }
        )
    return rows


def _show(field, value):
    if value in (None, ""):
        return "（空）"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def round_teams(round) -> QuerySet:
    """The teams of a round with their 组长's name and member count (for the new-team confirmation)."""
    leader = TeamMember.objects.filter(team=OuterRef("pk"), role=MemberRole.LEADER).values("cadre__name")[:1]
    return round.teams.annotate(member_count=Count("members"), leader_name=Subquery(leader)).order_by(
        "number"
    )


def next_team_name(round) -> str:
    """The name the next team of this round will get (team_create numbers them in order)."""
    last = round.teams.order_by("-number").values_list("number", flat=True).first()
    return Team(round=round, number=(last or 0) + 1).name
