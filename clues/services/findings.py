"""Working papers (问题底稿): writing them, their review chain, and the taxonomy they are filed under.

A finding is written by a member of the team sent to the unit (or by the office), numbered
〔year〕X巡X组第XX号 within its team and year, and then goes up the chain
撰写人提交 → 副组长审核 → 组长审批 → 巡察办审核. Every step is one row of `TRANSITIONS`, writes a
`FindingReview` and tells whoever acts next. An approved finding is locked; the office reopens it
with a reason, which the history keeps.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from rounds.models import RoundStatus
from teams.models import MemberRole, Team, TeamMember
from xuncha import access
from xuncha.core.concurrency import carry_version
from xuncha.core.crypto import sm3_of_upload
from xuncha.core.services import as_history_user, office_users
from xuncha.core.transitions import Transition, Workflow, transition
from xuncha.core.uploads import check_upload
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import Category, Finding, FindingEvidence, FindingReview, FindingStatus, Lead

Action = FindingReview.Action

# What the writer fills in; the rest (number, unit, team, status) is the service's.
FINDING_FIELDS = (
    "category",
    "title",
    "manifestation",
    "basis",
    "responsible_persons",
    "severity",
    "is_key",
    "fixed_on_site",
    "on_site_action",
)
EDITABLE_STATUSES = (FindingStatus.DRAFT, FindingStatus.RETURNED)
LOCKED_MESSAGE = "已审定的底稿不能修改，请先重新打开"


def _today():
    return timezone.localdate()


# --- who may write: xuncha.access (rules/clues.py) -------------------------------------------------------


def _writer_refusal(team: Team) -> str:
    return f"只有{team.name}成员或巡察办可以撰写、修改本组的问题底稿"


def _check_editable(finding: Finding) -> None:
    if finding.status == FindingStatus.APPROVED:
        raise DomainError(LOCKED_MESSAGE)
    if finding.status not in EDITABLE_STATUSES:
        raise DomainError(
            f"底稿正在审核中（{finding.get_status_display()}），不能修改；如需修改，请审核人退回后再改"
        )


def _clean_data(data: dict) -> dict:
    values = {name: data[name] for name in FINDING_FIELDS if name in data}
    for name in ("title", "manifestation", "basis", "responsible_persons", "on_site_action"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


def _validate(finding: Finding, *, category_changed: bool) -> None:
    reasons = []
    if not finding.title:
        reasons.append("请填写问题标题")
    if not finding.manifestation:
        reasons.append("请填写问题表现")
    if not finding.basis:
        reasons.append("请填写定性依据")
    if finding.fixed_on_site and not finding.on_site_action:
        reasons.append("立行立改的问题须填写立行立改情况（已采取的整改措施）")
    if not finding.fixed_on_site:
        finding.on_site_action = ""
    category = finding.category if finding.category_id else None
    if category is None:
        reasons.append("请选择问题类别")
    elif category_changed:
        if not category.is_active or (category.parent_id and not category.parent.is_active):
            reasons.append(f"问题类别“{category}”已停用，请选择其他类别")
        elif category.children.filter(is_active=True).exists():
            reasons.append(f"“{category.name}”下设具体类别，请选择到具体类别")
    if reasons:
        raise DomainError("底稿未保存", reasons=reasons)


def _check_leads(assignment_id: int, leads: Iterable[Lead]) -> list[Lead]:
    leads = list(leads)
    foreign = [lead for lead in leads if lead.assignment_id != assignment_id]
    if foreign:
        raise DomainError(
            "只能关联本巡察任务的线索",
            reasons=[f"线索“{lead.summary}”属于其他巡察任务" for lead in foreign],
        )
    return leads


def _check_files(files: Iterable) -> list[tuple[object, str]]:
    """Every file is checked before any is stored: one refused file refuses the whole save."""
    checked, reasons = [], []
    for upload in files:
        try:
            checked.append((upload, check_upload(upload)))
        except DomainError as exc:
            reasons.append(exc.message)
    if reasons:
        raise DomainError("证据材料未通过检查，底稿未保存", reasons=reasons)
    return checked


def _store_evidence(finding: Finding, checked: list[tuple[object, str]], by) -> list[FindingEvidence]:
    rows = []
    for upload, digest in checked:
        name = Path(upload.name or "").name[:200]
        evidence = FindingEvidence(
            finding=finding,
            name=name,
            size=upload.size,
            sha256=digest,
            sm3=sm3_of_upload(upload),
            uploaded_by=by if by else None,
        )
        evidence.file.save(name, upload, save=False)
        evidence.save()
        rows.append(evidence)
    return rows


def _next_serial(team: Team, year: int) -> int:
    last = Finding.objects.filter(team=team, year=year).aggregate(n=Max("serial"))["n"]
    return (last or 0) + 1


# --- writing ------------------------------------------------------------------------------------------


def finding_create(*, assignment, data: dict, leads: Iterable[Lead] = (), evidence_files: Iterable = (), by) -> Finding:
    """A new working paper on an assignment, in 起草中, numbered next in its team's year."""
    team = assignment.team
    access.check(by, "write_finding", assignment, message=_writer_refusal(team))
    if assignment.round.status == RoundStatus.DONE:
        raise DomainError(f"{assignment.round}已完成，不能再撰写问题底稿")
    values = _clean_data(data)
    finding = Finding(
        assignment=assignment,
        round_id=assignment.round_id,
        unit_id=assignment.unit_id,
        team=team,
        status=FindingStatus.DRAFT,
        written_by=by,
        **values,
    )
    _validate(finding, category_changed=True)
    leads = _check_leads(assignment.pk, leads)
    checked = _check_files(evidence_files)
    year = _today().year
    try:
        with transaction.atomic():
            # The team row is the lock that keeps two writers from taking the same number.
            Team.objects.select_for_update().filter(pk=team.pk).first()
            finding.year = year
            finding.serial = _next_serial(team, year)
            as_history_user(finding, by)
            finding.save()
            if leads:
                finding.leads.set(leads)
            _store_evidence(finding, checked, by)
    except IntegrityError as exc:  # a concurrent writer took the number (databases without row locks)
        raise DomainError("编号冲突，请重新提交") from exc
    return finding


