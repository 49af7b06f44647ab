"""Reads for the cadre pool (巡察干部库), already filtered to what the user may see."""

from django.db.models import Count, Prefetch, Q, QuerySet

from rounds.models import Unit
from xuncha import access
from xuncha.access.rules.teams import team_accounts

from ..models import Cadre, TeamMember


def cadres_for(user) -> QuerySet:
    """The pool is the office's and the leadership's; nobody else sees a cadre's record."""
    return access.visible(user, Cadre).select_related("home_unit", "user")


def cadre_get(*, user, pk: int, action: str = "view") -> Cadre:
    """One cadre of the pool, or 404 when the user may not see it (403 when he may not do `action`)."""
    return access.get_visible(user, Cadre.objects.select_related("home_unit", "user"), action, pk=pk)


def cadre_list(*, user) -> QuerySet:
    """The pool, each cadre with the rounds he has served (filtered by `CadreFilter` in the view)."""
    return (
        cadres_for(user)
        .annotate(rounds_served=Count("memberships"))
        .prefetch_related(Prefetch("memberships", queryset=_served(), to_attr="served"))
        .order_by("home_unit__name", "name", "pk")
    )


def _served() -> QuerySet:
    """Memberships newest round first, archival rounds included: a cadre's past teams."""
    return TeamMember.objects.select_related("team__round__term").order_by(
        "-team__round__term__start_date", "-team__round__number"
    )


def cadre_home_units() -> QuerySet:
    """The home units cadres come from: the choices of the pool's filter bar."""
    return Unit.objects.filter(cadres__isnull=False).distinct().order_by("unit_type", "name")


def cadre_specialties() -> QuerySet:
    """The specialties of the pool: the choices of its filter bar and the suggestions of its form."""
    return Cadre.objects.exclude(specialty="").order_by("specialty").values_list("specialty", flat=True).distinct()


def cadre_memberships(cadre: Cadre) -> QuerySet:
    """The rounds a cadre has served on, newest first, with team, role and duty."""
    return _served().filter(cadre=cadre).prefetch_related("team__assignments__unit")


def linkable_users(cadre: Cadre | None = None) -> QuerySet:
    """Team accounts (group 巡察组) not yet linked to a cadre, plus this cadre's own account."""
    users = team_accounts()
    free = Q(cadre__isnull=True)
    if cadre is not None and cadre.user_id:
        free |= Q(pk=cadre.user_id)
    return users.filter(free).distinct().order_by("name", "username")
