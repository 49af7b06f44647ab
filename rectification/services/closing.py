"""对账销号 and 整改评估: the office checks each measure against its evidence and closes it (销号), or
returns it to the unit with a reason (退回); a closed measure whose problem comes back is reopened (反弹),
with a reason, even after the rectification closed (which then goes back to 整改中). The rectification
closes when every measure is closed or long-term (长期坚持) and the final report is in; the office rates
it. 问责 for 整改不力, 敷衍整改 or 虚假整改 is recorded against the unit or a person.

    measure: 整改中 ──close──▶ 已销号 ──reopen (反弹)──▶ 整改中
             整改中 ──return──▶ 退回重改 ──close──▶ 已销号

A returned measure is closed only once the unit has reported on it again (a report version submitted
after the return speaks of it, with its progress and evidence): the office cannot close what it sent
back without the unit having answered.

Every step is a `MeasureEvent` with its reason, and the measure's history records who changed what.
The reads of the ledger and the 回头看 pages (`latest_entries`, `last_rating`, `last_closed_at`) are in
`rectification.selectors.closing`.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from xuncha import access
from xuncha.core.services import as_history_user, office_users
from xuncha.core.transitions import transition
from xuncha.errors import DomainError
from xuncha.notifications.services import notify

from ..models import (
    Accountability,
    AccountabilityReason,
    Measure,
    MeasureEvent,
    MeasureKind,
    MeasureStatus,
    Rating,
    Rectification,
    RectStatus,
    Report,
    ReportEntry,
    ReportKind,
    VersionStatus,
)
from .workflows import MEASURE_FLOW, RECT_FLOW  # noqa: F401  the status tables

REASON_MAX = 2000



def _ledger_link(rect) -> str:
    return reverse("rectification:ledger", args=[rect.pk])


def _locked_rect(rect_id) -> Rectification:
    return (
        Rectification.objects.select_for_update(of=("self",)).select_related("unit", "round").get(pk=rect_id)
    )


def _locked_measure(measure) -> Measure:
    return Measure.objects.select_for_update(of=("self",)).select_related("problem").get(pk=measure.pk)


def _reason(reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{what}")
    if len(reason) > REASON_MAX:
        raise DomainError(f"{what}不能超过{REASON_MAX}字")
    return reason


# --- measures (对账销号) -------------------------------------------------------------------------------


def answered_returns(measure_ids) -> set[int]:
    """Of these measures, those the unit has answered: never returned, or reported on (a report version
    submitted after the office's last return speaks of it). One query for any number of measures."""
    last_return = (
        MeasureEvent.objects.filter(measure=OuterRef("pk"), action=MeasureEvent.Action.RETURN)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    reported = ReportEntry.objects.filter(
        measure=OuterRef("pk"),
        version__status__in=(VersionStatus.SUBMITTED, VersionStatus.SIGNED),
        version__submitted_at__gt=OuterRef("last_return"),
    )
    answered = (
        Measure.objects.filter(pk__in=list(measure_ids))
        .annotate(last_return=Subquery(last_return))
        .filter(Q(last_return=None) | Exists(reported))
    )
    return set(answered.values_list("pk", flat=True))


def reported_since_return(measure: Measure) -> bool:
    """Has the unit submitted new progress on a returned measure since the office last returned it?"""
    return measure.pk in answered_returns([measure.pk])


def close_refusal(rect: Rectification, measure: Measure, *, answered: bool | None = None) -> str:
    """Why the office may not close this measure now ("" if it may): the one rule of `measure_close`,
    also read by the bulk close's confirmation page. `answered`: `reported_since_return`, if known."""
    if rect.status != RectStatus.IN_PROGRESS:
        return f"整改当前为“{rect.get_status_display()}”，不能销号（须在“整改中”）"
    if measure.status == MeasureStatus.CLOSED:
        return f"措施{measure.number}已销号"
    if measure.status == MeasureStatus.RETURNED:
        if answered is None:
            answered = reported_since_return(measure)
        if not answered:
            return f"措施{measure.number}已退回重改，须待单位在整改报告中报送新的整改进展或佐证材料后才能销号"
    return ""


def measure_close(*, measure: Measure, by, reason: str = "", version: int | None = None) -> Measure:
    """销号: the office found the measure done (against its evidence). From 整改中 or 退回重改.
    `version`: the measure's version the office's page showed (a repeated click acts once)."""
    access.check(by, "close_measures", measure.rectification, message="只有巡察办可以对整改措施销号")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(f"销号意见不能超过{REASON_MAX}字")
    with transaction.atomic():
        rect = _locked_rect(measure.rectification_id)
        current = _locked_measure(measure)
        refusal = close_refusal(rect, current)
        if refusal:
            raise DomainError(refusal)
        transition(
            current,
            "close",
            by=by,
            version=version,
            changes={"closed_at": timezone.now(), "closed_by": by},
            after=lambda m, t: MeasureEvent.objects.create(
                measure=m, action=MeasureEvent.Action.CLOSE, reason=reason, by=by
            ),
        )
    return current


def measure_return(*, measure: Measure, reason: str, by, version: int | None = None) -> Measure:
    """退回: the office found the measure not done; the unit's principal and liaison are told why.

    A returned measure may be returned again once the unit has reported on it since (and it is still not
    done); before that there is nothing new to judge, and twenty clicks return it once."""
    access.check(by, "close_measures", measure.rectification, message="只有巡察办可以退回整改措施")
    reason = _reason(reason, "退回理由")
    with transaction.atomic():
        rect = _locked_rect(measure.rectification_id)
        current = _locked_measure(measure)
        if rect.status != RectStatus.IN_PROGRESS:
            raise DomainError(f"整改当前为“{rect.get_status_display()}”，不能退回措施（须在“整改中”）")
        if current.status == MeasureStatus.CLOSED:
            raise DomainError(f"措施{current.number}已销号；问题反弹的，请“反弹重开”")
        if current.status == MeasureStatus.RETURNED and not reported_since_return(current):
            # Nothing new to judge: a second 退回 (a double click, a colleague's) would tell the unit twice.
            raise DomainError(f"措施{current.number}已退回重改，单位尚未报送新的整改进展，无需再次退回")

        def returned(measure, _):
            event = MeasureEvent.objects.create(
                measure=measure, action=MeasureEvent.Action.RETURN, reason=reason, by=by
            )
            notify(
                recipients=rect.unit.own_users,
                title=f"整改措施{measure.number}被退回重改",
                body=f"{rect.unit.name}：措施{measure.number}“{measure.content[:40]}”经巡察办核查未完成整改，"
                f"退回理由：{reason}",
                link=_ledger_link(rect),
                dedupe_key=f"rect-measure-return-{event.pk}",
            )

        transition(current, "return", by=by, after=returned, version=version)
    return current


def measure_reopen(*, measure: Measure, reason: str, by, version: int | None = None) -> Measure:
    """反弹重开: a closed measure whose problem came back is open again. If the rectification had closed,
    it goes back to 整改中 (its earlier rating stays in the history). The unit and the office are told."""
    access.check(by, "close_measures", measure.rectification, message="只有巡察办可以反弹重开整改措施")
    reason = _reason(reason, "反弹重开的理由")
    with transaction.atomic():
        rect = _locked_rect(measure.rectification_id)
        current = _locked_measure(measure)
        if rect.status not in (RectStatus.IN_PROGRESS, RectStatus.CLOSED):
            raise DomainError(f"整改当前为“{rect.get_status_display()}”，不能反弹重开")
        if current.status != MeasureStatus.CLOSED:
            raise DomainError(f"措施{current.number}尚未销号，不需要重开")

        def reopened(measure, _):
            event = MeasureEvent.objects.create(
                measure=measure, action=MeasureEvent.Action.REOPEN, reason=reason, by=by
            )
            reopened_rect = rect.status == RectStatus.CLOSED
            if reopened_rect:
                transition(
                    rect,
                    "reopen",
                    by=by,
                    reason=f"措施{measure.number}反弹重开",
                    changes={"closed_at": None, "rating": "", "rating_note": "", "rated_by": None},
                )
            tail = "，整改重新转入“整改中”" if reopened_rect else ""
            notify(
                recipients=[*rect.unit.own_users, *office_users()],
                title=f"整改措施{measure.number}反弹重开",
                body=f"{rect.unit.name}：措施{measure.number}“{measure.content[:40]}”问题反弹，已重开{tail}。"
                f"理由：{reason}",
                link=_ledger_link(rect),
                dedupe_key=f"rect-measure-reopen-{event.pk}",
            )

        transition(
            current,
            "reopen",
            by=by,
            version=version,
            changes={"closed_at": None, "closed_by": None, "reopen_count": current.reopen_count + 1},
            after=reopened,
        )
    return current


# --- closing and rating (整改评估) ----------------------------------------------------------------------


def close_problems(rect: Rectification) -> list[str]:
    """Why the rectification cannot close now (empty when it can): measures not done, no final report."""
    reasons = []
    if rect.status != RectStatus.IN_PROGRESS:
        reasons.append(f"整改当前为“{rect.get_status_display()}”，只有“整改中”的整改可以办结")
    # Only the measures not done, as plain values: a ledger of hundreds of measures shows this on every view.
    undone = (
        rect.measures.filter(problem__rectification=rect)  # see views.closing.ledger
        .exclude(status=MeasureStatus.CLOSED)
        .exclude(kind=MeasureKind.LONG_TERM)
        .order_by("problem__seq", "seq")
        .values_list("problem__seq", "seq", "status")
    )
    if not undone and not rect.measures.exists():
        reasons.append("整改台账中没有整改措施")
    for problem_seq, seq, status in undone:
        tail = "（已退回重改）" if status == MeasureStatus.RETURNED else ""
        reasons.append(f"措施{problem_seq}.{seq}尚未销号{tail}")
    final_in = Report.objects.filter(
        rectification=rect, kind=ReportKind.FINAL, submitted_at__isnull=False
    ).exists()
    if not final_in:
        reasons.append("整改情况报告尚未报送")
    return reasons


def rectification_close(*, rect: Rectification, rating: str, note: str, by) -> Rectification:
    """整改评估并办结: every measure closed or long-term, the final report in; the office rates it."""
    access.check(by, "close", rect, message="只有巡察办可以评估并办结整改")
    note = (note or "").strip()
    with transaction.atomic():
        current = _locked_rect(rect.pk)
        reasons = close_problems(current)
        if rating not in Rating.values:
            reasons.append("请选择整改评估等次")
        if len(note) > REASON_MAX:
            reasons.append(f"评估意见不能超过{REASON_MAX}字")
        if reasons:
            raise DomainError("整改尚不能办结", reasons=reasons)

        def closed(rect, _):
            notify(
                recipients=rect.unit.own_users,
                title=f"{rect.unit.name}整改已办结",
                body=f"巡察办已完成整改评估：{rect.get_rating_display()}。",
                link=_ledger_link(rect),
                dedupe_key=f"rect-closed-{rect.pk}-{rect.closed_at.isoformat()}",
            )

        transition(
            current,
            "close",
            by=by,
            changes={"closed_at": timezone.now(), "rating": rating, "rating_note": note, "rated_by": by},
            after=closed,
        )
    return current


# --- accountability (问责) ----------------------------------------------------------------------------


def _validate_accountability(acc: Accountability) -> None:
    reasons = []
    if acc.target not in Accountability.Target.values:
        reasons.append("请选择问责对象类型")
    for field, label in (("target_name", "问责对象"), ("facts", "主要事实"), ("action", "问责方式")):
        setattr(acc, field, (getattr(acc, field) or "").strip())
        if not getattr(acc, field):
            reasons.append(f"请填写{label}")
    acc.target_post = (acc.target_post or "").strip()
    if acc.reason not in AccountabilityReason.values:
        reasons.append("请选择问责情形（整改不力、敷衍整改或虚假整改）")
    if acc.decided_on is None:
        reasons.append("请填写问责日期")
    elif acc.decided_on > timezone.localdate():
        reasons.append("问责日期不能晚于今天")
    if reasons:
        raise DomainError("问责记录未保存", reasons=reasons)


def _check_rect_for_accountability(rect: Rectification) -> None:
    if not rect.fed_back:
        raise DomainError("尚未召开反馈会，不能记录整改问责")


def accountability_add(*, rect: Rectification, accountability: Accountability, by) -> Accountability:
    """Record 问责 against the unit or a person of this rectification."""
    access.check(by, "record_accountability", rect, message="只有巡察办可以记录整改问责")
    _check_rect_for_accountability(rect)
    _validate_accountability(accountability)
    accountability.pk = None
    accountability.rectification = rect
    accountability.recorded_by = by
    as_history_user(accountability, by)
    accountability.save()
    return accountability


def accountability_update(*, accountability: Accountability, by) -> Accountability:
    """Correct a 问责 record; the history keeps what it said before."""
    access.check(by, "record_accountability", accountability.rectification, message="只有巡察办可以修改整改问责")
    if accountability.pk is None:
        raise DomainError("问责记录不存在")
    _validate_accountability(accountability)
    as_history_user(accountability, by)
    accountability.save()
    return accountability
