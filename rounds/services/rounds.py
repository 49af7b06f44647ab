"""Rounds, their milestones and the stage machine 筹备 → 动员部署 → 进驻 → 报告 → 反馈 → 整改 → 完成."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from xuncha import access
from xuncha.core.services import as_history_user
from xuncha.core.transitions import Transition, Workflow, transition
from xuncha.errors import DomainError

from ..models import (
    AnnouncementStatus,
    Milestone,
    MilestoneKind,
    Round,
    RoundKind,
    RoundStatus,
    RoundTransition,
    Term,
)

ONLY_OFFICE = "只有巡察办可以管理巡察轮次"


def term_save(*, term: Term, by=None) -> Term:
    """Save a term; marking it current unmarks the previous current term."""
    access.check(by, "rounds.manage_terms", message="只有巡察办可以维护届次")
    if term.end_date <= term.start_date:
        raise DomainError("届次的结束日期须晚于开始日期")
    with transaction.atomic():
        if term.is_current:
            # One by one, so each term's history records the change.
            for other in Term.objects.select_for_update().filter(is_current=True).exclude(pk=term.pk):
                other.is_current = False
                as_history_user(other, by)
                other.save(update_fields=["is_current"])
        term.save()
    return term


def _validate_round(round: Round) -> None:
    if round.kind == RoundKind.SPECIAL and not round.theme.strip():
        raise DomainError("专项巡察须填写专项主题")
    if round.kind == RoundKind.LOOKBACK:
        if not round.revisit_of_id:
            raise DomainError("回头看须选择所回头看的轮次")
        if round.revisit_of_id == round.pk:
            raise DomainError("回头看不能选择本轮")
        earlier = round.revisit_of
        if earlier.term.start_date > round.term.start_date or (
            earlier.term_id == round.term_id and earlier.number >= round.number
        ):
            raise DomainError("回头看只能选择此前的轮次")
    elif round.revisit_of_id:
        round.revisit_of = None
    if round.planned_end < round.planned_start:
        raise DomainError("计划结束日期不能早于计划开始日期")
    clash = Round.objects.filter(term_id=round.term_id, number=round.number).exclude(pk=round.pk)
    if clash.exists():
        raise DomainError(f"{round.term}已有第{round.number}轮，请换一个轮次号")


def round_number_warning(round: Round) -> str:
    """A warning when the round's number skips numbers of its term ("" if not): 第3轮 after 第1轮."""
    if not round.term_id or not round.number:
        return ""
    last = Round.objects.filter(term_id=round.term_id).exclude(pk=round.pk).aggregate(n=Max("number"))["n"] or 0
    if round.number <= last + 1:
        return ""
    skipped = "、".join(f"第{n}轮" for n in range(last + 1, round.number))
    now = f"现有轮次到第{last}轮" if last else "尚无轮次"
    return f"{round.term}{now}，第{round.number}轮跳过了{skipped}；请核对轮次号，确需跳号的，请填写轮次号说明"


def round_create(*, round: Round, by, number_note: str = "") -> Round:
    """Create a round in 筹备 with one empty milestone of each kind. A number that skips numbers of the
    term needs `number_note` (kept as the reason in the round's history)."""
    access.check(by, "rounds.add_round", message=ONLY_OFFICE)
    _validate_round(round)
    number_note = (number_note or "").strip()
    if len(number_note) > 200:
        raise DomainError("轮次号说明不能超过200字")
    warning = round_number_warning(round)
    if warning and not number_note:
        raise DomainError(warning)
    if warning:
        round._change_reason = f"轮次号说明：{number_note}"[:100]
    if round.status != RoundStatus.PREPARING:
        raise DomainError("新建的轮次须从“筹备”阶段开始")
    with transaction.atomic():
        round.created_by = by
        round.save()
        bulk_create_with_history(
            [Milestone(round=round, kind=kind) for kind in MilestoneKind.values], Milestone, default_user=by
        )
    return round


