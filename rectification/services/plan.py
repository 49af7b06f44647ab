"""The rectification plan (整改方案) and its ledger (整改台账), 双承诺, and the plan's review.

    制定方案 ──submit (every problem has a measure, both commitments signed)──▶ 方案待审核
    方案待审核 ──approve (office)──▶ 整改中
    方案待审核 ──return with a reason (office)──▶ 制定方案

While the plan is being drafted (制定方案) the unit's users add, edit and delete measures, one problem at
a time in the browser or all at once from the Excel ledger (all or nothing: any wrong row and nothing
is imported). The principal (主要负责人) and the leadership team (领导班子) each commit in writing; both
commitments are signed by the unit's principal account with its password re-entered, which freezes the
text and keeps its SHA-256.
"""


from django.db import transaction
from django.db.models import Count, Max, ProtectedError
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from rectification.services import plan_excel
from xuncha import access
from xuncha.core.numerals import cn_date
from xuncha.core.services import as_history_user, office_users
from xuncha.core.transitions import transition
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import (
    Commitment,
    CommitmentKind,
    Measure,
    MeasureKind,
    Problem,
    Rectification,
    RectStatus,
)
from . import signing
from .workflows import RECT_FLOW  # noqa: F401  the status table

# Text fields of a measure: (field, label, max length).
MEASURE_TEXT_FIELDS = [
    ("content", "整改措施", 2000),
    ("goal", "整改目标", 300),
    ("responsible_leader", "责任领导", 50),
    ("responsible_branch", "责任党支部（股室）", 100),
    ("responsible_person", "责任人", 50),
]
KIND_MESSAGE = "整改类型须为立行立改、限期整改或长期坚持之一"
MEMBERS_MAX = 300
COMMITMENT_TEXT_MAX = 10000



def _link(rect) -> str:
    return reverse("rectification:plan", args=[rect.pk])


def _locked_rect(rect) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("unit", "round__term", "team")
        .get(pk=rect.pk)
    )


def not_editable_message(rect) -> str:
    if rect.status == RectStatus.PREPARING:
        return "反馈会尚未召开，暂不能制定整改方案"
    if rect.status == RectStatus.PLAN_SUBMITTED:
        return "整改方案已报送，不能修改"
    return "整改方案已审核，不能修改"


def _check_editable(rect) -> None:
    if not rect.plan_editable:
        raise DomainError(not_editable_message(rect))



# --- measures ----------------------------------------------------------------------------------------


def measure_problems(
    rect,
    *,
    content,
    goal,
    deadline,
    kind,
    responsible_leader,
    responsible_branch,
    responsible_person,
    deadline_checked=False,
) -> list[str]:
    """Why these values cannot make a measure of `rect` (empty when they can). Shared by the form and the
    Excel import, which puts the row number in front. `deadline_checked`: the caller already said why the
    deadline is missing or wrong."""
    values = {
        "content": content,
        "goal": goal,
        "responsible_leader": responsible_leader,
        "responsible_branch": responsible_branch,
        "responsible_person": responsible_person,
    }
    reasons = []
    for field, label, limit in MEASURE_TEXT_FIELDS[:2]:
        reasons += _text_problems(values[field], label, limit)
    if deadline is None:
        if not deadline_checked:
            reasons.append("完成时限不能为空")
    else:
        if rect.meeting_date and deadline < rect.meeting_date:
            reasons.append(
                f"完成时限（{deadline:%Y-%m-%d}）不能早于反馈会日期（{rect.meeting_date:%Y-%m-%d}）"
            )
        if deadline > rect.deadline:
            reasons.append(f"完成时限（{deadline:%Y-%m-%d}）不能晚于整改期限（{rect.deadline:%Y-%m-%d}）")
    if kind not in MeasureKind.values:
        reasons.append(KIND_MESSAGE)
    for field, label, limit in MEASURE_TEXT_FIELDS[2:]:
        reasons += _text_problems(values[field], label, limit)
    return reasons


def _text_problems(value, label: str, limit: int) -> list[str]:
    value = (value or "").strip()
    if not value:
        return [f"{label}不能为空"]
    if len(value) > limit:
        return [f"{label}不能超过{limit}个字"]
    return []


