"""The cadre pool (巡察干部库): every write, with recusal (回避) enforced on a change of home unit."""

from django.db import transaction

from rounds.models import RoundStatus
from xuncha import access
from xuncha.access.grants import sync_team
from xuncha.errors import DomainError

from ..models import Cadre
from .recusal import recusal_reasons, team_units

_FINISHED = (RoundStatus.DONE,)
ONLY_OFFICE = "只有巡察办可以维护巡察干部库"


def cadre_save(*, cadre: Cadre, by=None) -> Cadre:
    if cadre.pk:
        access.check(by, "change", cadre, message=ONLY_OFFICE)
    else:
        access.check(by, "teams.add_cadre", message=ONLY_OFFICE)
    if cadre.user_id and Cadre.objects.filter(user_id=cadre.user_id).exclude(pk=cadre.pk).exists():
        raise DomainError("该登录账号已关联其他巡察干部")
    if cadre.pk:
        # A new home unit must not turn a current team's units into his own (回避).
        reasons = []
        for member in cadre.memberships.exclude(team__round__status__in=_FINISHED).select_related("team"):
            reasons += recusal_reasons(cadre=cadre, units=team_units(member.team))
        if reasons:
            raise DomainError(f"不能把{cadre.name}的所在单位改为{cadre.home_unit.name}", reasons=reasons)
    with transaction.atomic():
        cadre.save()
        refresh_cadre_grants(cadre=cadre)
    return cadre


def refresh_cadre_grants(*, cadre: Cadre) -> None:
    """After a cadre's login changes, grant the new account what the old one had."""
    for member in cadre.memberships.select_related("team"):
        sync_team(member.team)
