"""Feedback (反馈): the office assembles what the team found into the feedback, and records the meeting.

    approved findings ──rectification_create──▶ 反馈准备 (problems worded, documents rendered)
        ──meeting_record──▶ 制定方案 (the unit sees its feedback opinions from now on)

The problems (`Problem`) are the words the unit sees: taken from the assignment's approved findings,
grouped by taxonomy area (the category's top-level ancestor) and numbered 1..n. While the feedback is
being prepared the office rewords or removes them and adds findings approved later; after the meeting
they are fixed, since the unit drafts its plan against them. The team's report (巡察报告) and the
feedback opinions (反馈意见) are rendered by Celery as Word and PDF (`rectification.docs_feedback`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from clues.models import Category, Finding, FindingStatus, area_of
from rounds.models import Assignment, Milestone, MilestoneKind, RoundStatus
from xuncha import access
from xuncha.core.documents import document_request
from xuncha.core.models import GeneratedDocument
from xuncha.core.numerals import cn_number
from xuncha.core.services import as_history_user
from xuncha.core.transitions import transition
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import Problem, Rectification, RectStatus
from .schedule import report_schedule
from .workflows import RECT_FLOW  # noqa: F401  the status table

# The round's stages in which the office may prepare the feedback of one of its units.
CREATE_STATUSES = (RoundStatus.REPORTING, RoundStatus.FEEDBACK, RoundStatus.RECTIFYING)

# The documents of the feedback (rendered by `rectification.documents.feedback`).
KIND_REPORT_DOCX = "inspection_report_docx"
KIND_REPORT_PDF = "inspection_report_pdf"
KIND_FEEDBACK_DOCX = "feedback_docx"
KIND_FEEDBACK_PDF = "feedback_pdf"
REPORT_KINDS = (KIND_REPORT_DOCX, KIND_REPORT_PDF)
FEEDBACK_KINDS = (KIND_FEEDBACK_DOCX, KIND_FEEDBACK_PDF)
KINDS = (*REPORT_KINDS, *FEEDBACK_KINDS)


def report_title(unit_name: str) -> str:
    return f"关于巡察{unit_name}的情况报告"


def feedback_title(unit_name: str) -> str:
    return f"关于巡察{unit_name}的反馈意见"


# The round's stages in which the feedback meeting is held.
MEETING_STATUSES = (RoundStatus.FEEDBACK, RoundStatus.RECTIFYING)

THREE_DOUBLES = (
    "严格落实整改“三双”要求：主要负责人和领导班子分别作出书面整改承诺（双承诺）；"
    "每半个月报送一次整改进展情况，整改情况报告和主要负责人组织落实整改情况报告同时报送县纪委监委、"
    "县委组织部（双报告），主要负责人签字背书，对报告的真实性负责；整改情况在党内和向社会公开（双公开）。"
)
# What the 反馈意见 must say of the 三双 rule; when the demands leave one out, THREE_DOUBLES is added.
THREE_DOUBLES_TERMS = ("双承诺", "双报告", "双公开", "每半个月", "签字背书")

DEFAULT_DEMANDS = "\n".join(
    (
        "提高政治站位，切实履行整改主体责任。党组织书记作为第一责任人，对整改工作负总责，"
        "领导班子成员落实“一岗双责”，抓好分管领域的整改。",
        "落实“双承诺”：主要负责人和领导班子分别作出书面整改承诺。",
        "逐项制定整改方案，明确整改措施、整改目标、完成时限、责任领导、责任党支部（股室）和责任人，"
        "形成问题整改落实台账，一个问题一个问题解决，逐一对账销号。",
        "落实“双报告”：每半个月报送一次整改进展情况，同时报送主要负责人组织落实整改情况报告，"
        "报县纪委监委、县委组织部。",
        "落实“双公开”：整改情况在党内公开并向社会公开，接受党员干部和群众监督。",
        "整改期限届满时报送整改情况报告，主要负责人签字背书，对报告的真实性负责。",
    )
)


def _today() -> date:
    return timezone.localdate()



def _link(rect: Rectification) -> str:
    return reverse("rectification:rect_detail", args=[rect.pk])


def _locked(rect: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("round__term", "unit", "team", "assignment")
        .get(pk=rect.pk)
    )


def _check_preparing(rect: Rectification, action: str) -> None:
    if rect.status != RectStatus.PREPARING:
        raise DomainError(f"反馈会已召开，反馈问题已送达被巡察单位，不能再{action}")


def demands_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def demands_with_three_doubles(text: str) -> list[str]:
    """The demands, one per line, with the 三双 rule added when they do not already say all of it."""
    lines = demands_lines(text)
    joined = "".join(lines)
    if not all(term in joined for term in THREE_DOUBLES_TERMS):
        lines.append(THREE_DOUBLES)
    return lines


# --- taxonomy areas -------------------------------------------------------------------------------


def _categories() -> dict[int, Category]:
    return Category.objects.in_bulk()


def _area_key(area: Category) -> tuple:
    return (area.scheme, area.order, area.pk)


@dataclass
class Area:
    """A taxonomy area with the problems (or findings) filed under it, for the documents and pages."""

    category: Category
    items: list = field(default_factory=list)
    index: int = 0  # 1, 2, … in the taxonomy's order

    @property
    def name(self) -> str:
        return self.category.name

    @property
    def heading(self) -> str:
        """“一、聚焦…”: how the documents and pages head the area."""
        return f"{cn_number(self.index)}、{self.name}"


def group_by_area(items: Iterable, *, key=lambda item: (item.seq,)) -> list[Area]:
    """Problems (or findings) grouped by taxonomy area in the taxonomy's order, each area's in `key` order."""
    categories = _categories()
    areas: dict[int, Area] = {}
    for item in items:
        area = area_of(item.category_id, categories)
        areas.setdefault(area.pk, Area(category=area)).items.append(item)
    result = sorted(areas.values(), key=lambda a: _area_key(a.category))
    for index, area in enumerate(result, start=1):
        area.index = index
        area.items.sort(key=key)
    return result


def approved_findings(assignment) -> list[Finding]:
    """The assignment's approved findings in feedback order: by taxonomy area, then serial."""
    findings = list(
        Finding.objects.filter(assignment_id=assignment.pk, status=FindingStatus.APPROVED).select_related(
            "category"
        )
    )
    areas = group_by_area(findings, key=lambda f: (f.serial, f.pk))
    return [finding for area in areas for finding in area.items]