def round_update(*, round: Round, by) -> Round:
    access.check(by, "change", round, message=ONLY_OFFICE)
    if round.status == RoundStatus.DONE:
        raise DomainError("已完成的轮次不能修改")
    _validate_round(round)
    round.save()
    return round


def milestone_update(
    *, milestone: Milestone, planned_date: date | None, actual_date: date | None, note: str = "", by
) -> Milestone:
    access.check(by, "edit_milestones", milestone.round, message=ONLY_OFFICE)
    if milestone.round.status == RoundStatus.DONE:
        raise DomainError("已完成的轮次不能修改工作节点")
    if actual_date and actual_date > timezone.localdate():
        raise DomainError("实际日期不能晚于今天")
    milestone.planned_date = planned_date
    milestone.actual_date = actual_date
    milestone.note = note
    milestone.save()
    return milestone


# --- the stage machine ----------------------------------------------------------------------------


def _milestones(round: Round) -> dict[str, Milestone]:
    return {m.kind: m for m in round.milestones.all()}


def _team_facts(round: Round):
    return round.teams.annotate(
        leaders=Count("members", filter=Q(members__role="leader"), distinct=True),
        others=Count("members", filter=~Q(members__role="leader"), distinct=True),
        units=Count("assignments", distinct=True),
    ).order_by("number")


def _guard_mobilize(round: Round) -> list[str]:
    reasons = []
    teams = list(_team_facts(round))
    if not teams:
        reasons.append("尚未组建巡察组")
    for team in teams:
        if team.leaders == 0:
            reasons.append(f"{team.name}尚未确定组长")
        if team.units == 0:
            reasons.append(f"{team.name}尚未分配被巡察单位")
    if not _milestones(round)[MilestoneKind.MOBILIZATION].planned_date:
        reasons.append("尚未确定动员部署会日期")
    return reasons


def _guard_station(round: Round) -> list[str]:
    reasons = []
    teams = list(_team_facts(round))
    if not teams:
        reasons.append("尚未组建巡察组")
    for team in teams:
        if team.leaders == 0:
            reasons.append(f"{team.name}尚未确定组长")
        if team.others == 0:
            reasons.append(f"{team.name}除组长外尚无成员")
        if team.units == 0:
            reasons.append(f"{team.name}尚未分配被巡察单位")
    for a in round.assignments.select_related("unit", "announcement").order_by("unit__name"):
        announcement = getattr(a, "announcement", None)
        if announcement is None or announcement.status != AnnouncementStatus.PUBLISHED:
            reasons.append(f"{a.unit.name}的巡察公告尚未发布")
        if not (a.onsite_start and a.onsite_end):
            reasons.append(f"{a.unit.name}尚未确定进驻时间")
    return reasons


def _needs_actual(*kinds: str) -> Callable[[Round], list[str]]:
    def guard(round: Round) -> list[str]:
        ms = _milestones(round)
        return [f"尚未记录“{MilestoneKind(k).label}”的实际日期" for k in kinds if not ms[k].actual_date]

    return guard


def _needs_planned(*kinds: str) -> Callable[[Round], list[str]]:
    def guard(round: Round) -> list[str]:
        ms = _milestones(round)
        return [f"尚未确定“{MilestoneKind(k).label}”的计划日期" for k in kinds if not ms[k].planned_date]

    return guard


# What must be true, besides the milestones, before a round is complete. Apps above rounds register
# theirs when they are ready (rectification: every unit's rectification is closed and rated), so that
# rounds never imports them. Each guard returns the reasons it refuses, in the user's words.
CLOSE_GUARDS: list[Callable[[Round], list[str]]] = []


def register_close_guard(guard: Callable[[Round], list[str]]) -> None:
    """Called by an app above rounds in its AppConfig.ready()."""
    if guard not in CLOSE_GUARDS:
        CLOSE_GUARDS.append(guard)