def finding_update(
    *, finding: Finding, data: dict, by, leads: Iterable[Lead] | None = None, evidence_files: Iterable = ()
) -> Finding:
    """Change what a draft or returned finding says; with `leads`, its linked leads become those; with
    `evidence_files`, they are added. All or nothing. Approved or in-review findings are refused."""
    access.check(by, "change", finding, message=_writer_refusal(finding.team))
    checked = _check_files(evidence_files)
    with transaction.atomic():
        current = _locked_for_edit(finding)
        carry_version(finding, current)
        values = _clean_data(data)
        old_category = current.category_id
        for name, value in values.items():
            setattr(current, name, value)
        _validate(current, category_changed=current.category_id != old_category)
        if leads is not None:
            leads = _check_leads(current.assignment_id, leads)
        as_history_user(current, by)
        current.save()
        if leads is not None:
            current.leads.set(leads)
        _store_evidence(current, checked, by)
    return current


def _locked_for_edit(finding: Finding) -> Finding:
    """The finding as it is now in the database, locked for this transaction, if it may still change
    (the caller's copy may be stale: reviewed in another request since it was read)."""
    current = Finding.objects.select_for_update(of=("self",)).select_related("team", "round").get(pk=finding.pk)
    _check_editable(current)
    return current


def finding_add_evidence(*, finding: Finding, files: Iterable, by) -> list[FindingEvidence]:
    """Attach evidence (a SHA-256 of each file is kept) to a finding that is still being written."""
    access.check(by, "change", finding, message=_writer_refusal(finding.team))
    checked = _check_files(files)
    with transaction.atomic():
        current = _locked_for_edit(finding)
        return _store_evidence(current, checked, by)


def finding_link_leads(*, finding: Finding, leads: Iterable[Lead], by) -> Finding:
    """The finding's linked leads become exactly these; each must be a lead of the same assignment."""
    access.check(by, "change", finding, message=_writer_refusal(finding.team))
    with transaction.atomic():
        current = _locked_for_edit(finding)
        leads = _check_leads(current.assignment_id, leads)
        as_history_user(current, by)
        current.leads.set(leads)
    return current


# --- the review chain ---------------------------------------------------------------------------------