def _problem_from(rect: Rectification, finding: Finding, seq: int, by) -> Problem:
    problem = Problem(
        rectification=rect,
        finding=finding,
        seq=seq,
        category_id=finding.category_id,
        title=finding.title,
        description=finding.manifestation,
        fixed_on_site=finding.fixed_on_site,
    )
    as_history_user(problem, by)
    problem.save()
    return problem


# --- services -------------------------------------------------------------------------------------


def rectification_create(
    *, assignment, deadline: date, demands: str, by, report_summary: str = "", feedback_intro: str = ""
) -> Rectification:
    """The feedback of an assignment, in 反馈准备, with a problem for each approved finding."""
    access.require(by, "rectification.create", message="只有巡察办可以准备反馈意见")
    reasons = []
    demands = (demands or "").strip()
    if not demands:
        reasons.append("请填写整改要求")
    if deadline is None:
        reasons.append("请填写整改期限")
    elif deadline <= _today():
        reasons.append("整改期限须晚于今天")
    try:
        with transaction.atomic():
            assignment = (
                Assignment.objects.select_for_update(of=("self",))
                .select_related("round", "unit", "team")
                .get(pk=assignment.pk)
            )
            if assignment.round.status not in CREATE_STATUSES:
                reasons.append(
                    f"{assignment.round}处于“{assignment.round.get_status_display()}”阶段，"
                    "须在报告、反馈或整改阶段准备反馈"
                )
            if Rectification.objects.filter(assignment=assignment).exists():
                reasons.append(f"{assignment.unit.name}的反馈已经在准备中，不能重复创建")
            findings = approved_findings(assignment)
            if not findings:
                reasons.append("本单位尚无巡察办审定的问题底稿，没有可反馈的问题")
            if reasons:
                raise DomainError("反馈未创建", reasons=reasons)
            rect = Rectification(
                assignment=assignment,
                round_id=assignment.round_id,
                unit_id=assignment.unit_id,
                team_id=assignment.team_id,
                status=RectStatus.PREPARING,
                report_summary=(report_summary or "").strip(),
                feedback_intro=(feedback_intro or "").strip(),
                demands=demands,
                deadline=deadline,
                created_by=by,
            )
            as_history_user(rect, by)
            rect.save()
            for seq, finding in enumerate(findings, start=1):
                _problem_from(rect, finding, seq, by)
    except IntegrityError as exc:  # another office user created it at the same moment
        raise DomainError("反馈未创建：他人已同时为本单位创建反馈，请刷新后查看") from exc
    return rect


