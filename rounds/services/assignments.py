"""Assignments of teams to units (巡察任务) and their public announcements (巡察公告)."""

from django.db import transaction
from django.utils import timezone

from xuncha import access
from xuncha.access.grants import sync_assignment
from xuncha.core.bulk import ALL, EACH, run_each
from xuncha.core.transitions import Transition, Workflow, transition
from xuncha.errors import DomainError

from ..models import (
    DEFAULT_ACCEPTED_SCOPE,
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


def assignment_create_town(
    *, round, team, rows, onsite_start=None, onsite_end=None, note: str = "", by=None
) -> list[Assignment]:
    """Assign a town and its villages (or any units) to one team in one step: `rows` is a list of
    (unit, mode). Each row is `assignment_create` (the same checks, grants and history); all or
    nothing — if any row is refused, none is saved, and `BulkRefused` lists every refused row with
    its reason, so the office sees them all at once."""
    access.check(by, "assign", round, message=ONLY_OFFICE)
    if not rows:
        raise DomainError("请至少选择一个单位")
    if onsite_start and onsite_end and onsite_end < onsite_start:
        raise DomainError("进驻结束日期不能早于进驻开始日期")
    created: list[Assignment] = []

    def create(row):
        unit, mode = row
        assignment = Assignment(
            round=round, team=team, unit=unit, mode=mode, onsite_start=onsite_start, onsite_end=onsite_end, note=note
        )
        created.append(assignment_create(assignment=assignment, by=by))
        return assignment

    run_each(rows, create, label=lambda r: r.unit.name if isinstance(r, Assignment) else r[0].name, mode=ALL)
    return created


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


def announcement_from_template(*, assignment: Assignment, template: dict, publish: bool = False, by) -> Announcement:
    """One assignment's announcement written from a template (批量生成公告): `template` holds phone,
    mailbox, email, accepted_scope and, optionally, start_date / end_date (else the assignment's
    on-site period). A draft is overwritten; a published announcement is left alone (it is corrected
    on its own page). With `publish` it is published at once. Each stays editable on its own page."""
    access.check(by, "edit_announcement", assignment, message=ONLY_OFFICE_ANNOUNCES)
    existing = Announcement.objects.filter(assignment=assignment).first()
    if existing is not None and existing.status == AnnouncementStatus.PUBLISHED:
        raise DomainError("公告已发布，如需修改请在该巡察任务页面单独修改")
    start = template.get("start_date") or assignment.onsite_start
    end = template.get("end_date") or assignment.onsite_end
    if not (start and end):
        raise DomainError("该任务未填写进驻起止日期，请在模板中填写受理起止日期")
    announcement = existing or Announcement(assignment=assignment)
    announcement.start_date, announcement.end_date = start, end
    for name in ("phone", "mailbox", "email", "accepted_scope"):
        setattr(announcement, name, template.get(name) or "")
    if not announcement.accepted_scope.strip():
        announcement.accepted_scope = DEFAULT_ACCEPTED_SCOPE
    announcement_save(announcement=announcement, by=by)
    if publish:
        announcement_publish(announcement=announcement, by=by)
    return announcement


def announcements_from_template(*, assignments, template: dict, publish: bool = False, by) -> list:
    """Every chosen assignment's announcement from one template, each in its own transaction: a
    refused one (published already, no dates, no phone to publish) is reported, the others are done."""
    return run_each(
        assignments,
        lambda a: announcement_from_template(assignment=a, template=template, publish=publish, by=by),
        label=lambda obj: str(obj.assignment.unit.name if isinstance(obj, Announcement) else obj.unit.name),
        mode=EACH,
    )