def _next_seq(problem: Problem) -> int:
    return (problem.measures.aggregate(n=Max("seq"))["n"] or 0) + 1


def _renumber(problem_id: int, by) -> None:
    """Number the measures of a problem 1, 2, 3… again after one left (in order, so no two collide)."""
    for number, measure in enumerate(
        Measure.objects.filter(problem_id=problem_id).order_by("seq", "pk"), start=1
    ):
        if measure.seq != number:
            measure.seq = number
            as_history_user(measure, by)
            measure.save(update_fields=["seq"])


def measure_save(*, rect, problem, measure, by) -> Measure:
    """Create (numbered after the problem's last measure) or update a measure, while the plan is drafted."""
    with transaction.atomic():
        current = _locked_rect(rect)
        _check_editable(current)
        if problem.rectification_id != current.pk:
            raise DomainError("该问题不属于本单位的整改")
        old_problem_id = None
        if measure.pk:
            stored = Measure.objects.select_for_update(of=("self",)).filter(pk=measure.pk).first()
            if stored is None or stored.rectification_id != current.pk:
                raise DomainError("该整改措施不存在或不属于本单位的整改")
            if stored.problem_id != problem.pk:
                old_problem_id = stored.problem_id
        for field, _label, _limit in MEASURE_TEXT_FIELDS:
            setattr(measure, field, (getattr(measure, field) or "").strip())
        reasons = measure_problems(
            current,
            content=measure.content,
            goal=measure.goal,
            deadline=measure.deadline,
            kind=measure.kind,
            responsible_leader=measure.responsible_leader,
            responsible_branch=measure.responsible_branch,
            responsible_person=measure.responsible_person,
        )
        if reasons:
            raise DomainError("整改措施未保存", reasons=reasons)
        measure.problem = problem
        measure.rectification = current
        if not measure.pk or old_problem_id:
            measure.seq = _next_seq(problem)
        as_history_user(measure, by)
        measure.save()
        if old_problem_id:
            _renumber(old_problem_id, by)
    return measure


def measure_delete(*, measure, by) -> None:
    """Delete a measure while the plan is drafted; the problem's other measures are numbered again."""
    with transaction.atomic():
        current = _locked_rect(measure.rectification)
        _check_editable(current)
        stored = Measure.objects.select_for_update(of=("self",)).filter(pk=measure.pk).first()
        if stored is None:
            raise DomainError("该整改措施已被删除")
        problem_id = stored.problem_id
        as_history_user(stored, by)
        try:
            stored.delete()
        except ProtectedError as exc:
            raise DomainError("该整改措施已有进展报告，不能删除") from exc
        _renumber(problem_id, by)


# --- the Excel ledger --------------------------------------------------------------------------------


def plan_export_xlsx(rect) -> bytes:
    """整改台账 as an .xlsx: one row per measure, a blank row for a problem without measures."""
    return plan_excel.plan_workbook(rect)