def _team_users(team_id: int, *roles: str) -> list:
    return [
        m.cadre.user
        for m in TeamMember.objects.filter(team_id=team_id, role__in=roles, cadre__user__isnull=False)
        .select_related("cadre__user")
        .order_by("pk")
    ]


@dataclass(frozen=True)
class Reviewer:
    """Who acts at a step: the access action that decides it (xuncha/access/rules/clues.py), the words
    that name him in a refusal, and how to find him (to tell him)."""

    label: str
    permission: str
    users: Callable[[Finding], list]

    def allows(self, user, finding: Finding) -> bool:
        return access.allows(user, self.permission, finding)


def _others(users: list, finding: Finding) -> list:
    """The reviewers of a step other than the finding's writer: no one reviews his own work."""
    return [u for u in users if u.pk != finding.written_by_id]


WRITER = Reviewer("本组成员", "submit", lambda f: [f.written_by] if f.written_by_id else [])
DEPUTY = Reviewer("本组副组长", "review_deputy", lambda f: _others(_team_users(f.team_id, MemberRole.DEPUTY), f))
LEADER = Reviewer("本组组长", "review_leader", lambda f: _others(_team_users(f.team_id, MemberRole.LEADER), f))
OFFICE = Reviewer("巡察办", "review_office", lambda f: _others(list(office_users()), f))
REOPENER = Reviewer("巡察办", "reopen", lambda f: list(office_users()))
SYSTEM = Reviewer("系统", "", lambda f: [])


@dataclass(frozen=True)
class ReviewStep:
    """One row of the review chain: a transition of FINDING_FLOW from one status, the 环节 it is (as
    the review trail and the 审批单 name it) and who acts there."""

    transition: Transition
    source: str
    step: str
    who: Reviewer

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def target(self) -> str:
        return self.transition.target

    @property
    def reason_required(self) -> bool:
        return self.transition.reason_required

    @property
    def label(self) -> str:
        return Action(self.action).label


S = FindingStatus
# The one table of the review chain: (action, from status) → where it leads, the 环节 and who acts.
_CHAIN = [
    (Action.SUBMIT, S.DRAFT, S.SUBMITTED, "撰写人提交", WRITER, False),
    (Action.SUBMIT, S.RETURNED, S.SUBMITTED, "撰写人重新提交", WRITER, False),
    (Action.APPROVE, S.SUBMITTED, S.DEPUTY_APPROVED, "副组长审核", DEPUTY, False),
    (Action.APPROVE, S.DEPUTY_APPROVED, S.LEADER_APPROVED, "组长审批", LEADER, False),
    (Action.APPROVE, S.LEADER_APPROVED, S.APPROVED, "巡察办审核", OFFICE, False),
    (Action.RETURN, S.SUBMITTED, S.RETURNED, "副组长审核", DEPUTY, True),
    (Action.RETURN, S.DEPUTY_APPROVED, S.RETURNED, "组长审批", LEADER, True),
    (Action.RETURN, S.LEADER_APPROVED, S.RETURNED, "巡察办审核", OFFICE, True),
    (Action.REOPEN, S.APPROVED, S.RETURNED, "巡察办重新打开", REOPENER, True),
    # Made by the system, never offered as a button: a step nobody but the writer could take.
    (Action.SKIP, S.SUBMITTED, S.DEPUTY_APPROVED, "副组长审核", SYSTEM, True),
    (Action.SKIP, S.DEPUTY_APPROVED, S.LEADER_APPROVED, "组长审批", SYSTEM, True),
]
FINDING_FLOW = Workflow(
    "clues.finding",
    [
        Transition(
            action, [source], target, Action(action).label, permission=who.permission or None, reason_required=why
        )
        for action, source, target, _step, who, why in _CHAIN
    ],
)
TRANSITIONS: dict[tuple[str, str], ReviewStep] = {
    (str(action), str(source)): ReviewStep(FINDING_FLOW.find(action, source), str(source), step, who)
    for action, source, _target, step, who, _why in _CHAIN
}
# Who is told once a transition lands in a status: whoever acts next.
NEXT_REVIEWER = {S.SUBMITTED: DEPUTY, S.DEPUTY_APPROVED: LEADER, S.LEADER_APPROVED: OFFICE}


