"""The teams of a round and their members: every write, with recusal (回避) enforced here."""

from django.db import IntegrityError, transaction

from rounds.models import TEAM_EDITABLE_STATUSES, Round
from xuncha import access
from xuncha.access.grants import sync_team
from xuncha.errors import DomainError

from ..models import Cadre, MemberRole, Team, TeamMember
from .recusal import recusal_reasons, team_units

ONLY_OFFICE = "只有巡察办可以调整巡察组"


def _check_round_editable(round: Round) -> None:
    if round.status not in TEAM_EDITABLE_STATUSES:
        raise DomainError(f"本轮已处于“{round.get_status_display()}”阶段，巡察组不能再调整")


def team_create(*, round: Round, note: str = "", by=None) -> Team:
    """Create the next numbered team of the round (第一巡察组, 第二巡察组, …)."""
    access.check(by, "form_teams", round, message=ONLY_OFFICE)
    _check_round_editable(round)
    with transaction.atomic():
        last = round.teams.select_for_update().order_by("-number").values_list("number", flat=True).first()
        return Team.objects.create(round=round, number=(last or 0) + 1, note=note)


def team_update(*, team: Team, note: str, by=None) -> Team:
    access.check(by, "change", team, message=ONLY_OFFICE)
    _check_round_editable(team.round)
    team.note = note
    team.save()
    return team


def team_delete(*, team: Team, by=None) -> None:
    access.check(by, "delete", team, message=ONLY_OFFICE)
    _check_round_editable(team.round)
    if team.assignments.exists():
        raise DomainError(f"{team.name}已分配被巡察单位，请先取消其巡察任务")
    team.delete()


def team_member_add(*, team: Team, cadre: Cadre, role: str, duty: str = "", by=None) -> TeamMember:
    access.check(by, "change_members", team, message=ONLY_OFFICE)
    _check_round_editable(team.round)
    if not cadre.is_available:
        raise DomainError(f"{cadre.name}目前不可抽调")
    other = TeamMember.objects.filter(round_id=team.round_id, cadre=cadre).select_related("team").first()
    if other:
        raise DomainError(f"{cadre.name}已是本轮{other.team.name}的{other.get_role_display()}，同一轮次不能参加两个巡察组")
    if role == MemberRole.LEADER and team.members.filter(role=MemberRole.LEADER).exists():
        raise DomainError(f"{team.name}已有组长")
    reasons = recusal_reasons(cadre=cadre, units=team_units(team))
    if reasons:
        raise DomainError(f"{cadre.name}不能加入{team.name}", reasons=reasons)
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(team=team, round_id=team.round_id, cadre=cadre, role=role, duty=duty)
            sync_team(team)
    except IntegrityError as exc:  # a concurrent request got there first
        raise DomainError(f"{cadre.name}不能加入{team.name}：已在本轮其他巡察组或组长已确定") from exc
    return member


def team_member_update(*, member: TeamMember, role: str, duty: str, by=None) -> TeamMember:
    access.check(by, "change_members", member.team, message=ONLY_OFFICE)
    _check_round_editable(member.team.round)
    if (
        role == MemberRole.LEADER
        and member.team.members.filter(role=MemberRole.LEADER).exclude(pk=member.pk).exists()
    ):
        raise DomainError(f"{member.team.name}已有组长")
    member.role = role
    member.duty = duty
    member.save()
    return member


def team_member_remove(*, member: TeamMember, by=None) -> None:
    team = member.team
    access.check(by, "change_members", team, message=ONLY_OFFICE)
    _check_round_editable(team.round)
    with transaction.atomic():
        member.delete()
        sync_team(team)