def plan_import_xlsx(*, rect, file, by) -> int:
    """Replace every measure of the plan with those of the sheet. All rows or none: a refusal lists every
    wrong row ("第5行：完成时限不是日期") and every problem left without a measure. Returns how many."""
    _check_editable(rect)
    rows = plan_excel.read_plan_rows(file)
    problems = {p.seq: p for p in rect.problems.order_by("seq")}
    reasons: list[str] = []
    parsed: list[tuple[Problem, dict]] = []
    for row in rows:
        v = row.values
        row_reasons = []
        problem = None
        seq_text = v["problem_seq"]
        if not seq_text:
            row_reasons.append("问题序号不能为空")
        elif not seq_text.isdigit():
            row_reasons.append(f"问题序号“{seq_text}”须为数字（反馈问题的序号）")
        else:
            problem = problems.get(int(seq_text))
            if problem is None:
                row_reasons.append(f"问题序号 {seq_text} 不存在")
        raw_deadline = v["deadline"]
        deadline = None
        deadline_checked = False
        if raw_deadline not in (None, ""):
            deadline = plan_excel.parse_date(raw_deadline)
            if deadline is None:
                row_reasons.append("完成时限不是日期")
                deadline_checked = True
        kind_text = v["kind"]
        kind = plan_excel.KIND_BY_LABEL.get(kind_text, kind_text if kind_text in MeasureKind.values else "")
        row_reasons += measure_problems(
            rect,
            content=v["content"],
            goal=v["goal"],
            deadline=deadline,
            kind=kind,
            responsible_leader=v["responsible_leader"],
            responsible_branch=v["responsible_branch"],
            responsible_person=v["responsible_person"],
            deadline_checked=deadline_checked,
        )
        reasons += [f"第{row.number}行：{r}" for r in row_reasons]
        if not row_reasons:
            parsed.append(
                (
                    problem,
                    {
                        "content": v["content"],
                        "goal": v["goal"],
                        "deadline": deadline,
                        "kind": kind,
                        "responsible_leader": v["responsible_leader"],
                        "responsible_branch": v["responsible_branch"],
                        "responsible_person": v["responsible_person"],
                    },
                )
            )
    if not rows:
        reasons.append("表中没有整改措施：请在“整改台账”表中每行填写一条整改措施")
    else:
        named = set()
        for row in rows:
            if row.values["problem_seq"].isdigit():
                named.add(int(row.values["problem_seq"]))
        for seq, problem in problems.items():
            if seq not in named:
                reasons.append(f"问题{seq}“{problem.title}”没有整改措施：每个反馈问题至少填写一条措施")
    if reasons:
        raise DomainError(plan_excel.IMPORT_FAILED, reasons=reasons)

    with transaction.atomic():
        current = _locked_rect(rect)
        _check_editable(current)
        old = list(Measure.objects.select_for_update(of=("self",)).filter(rectification=current))
        try:
            for measure in old:
                as_history_user(measure, by)
                measure.delete()
        except ProtectedError as exc:
            raise DomainError("已有整改措施写入了进展报告，不能整体替换") from exc
        seqs: dict[int, int] = {}
        new = []
        for problem, values in parsed:
            seqs[problem.pk] = seqs.get(problem.pk, 0) + 1
            new.append(Measure(problem=problem, rectification=current, seq=seqs[problem.pk], **values))
        bulk_create_with_history(
            new, Measure, default_user=by if getattr(by, "is_authenticated", False) else None
        )
    return len(new)


# --- 双承诺 ------------------------------------------------------------------------------------------


def commitment_default_text(rect, kind: str) -> str:
    """A serious first draft the unit adapts: from the unit's name, the round and the deadline."""
    unit = rect.unit.name
    meeting = f"于{cn_date(rect.meeting_date)}" if rect.meeting_date else ""
    deadline = cn_date(rect.deadline)
    opening = f"根据县委巡察工作统一部署，{rect.round}{rect.team.name}对{unit}进行了巡察，并{meeting}反馈了巡察意见。"
    if kind == CommitmentKind.PRINCIPAL:
        return "\n".join(
            [
                opening + f"作为{unit}主要负责人，我郑重承诺：",
                "一、切实扛起巡察整改第一责任人责任，把巡察整改作为重大政治任务，对整改工作直接部署、直接参与、"
                "直接督办，重要问题亲自研究、重要环节亲自协调、重要事项亲自督办。",
                "二、对反馈的问题照单全收、逐条认领，逐项制定整改措施，明确责任领导、责任部门、责任人和完成时限，"
                "形成问题整改落实台账，一个问题一个问题解决，逐一对账销号。",
                "三、坚持真改实改、全面整改，坚决杜绝敷衍整改、虚假整改、纸面整改；立行立改的问题立即改到位，"
                f"限期整改的问题按时限改到位，长期坚持的问题建立长效机制，确保于{deadline}前按期完成整改任务。",
                "四、每半个月报送一次整改进展情况，如实向县纪委监委、县委组织部报告整改工作，"
                "对整改情况报告签字背书，对整改的真实性、完整性负责。",
                "五、自觉接受纪检监察机关、组织部门和巡察机构的监督，如有整改不力、敷衍整改、虚假整改等情形，"
                "愿意承担相应责任。",
            ]
        )
    return "\n".join(
        [
            opening + f"{unit}领导班子全体成员郑重承诺：",
            "一、提高政治站位，把自己摆进去、把职责摆进去、把工作摆进去，主动认领问题，深刻剖析问题根源，"
            "坚决扛起巡察整改主体责任。",
            "二、认真落实“一岗双责”，班子成员按照分工牵头抓好分管领域问题的整改，对照整改台账逐项推进、"
            "逐项落实、逐项销号，做到问题不解决不松手、整改不到位不罢休。",
            f"三、坚持真改实改、按期整改，确保于{deadline}前完成全部整改任务，坚决杜绝敷衍整改、虚假整改。",
            "四、召开巡察整改专题民主生活会，认真开展批评和自我批评，把整改成效体现到改进作风、推动工作上来。",
            "五、坚持举一反三、标本兼治，建立健全相关制度，巩固整改成果，防止问题反弹回潮。",
            "六、自觉接受纪检监察机关、组织部门和巡察机构的监督，对整改工作不力的，领导班子及成员愿意承担相应责任。",
        ]
    )