def step_of(action: str, from_status: str) -> str:
    """The 环节 a recorded review belongs to (副组长审核, 组长审批, …), for the trail and the 审批单."""
    found = TRANSITIONS.get((action, from_status))
    if found is not None:
        return found.step
    return Action(action).label if action in Action.values else action


def allowed_transitions(user, finding: Finding) -> list[ReviewStep]:
    """The steps this user may take on the finding now (for the buttons of the detail page)."""
    return [
        t
        for (_, source), t in TRANSITIONS.items()
        if source == finding.status and t.who is not SYSTEM and t.who.allows(user, finding)
    ]


AUTHOR_REFUSAL = "不能审核本人撰写的问题底稿：“{step}”环节须由撰写人以外的{who}办理"


def _skip_reason(finding: Finding) -> str:
    """Why the step the finding waits at is skipped, or "" when someone other than its writer can take it.

    A team without a 副组长 skips the 副组长's step (instead of its 组长 approving twice under two
    labels); a step whose only reviewer wrote the finding is skipped too, so a 副组长's or 组长's own
    finding still goes up the chain without him approving it. The office's step is never skipped: a
    finding an office user wrote waits for another office user."""
    if finding.status == S.SUBMITTED:
        deputies = _team_users(finding.team_id, MemberRole.DEPUTY)
        if not deputies:
            return "本组未设副组长，副组长审核环节跳过"
        if not _others(deputies, finding):
            return "副组长为撰写人本人，副组长审核环节跳过"
    elif finding.status == S.DEPUTY_APPROVED:
        leaders = _team_users(finding.team_id, MemberRole.LEADER)
        if leaders and not _others(leaders, finding):
            return "组长为撰写人本人，组长审批环节跳过"
    return ""


def _skip_unneeded_steps(finding: Finding) -> list[str]:
    """Move the finding past the steps nobody but its writer could take, each recorded as skipped (a
    FindingReview by the system, with the reason); returns the reasons."""
    reasons = []
    while reason := _skip_reason(finding):
        source = finding.status
        step = TRANSITIONS[(Action.SKIP, source)]

        def record(saved: Finding, _transition, step=step, source=source, reason=reason) -> None:
            FindingReview.objects.create(
                finding=saved, action=Action.SKIP, from_status=source, to_status=step.target, reason=reason, by=None
            )

        transition(finding, Action.SKIP, by=None, reason=reason, after=record)
        reasons.append(reason)
    return reasons


def finding_review(*, finding: Finding, action: str, by, reason: str = "") -> Finding:
    """Move a finding one step along the review chain (FINDING_FLOW); records the step (FindingReview)
    and tells the next reviewer, in the same transaction."""
    if action not in Action.values:
        raise DomainError("未知的审核操作")
    reason = (reason or "").strip()
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update(of=("self",))
            .select_related("round", "team", "unit", "written_by")
            .get(pk=finding.pk)
        )
        step = TRANSITIONS.get((action, finding.status))
        if step is None or step.who is SYSTEM:
            raise DomainError(f"底稿当前状态为“{finding.get_status_display()}”，不能“{Action(action).label}”")
        is_review = step.who not in (WRITER, REOPENER)
        if is_review and by is not None and by.pk == finding.written_by_id:
            raise access.Forbidden(AUTHOR_REFUSAL.format(step=step.step, who=step.who.label))
        if not step.who.allows(by, finding):
            # In the chain's words, also for someone who may not see the finding at all.
            raise access.Forbidden(f"“{step.step}”环节只能由{step.who.label}{step.label}")
        changes = {}
        if step.target == S.APPROVED:
            changes["approved_at"] = timezone.now()
        elif step.action == Action.REOPEN:
            changes["approved_at"] = None

        def after(saved: Finding, _transition) -> None:
            FindingReview.objects.create(
                finding=saved, action=step.action, from_status=step.source, to_status=step.target, reason=reason, by=by
            )

        transition(finding, action, by=by, reason=reason, changes=changes, after=after)
        skipped = _skip_unneeded_steps(finding)
        _notify(finding, step, by, reason, skipped)
    return finding