def _close_guards(round: Round) -> list[str]:
    return [reason for guard in CLOSE_GUARDS for reason in guard(round)]


@dataclass(frozen=True)
class RoundAction:
    name: str
    label: str
    source: RoundStatus
    target: RoundStatus
    guards: tuple[Callable[[Round], list[str]], ...]
    # The milestone whose actual date is the day of the transition, when not yet recorded.
    records: str | None = None


# The only place that lists the allowed stage transitions.
ROUND_ACTIONS: dict[str, RoundAction] = {
    a.name: a
    for a in [
        RoundAction("mobilize", "开始动员部署", RoundStatus.PREPARING, RoundStatus.MOBILIZING, (_guard_mobilize,)),
        RoundAction(
            "station",
            "进驻",
            RoundStatus.MOBILIZING,
            RoundStatus.STATIONED,
            (_needs_actual(MilestoneKind.MOBILIZATION), _guard_station),
            records=MilestoneKind.STATIONING,
        ),
        RoundAction(
            "report",
            "结束进驻，转入报告",
            RoundStatus.STATIONED,
            RoundStatus.REPORTING,
            (_needs_actual(MilestoneKind.STATIONING),),
        ),
        RoundAction(
            "feedback",
            "转入反馈",
            RoundStatus.REPORTING,
            RoundStatus.FEEDBACK,
            (_needs_actual(MilestoneKind.REPORT_GROUP, MilestoneKind.REPORT_FIVE),),
        ),
        RoundAction(
            "rectify",
            "转入整改",
            RoundStatus.FEEDBACK,
            RoundStatus.RECTIFYING,
            (_needs_actual(MilestoneKind.FEEDBACK), _needs_planned(MilestoneKind.RECTIFY_DEADLINE)),
        ),
        RoundAction(
            "complete",
            "整改完成，结束本轮",
            RoundStatus.RECTIFYING,
            RoundStatus.DONE,
            (_needs_actual(MilestoneKind.RECTIFY_DEADLINE), _close_guards),
        ),
    ]
}


def round_action_checks(round: Round) -> list[tuple[RoundAction, list[str]]]:
    """The actions open from the round's stage, each with the reasons it would be refused now."""
    return [
        (action, [r for guard in action.guards for r in guard(round)])
        for action in ROUND_ACTIONS.values()
        if action.source == round.status
    ]


# The stage machine as the one status helper reads it: each action from its one source stage, made by
# whoever may "transition" the round (the office). The guards above stay the round's own conditions.
ROUND_FLOW = Workflow(
    "rounds.round",
    [Transition(a.name, [a.source], a.target, a.label, permission="transition") for a in ROUND_ACTIONS.values()],
)


def _wrong_stage(round: Round, spec: RoundAction) -> str:
    return f"当前阶段为“{round.get_status_display()}”，不能执行“{spec.label}”（须在“{spec.source.label}”阶段）"


def round_transition(*, round: Round, action: str, by, note: str = "") -> Round:
    """Move a round to its next stage, if the stage's conditions are met; records who and when."""
    spec = ROUND_ACTIONS.get(action)
    if spec is None:
        raise DomainError("未知的操作")
    access.check(by, "transition", round, message=ONLY_OFFICE)
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        if round.status != spec.source:
            raise DomainError(_wrong_stage(round, spec))
        reasons = [r for guard in spec.guards for r in guard(round)]
        if reasons:
            raise DomainError(f"不能{spec.label}", reasons=reasons)

        def after(round: Round, t: Transition) -> None:
            if spec.records:
                milestone = Milestone.objects.get(round=round, kind=spec.records)
                if milestone.actual_date is None:
                    milestone.actual_date = timezone.localdate()
                    milestone.save()  # a save, not an update(), so the history records it
            RoundTransition.objects.create(
                round=round, from_status=spec.source, to_status=t.target, by=by, note=note
            )

        return transition(round, action, by=by, reason=note, after=after, message=_wrong_stage(round, spec))