def rectification_sync_problems(*, rect: Rectification, by) -> int:
    """Add the findings approved since (or removed earlier) as problems at the end; returns how many."""
    access.check(by, "edit_feedback", rect, message="只有巡察办可以调整反馈问题")
    with transaction.atomic():
        current = _locked(rect)
        _check_preparing(current, "增加反馈问题")
        present = set(current.problems.exclude(finding=None).values_list("finding_id", flat=True))
        missing = [f for f in approved_findings(current.assignment) if f.pk not in present]
        last = current.problems.aggregate(n=Max("seq"))["n"] or 0
        for offset, finding in enumerate(missing, start=1):
            _problem_from(current, finding, last + offset, by)
    return len(missing)


def _check_problem(problem: Problem, by, action: str) -> Rectification:
    access.check(by, "edit_feedback", problem.rectification, message="只有巡察办可以调整反馈问题")
    current = _locked(problem.rectification)
    _check_preparing(current, action)
    return current


def problem_update(*, problem: Problem, title: str, description: str, by) -> Problem:
    """The office words a problem as the unit will read it."""
    title, description = (title or "").strip(), (description or "").strip()
    reasons = []
    if not title:
        reasons.append("请填写问题")
    elif len(title) > 200:
        reasons.append("问题不超过200字")
    if not description:
        reasons.append("请填写具体表现")
    if reasons:
        raise DomainError("反馈问题未保存", reasons=reasons)
    with transaction.atomic():
        _check_problem(problem, by, "修改反馈问题")
        current = Problem.objects.select_for_update().get(pk=problem.pk)
        current.title, current.description = title, description
        as_history_user(current, by)
        current.save()
    return current


def problem_remove(*, problem: Problem, by) -> None:
    """The problem is not fed back; the others are numbered 1..n again."""
    with transaction.atomic():
        rect = _check_problem(problem, by, "移除反馈问题")
        current = Problem.objects.select_for_update().get(pk=problem.pk)
        as_history_user(current, by)
        current.delete()
        # Ascending order: each problem moves into a number freed below it, so the unique seq holds.
        for seq, row in enumerate(rect.problems.order_by("seq"), start=1):
            if row.seq != seq:
                row.seq = seq
                as_history_user(row, by)
                row.save(update_fields=["seq"])


def feedback_update(
    *, rect: Rectification, report_summary: str, feedback_intro: str, demands: str, deadline: date, by
) -> Rectification:
    """The texts of the report and the feedback, the demands and the deadline. After the meeting a new
    deadline moves the report schedule."""
    access.check(by, "edit_feedback", rect, message="只有巡察办可以修改反馈意见")
    demands = (demands or "").strip()
    with transaction.atomic():
        current = _locked(rect)
        reasons = []
        if current.is_closed:
            raise DomainError("整改已完成，不能再修改反馈意见和整改期限")
        if not demands:
            reasons.append("请填写整改要求")
        deadline_changed = deadline != current.deadline
        if deadline is None:
            reasons.append("请填写整改期限")
        elif deadline_changed and deadline <= _today():
            reasons.append("新的整改期限须晚于今天")
        elif current.meeting_date and deadline <= current.meeting_date:
            reasons.append("整改期限须晚于反馈会日期")
        if reasons:
            raise DomainError("反馈意见未保存", reasons=reasons)
        current.report_summary = (report_summary or "").strip()
        current.feedback_intro = (feedback_intro or "").strip()
        current.demands = demands
        current.deadline = deadline
        as_history_user(current, by)
        current.save()
        if deadline_changed and current.fed_back:
            report_schedule(current)
    return current


