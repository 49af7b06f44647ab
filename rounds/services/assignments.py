"""Assignments of teams to units (巡察任务) and their public announcements (巡察公告)."""

from django.db import transaction
from django.utils import timezone

from xuncha import access
from xuncha.access.grants import sync_assignment
from xuncha.core.transitions import Transition, Workflow, transition
from xuncha.errors import DomainError

from ..models import (
    Announcement,
    AnnouncementStatus,
    Assignment,
    AssignmentMode,
    RoundKind,
    RoundStatus,
    UnitType,
)
from .units import recusal_reasons

ONLY_OFFICE = "只有巡察办可以安排巡察任务"
ONLY_OFFICE_ANNOUNCES = "只有巡察办可以发布巡察公告"

# Units can be assigned or moved until the teams station; after that the assignment is history.
ASSIGNABLE_STATUSES = (RoundStatus.PREPARING, RoundStatus.MOBILIZING)


def _validate(assignment: Assignment) -> None:
    round, team, unit = assignment.round, assignment.team, assignment.unit
    if round.status not in ASSIGNABLE_STATUSES:
        raise DomainError(f"本轮已处于“{round.get_status_display()}”阶段，不能再调整巡察任务")
    if team.round_id != round.pk:
        raise DomainError(f"{team.name}不属于{round}")
    if not unit.is_active:
        raise DomainError(f"{unit.name}已停用，不能安排巡察")
    clash = Assignment.objects.filter(round=round, unit=unit).exclude(pk=assignment.pk).select_related("team")
    if clash:
        raise DomainError(f"{unit.name}已由本轮{clash[0].team.name}巡察")
    if assignment.mode == AssignmentMode.ELEVATED and unit.unit_type != UnitType.VILLAGE:
        raise DomainError("提级巡察的对象须为村/社区")
    if assignment.mode == AssignmentMode.EXTENDED and not unit.parent_id:
        raise DomainError("延伸巡察的对象须为有上级单位的下属单位")
    if round.kind == RoundKind.LOOKBACK and round.revisit_of_id:
        if not Assignment.objects.filter(round_id=round.revisit_of_id, unit=unit).exists():
            raise DomainError(f"回头看只能安排{round.revisit_of}巡察过的单位，{unit.name}不在其中")
    if assignment.onsite_start and assignment.onsite_end and assignment.onsite_end < assignment.onsite_start:
        raise DomainError("进驻结束日期不能早于进驻开始日期")
    reasons = []
    for member in team.members.select_related("cadre__home_unit"):
        reasons += recusal_reasons(cadre=member.cadre, units=[unit])
    if reasons:
        raise DomainError(f"{team.name}不能巡察{unit.name}", reasons=reasons)


def assignment_create(*, assignment: Assignment, by=None) -> Assignment:
    access.check(by, "assign", assignment.round, message=ONLY_OFFICE)
    _validate(assignment)
    with transaction.atomic():
        assignment.save()
        sync_assignment(assignment)
    return assignment


def assignment_update(*, assignment: Assignment, by=None) -> Assignment:
    """Change mode, period or team of an assignment; the grants follow the team."""
    access.check(by, "change", assignment, message=ONLY_OFFICE)
    _validate(assignment)
    with transaction.atomic():
        assignment.save()
        sync_assignment(assignment)
    return assignment


def assignment_delete(*, assignment: Assignment, by=None) -> None:
    access.check(by, "delete", assignment, message=ONLY_OFFICE)
    if assignment.round.status not in ASSIGNABLE_STATUSES:
        raise DomainError("进驻后不能取消巡察任务")
    assignment.delete()


def announcement_save(*, announcement: Announcement, by=None) -> Announcement:
    access.check(by, "edit_announcement", announcement.assignment, message=ONLY_OFFICE_ANNOUNCES)
    if announcement.end_date < announcement.start_date:
        raise DomainError("受理截止日期不能早于受理开始日期")
    # A published announcement stays public while it is corrected; its history keeps every text.
    announcement.save()
    return announcement


# An announcement is drafted, published for the public, and may be withdrawn (and published again).
# Who may is asked by the services (of the assignment, with the office's words), before the step.
A = AnnouncementStatus
ANNOUNCEMENT_FLOW = Workflow(
    "rounds.announcement",
    [
        Transition("publish", [A.DRAFT, A.WITHDRAWN], A.PUBLISHED, "发布"),
        Transition("withdraw", [A.PUBLISHED], A.WITHDRAWN, "撤回"),
    ],
)


def announcement_publish(*, announcement: Announcement, by) -> Announcement:
    access.check(by, "publish", announcement.assignment, message=ONLY_OFFICE_ANNOUNCES)
    if announcement.status == AnnouncementStatus.PUBLISHED:
        raise DomainError("公告已发布")
    if not announcement.phone.strip():
        raise DomainError("发布前须填写值班电话")
    if not (announcement.mailbox.strip() or announcement.email.strip()):
        raise DomainError("发布前须至少填写邮政信箱或电子邮箱之一")
    return transition(
        announcement,
        "publish",
        by=by,
        changes={"published_at": timezone.now(), "published_by": by},
        message="公告已发布",
    )


def announcement_withdraw(*, announcement: Announcement, by) -> Announcement:
    access.check(by, "withdraw", announcement.assignment, message=ONLY_OFFICE_ANNOUNCES)
    return transition(announcement, "withdraw", by=by, message="只有已发布的公告可以撤回")
