"""Questions several apps' rules ask: which teams a user serves on, and in what role."""

from collections.abc import Callable

from django.db.models import Q

from ..grants import granted_ids
from ..registry import model


def per_request(user, key: str, build: Callable[[], Q]) -> Q:
    """A user's filter built once per request (kept on the user object, which lives that long).

    Only the Q object is kept: its subqueries run in the database with each query, so a grant or a
    team place written later in the same request still counts."""
    memo = user.__dict__.setdefault("_access_filters", {})
    if key not in memo:
        memo[key] = build()
    return memo[key]


def team_ids_of(user):
    """The teams this user serves on (a subquery)."""
    return model("teams.TeamMember").objects.filter(cadre__user=user).values("team_id")


def team_role_of(user, team_id) -> str | None:
    """'leader', 'deputy' or 'member' if the user serves on that team, else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, "_team_roles", None)
    if cache is None:
        cache = {}
        user._team_roles = cache
    if team_id not in cache:
        cache[team_id] = (
            model("teams.TeamMember")
            .objects.filter(team_id=team_id, cadre__user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[team_id]


def serves_on(user, team_id) -> bool:
    return team_role_of(user, team_id) is not None


def own_unit_ids(user):
    """The units whose principal or liaison this user is (a subquery of guardian grants)."""
    Unit = model("rounds.Unit")
    return Unit.objects.filter(pk__in=granted_ids(user, "rounds.view_unit", Unit)).values("pk")