def feedback_render(*, rect: Rectification, by) -> list[GeneratedDocument]:
    """Ask Celery for the 巡察报告 and the 反馈意见, each as Word and PDF."""
    access.check(by, "edit_feedback", rect, message="只有巡察办可以生成巡察报告和反馈意见")
    with transaction.atomic():
        current = _locked(rect)
        if not current.problems.exists():
            raise DomainError("没有反馈问题，不能生成巡察报告和反馈意见")
        unit = current.unit.name
        report = report_title(unit)
        feedback = feedback_title(unit)
        return [
            document_request(subject=current, kind=kind, title=title, by=by)
            for kind, title in (
                (KIND_REPORT_DOCX, report),
                (KIND_REPORT_PDF, report),
                (KIND_FEEDBACK_DOCX, feedback),
                (KIND_FEEDBACK_PDF, feedback),
            )
        ]


def _fed_back(rect: Rectification, _) -> None:
    """The unit's principal and liaison are told to draft the plan."""
    unit = rect.unit
    notify(
        recipients=unit.own_users,
        title="巡察反馈意见已送达，请制定整改方案",
        body=(
            f"{rect.team.name}已于{rect.meeting_date:%Y年%m月%d日}向{unit.name}反馈巡察意见。请对照反馈问题逐项制定整改方案，"
            f"落实“双承诺”，并于{rect.deadline:%Y年%m月%d日}前完成整改；每半个月报送一次整改进展情况。"
        ),
        link=_link(rect),
        dedupe_key=f"rect-fed-back-{rect.pk}",
    )


def meeting_record(*, rect: Rectification, date: date, place: str, attendees: str, by) -> Rectification:
    """The feedback meeting is held: the unit sees its feedback from now on and drafts its plan.

    Recorded once, from 反馈准备. While the plan is being drafted and no report has been submitted, the
    office may still correct the record (a wrong date moves the report schedule)."""
    access.check(by, "edit_feedback", rect, message="只有巡察办可以记录反馈会")
    place, attendees = (place or "").strip(), (attendees or "").strip()
    with transaction.atomic():
        current = _locked(rect)
        correcting = current.fed_back
        if correcting and (
            current.status != RectStatus.PLANNING or current.reports.exclude(submitted_at=None).exists()
        ):
            raise DomainError("反馈会已记录；被巡察单位已报送方案或报告，不能再修改反馈会记录")
        reasons = []
        if current.round.status not in MEETING_STATUSES:
            reasons.append(
                f"{current.round}处于“{current.round.get_status_display()}”阶段，反馈会须在反馈或整改阶段召开"
            )
        if date is None:
            reasons.append("请填写反馈会日期")
        else:
            if date > _today():
                reasons.append("反馈会日期不能晚于今天：请在会后记录")
            if date >= current.deadline:
                reasons.append("反馈会日期须早于整改期限")
        if not attendees:
            reasons.append("请填写参会人员")
        if not correcting and not current.problems.exists():
            reasons.append("没有反馈问题，不能召开反馈会")
        if reasons:
            raise DomainError("反馈会未记录", reasons=reasons)
        old_date = current.meeting_date
        if correcting:
            current.meeting_date = date
            current.meeting_place = place
            current.meeting_attendees = attendees
            as_history_user(current, by)
            current.save()
        else:
            transition(
                current,
                "hold_meeting",
                by=by,
                changes={
                    "meeting_date": date,
                    "meeting_place": place,
                    "meeting_attendees": attendees,
                    "meeting_recorded_by": by,
                },
                after=_fed_back,
            )
        report_schedule(current)
        milestone = Milestone.objects.filter(round_id=current.round_id, kind=MilestoneKind.FEEDBACK).first()
        if milestone is not None and (
            milestone.actual_date is None or (correcting and milestone.actual_date == old_date)
        ):
            milestone.actual_date = date
            as_history_user(milestone, by)
            milestone.save()
    return current