def _notify(finding: Finding, transition: ReviewStep, by, reason: str, skipped: list[str]) -> None:
    """Tell whoever acts next (after any skipped step: the finding's status now, not the step's target)."""
    link = reverse("clues:finding_detail", args=[finding.pk])
    subject = f"{finding.number}“{finding.title}”"
    actor = getattr(by, "display_name", "") or "系统"
    if finding.status in NEXT_REVIEWER:
        recipients = NEXT_REVIEWER[finding.status].users(finding)
        title = f"待{TRANSITIONS[(Action.APPROVE, finding.status)].step}：问题底稿{subject}"
        body = f"{actor}已{transition.step}，请审核。" + (f"\n意见：{reason}" if reason else "")
        body += "".join(f"\n{why}。" for why in skipped)
    elif transition.target == S.APPROVED:
        recipients = WRITER.users(finding) + LEADER.users(finding)
        title = f"问题底稿已审定：{subject}"
        body = f"巡察办{actor}已审定该问题底稿。"
    elif transition.action == Action.REOPEN:
        recipients = WRITER.users(finding) + LEADER.users(finding)
        title = f"问题底稿已重新打开：{subject}"
        body = f"巡察办{actor}重新打开了该底稿，请修改后重新提交。\n理由：{reason}"
    else:  # returned
        recipients = WRITER.users(finding) or LEADER.users(finding)
        title = f"问题底稿被退回：{subject}"
        body = f"{actor}在“{transition.step}”环节退回了该底稿，请修改后重新提交。\n理由：{reason}"
    notify(recipients=[u for u in recipients if u != by], title=title, body=body, link=link)


# --- the taxonomy (问题类别) ------------------------------------------------------------------------


def category_save(*, category: Category, by) -> Category:
    """Create or change a category. The tree has two levels (领域 and 具体类别); a sub-category takes
    its area's scheme. Deactivating is allowed at any time: findings already filed keep their category."""
    access.require(by, "office", message="只有巡察办可以维护问题类别")
    category.name = (category.name or "").strip()
    category.scheme = (category.scheme or "").strip()
    reasons = []
    if not category.name:
        reasons.append("请填写类别名称")
    parent = category.parent if category.parent_id else None
    if parent is not None:
        if category.pk and parent.pk == category.pk:
            reasons.append("上级类别不能是本类别")
        elif parent.parent_id:
            reasons.append(f"“{parent.name}”是具体类别，不能再设下级；上级类别须为领域")
        elif category.pk and category.children.exists():
            reasons.append(f"“{category.name}”下已有具体类别，不能再归入其他领域")
        category.scheme = parent.scheme
    if not category.scheme:
        reasons.append("请填写分类体系")
    clash = Category.objects.filter(scheme=category.scheme, parent=parent, name=category.name).exclude(pk=category.pk)
    if category.name and clash.exists():
        where = f"“{parent.name}”下" if parent else f"“{category.scheme}”的领域中"
        reasons.append(f"{where}已有“{category.name}”")
    if reasons:
        raise DomainError("问题类别未保存", reasons=reasons)
    with transaction.atomic():
        as_history_user(category, by)
        category.save()
        if category.pk and not parent:
            # An area's sub-categories follow it into a renamed scheme.
            # One by one, so each sub-category's history records the move.
            for child in category.children.exclude(scheme=category.scheme):
                child.scheme = category.scheme
                as_history_user(child, by)
                child.save(update_fields=["scheme"])
    return category


def category_delete(*, category: Category, by) -> None:
    """Delete a category nobody has used; one in use can only be deactivated."""
    access.require(by, "office", message="只有巡察办可以维护问题类别")
    with transaction.atomic():
        # Locked: of twenty deletions at once, one deletes (and one history row says so).
        locked = Category.objects.select_for_update(of=("self",)).filter(pk=category.pk).order_by().first()
        if locked is None:
            raise DomainError(f"“{category.name}”已被删除")
        _category_delete(locked, by)


def _category_delete(category: Category, by) -> None:
    used = Finding.objects.filter(category=category).count()
    if used:
        raise DomainError(f"“{category.name}”已被{used}条问题底稿使用，不能删除；如不再使用，请改为停用")
    if category.children.exists():
        raise DomainError(f"“{category.name}”下还有具体类别，请先删除或移走这些类别")
    as_history_user(category, by)
    category.delete()