def commitment_for(rect, kind: str) -> Commitment:
    """The commitment of this kind, or an unsaved draft with the default text."""
    commitment = Commitment.objects.filter(rectification=rect, kind=kind).first()
    if commitment is None:
        commitment = Commitment(rectification=rect, kind=kind, text=commitment_default_text(rect, kind))
    return commitment


def commitment_save(*, rect, kind, text, members="", by) -> Commitment:
    """The unit drafts (or edits) a commitment; once signed it is frozen."""
    if kind not in CommitmentKind.values:
        raise DomainError("承诺书类型不正确")
    text = (text or "").strip()
    members = (members or "").strip()
    with transaction.atomic():
        current = _locked_rect(rect)
        commitment = (
            Commitment.objects.select_for_update(of=("self",))
            .filter(rectification=current, kind=kind)
            .first()
        )
        if commitment is not None and commitment.is_signed:
            raise DomainError("承诺书已签署，不能修改")
        _check_editable(current)
        reasons = []
        if not text:
            reasons.append("承诺内容不能为空")
        elif len(text) > COMMITMENT_TEXT_MAX:
            reasons.append(f"承诺内容不能超过{COMMITMENT_TEXT_MAX}个字")
        if kind == CommitmentKind.LEADERSHIP and not members:
            reasons.append("请填写领导班子成员姓名")
        if len(members) > MEMBERS_MAX:
            reasons.append(f"领导班子成员不能超过{MEMBERS_MAX}个字")
        if reasons:
            raise DomainError(f"{CommitmentKind(kind).label}未保存", reasons=reasons)
        if commitment is None:
            commitment = Commitment(rectification=current, kind=kind)
        commitment.text = text
        commitment.members = members if kind == CommitmentKind.LEADERSHIP else ""
        as_history_user(commitment, by)
        commitment.save()
    return commitment


def commitment_payload(commitment: Commitment) -> dict:
    """What the SHA-256 of a signed commitment covers (recomputable from the record)."""
    return {
        "kind": commitment.kind,
        "text": commitment.text,
        "members": commitment.members,
        "unit": commitment.rectification.unit.name,
        "signer": commitment.signer_name,
        "signed_at": commitment.signed_at.isoformat() if commitment.signed_at else "",
    }


def commitment_sign(*, commitment, user, password) -> Commitment:
    """The unit's principal signs, re-entering his password: the text is frozen and its SHA-256 kept."""
    with transaction.atomic():
        current = (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("rectification__unit")
            .get(pk=commitment.pk)
        )
        rect = current.rectification
        if current.is_signed:
            raise DomainError("承诺书已签署，不能重复签署")
        _check_editable(rect)
        if not current.text.strip():
            raise DomainError("承诺书内容为空，不能签署")
        if current.kind == CommitmentKind.LEADERSHIP and not current.members.strip():
            raise DomainError("请先填写领导班子成员，再签署领导班子承诺书")
        signing.verify_signer(user=user, password=password, rect=rect)
        current.signed_by = user
        current.signer_name = (getattr(user, "name", "") or user.get_username())[:50]
        current.signed_at = timezone.now()
        current.sha256 = signing.content_sha256(commitment_payload(current))
        current.sm3 = signing.content_sm3(commitment_payload(current))
        as_history_user(current, user)
        current.save()
    return current


# --- submit, approve, return -------------------------------------------------------------------------


def plan_submit_problems(rect) -> list[str]:
    """Why the plan cannot be submitted yet (empty when it can)."""
    reasons = []
    problems = list(rect.problems.annotate(n=Count("measures")).order_by("seq"))
    if not problems:
        reasons.append("没有反馈问题，无需报送整改方案")
    for problem in problems:
        if not problem.n:
            reasons.append(f"问题{problem.seq}尚未制定整改措施")
    signed = set(rect.commitments.filter(signed_at__isnull=False).values_list("kind", flat=True))
    for kind in CommitmentKind:
        if kind.value not in signed:
            reasons.append(f"{kind.label}尚未签署")
    return reasons


def plan_submit(*, rect, by) -> Rectification:
    """The unit submits its plan to the office for review."""
    access.check(by, "edit_plan", rect, message=f"只有{rect.unit.name}的主要负责人或联络员可以报送整改方案")
    with transaction.atomic():
        current = _locked_rect(rect)
        if current.status == RectStatus.PLAN_SUBMITTED:
            raise DomainError("整改方案已报送，正在等待巡察办审核")
        if current.status != RectStatus.PLANNING:
            raise DomainError(not_editable_message(current).replace("，不能修改", "，不能再次报送"))
        reasons = plan_submit_problems(current)
        if reasons:
            raise DomainError("整改方案未报送", reasons=reasons)

        def submitted(rect, _):
            count = rect.measures.count()
            notify(
                recipients=office_users(),
                title=f"{rect.unit.name}报送了整改方案，请审核",
                body=f"{rect.round}{rect.unit.name}报送整改方案，共{count}条整改措施，双承诺已签署。",
                link=_link(rect),
                dedupe_key=f"rect:{rect.pk}:plan_submit:{rect.plan_submitted_at.isoformat()}",
            )

        transition(
            current,
            "submit_plan",
            by=by,
            changes={"plan_submitted_at": timezone.now(), "plan_return_reason": ""},
            after=submitted,
        )
    return current


def plan_approve(*, rect, by) -> Rectification:
    """The office approves the plan: the rectification is under way (整改中)."""
    access.check(by, "approve_plan", rect, message="只有巡察办可以审核整改方案")
    with transaction.atomic():
        current = _locked_rect(rect)
        if current.status != RectStatus.PLAN_SUBMITTED:
            raise DomainError(f"整改方案当前为“{current.get_status_display()}”，没有待审核的方案")

        def approved(rect, _):
            notify(
                recipients=rect.unit.own_users,
                title="整改方案已审核通过",
                body=f"{rect.unit.name}的整改方案已由巡察办审核通过，请按整改台账抓好落实，"
                f"每半个月报送一次整改进展情况，整改期限为{cn_date(rect.deadline)}。",
                link=_link(rect),
                dedupe_key=f"rect:{rect.pk}:plan_approve",
            )

        transition(
            current,
            "approve_plan",
            by=by,
            changes={"plan_approved_at": timezone.now(), "plan_approved_by": by},
            after=approved,
        )
    return current


def plan_return(*, rect, reason, by) -> Rectification:
    """The office sends the plan back with its reasons; the unit revises and submits again."""
    access.check(by, "return_plan", rect, message="只有巡察办可以退回整改方案")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写退回理由")
    with transaction.atomic():
        current = _locked_rect(rect)
        if current.status != RectStatus.PLAN_SUBMITTED:
            raise DomainError(f"整改方案当前为“{current.get_status_display()}”，没有待审核的方案")

        def returned(rect, _):
            notify(
                recipients=rect.unit.own_users,
                title="整改方案被退回修改",
                body=f"巡察办退回了{rect.unit.name}的整改方案，理由：{reason}",
                link=_link(rect),
                dedupe_key=f"rect:{rect.pk}:plan_return:{timezone.now().isoformat()}",
            )

        transition(
            current, "return_plan", by=by, reason=reason, changes={"plan_return_reason": reason}, after=returned
        )
    return current
