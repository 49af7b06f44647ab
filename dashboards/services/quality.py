"""Writes of the quality evaluation (巡察质量考评): the weights and the talk threshold, and the scores.

Only the office writes. The leadership group's score is recorded by the office on the group's behalf
(the leader role reads only, everywhere); the units' scores are recorded by the office from the units'
evaluation forms, one per inspected unit. Every change keeps its history (simple-history, with the user).
A refusal is a DomainError with a Chinese message.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction

from dashboards.models import QualitySettings, ScoreSource, TeamScore
from dashboards.selectors.quality import EVALUABLE_STATUSES, score_sheet_stamp
from rounds.models import Assignment, Unit
from teams.models import Team
from xuncha import access
from xuncha.core.services import as_history_user
from xuncha.errors import DomainError

HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# A score as the forms hand it over: (score or None to clear it, note).
ScoreEntry = tuple[Decimal | None, str]


class StaleScoreSheet(DomainError):
    """The score sheet was saved over a change another office user made after it was loaded."""

    def __init__(self, current: str):
        self.current = current
        super().__init__("保存未成功：在您打开此页面之后，他人修改了本组的评分")



def _decimal(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError(f"{label}应为数字") from None
    if not number.is_finite():
        raise DomainError(f"{label}应为数字")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _in_range(value, label: str) -> Decimal:
    number = _decimal(value, label)
    if number < 0 or number > HUNDRED:
        raise DomainError(f"{label}应在0至100之间")
    return number


# --- settings -------------------------------------------------------------------------------------


def settings_save(*, leadership_weight, office_weight, unit_weight, talk_threshold, by) -> QualitySettings:
    """The weights of the three scores (percentages summing to 100) and the talk threshold (a total
    below it flags the team for a talk, 约谈)."""
    access.require(by, "dashboards.evaluate", message="只有巡察办可以修改考评设置")
    weights = {
        "leadership_weight": _in_range(leadership_weight, "领导小组评分权重"),
        "office_weight": _in_range(office_weight, "巡察办评分权重"),
        "unit_weight": _in_range(unit_weight, "被巡察单位评分权重"),
    }
    threshold = _in_range(talk_threshold, "约谈线")
    total = sum(weights.values(), Decimal(0))
    if total != HUNDRED:
        raise DomainError(f"三项评分权重之和应为100%，当前为{total.normalize():f}%")
    with transaction.atomic():
        current = QualitySettings.current()
        settings = QualitySettings.objects.select_for_update().get(pk=current.pk)
        changed = any(getattr(settings, k) != v for k, v in weights.items()) or (
            settings.talk_threshold != threshold
        )
        if not changed:
            return settings
        for name, value in weights.items():
            setattr(settings, name, value)
        settings.talk_threshold = threshold
        settings.updated_by = by
        as_history_user(settings, by)
        settings.save()
    return settings


# --- scores ---------------------------------------------------------------------------------------


def _check_team(team: Team) -> None:
    if team.round.status not in EVALUABLE_STATUSES:
        raise DomainError(f"{team}尚未进驻被巡察单位，还没有可评价的巡察工作")


def _check_unit(team: Team, source: str, unit: Unit | None) -> None:
    if source not in ScoreSource.values:
        raise DomainError("评分主体不正确")
    if source == ScoreSource.UNIT:
        if unit is None:
            raise DomainError("被巡察单位评分须指明评分单位")
        if not Assignment.objects.filter(team_id=team.pk, unit_id=unit.pk).exists():
            raise DomainError(f"{unit.name}不是{team}的被巡察单位，不能为该组评分")
    elif unit is not None:
        raise DomainError(f"{ScoreSource(source).label}评分不对应具体单位")


def _existing(team: Team, source: str, unit: Unit | None) -> TeamScore | None:
    scores = TeamScore.objects.filter(team_id=team.pk, source=source)
    scores = scores.filter(unit_id=unit.pk) if unit is not None else scores.filter(unit__isnull=True)
    return scores.first()


def _save(team: Team, source: str, unit: Unit | None, score: Decimal, note: str, by) -> TeamScore | None:
    """Create or update; None when nothing changed (no history row for nothing)."""
    row = _existing(team, source, unit)
    if row is not None and row.score == score and row.note == note:
        return None
    if row is None:
        row = TeamScore(team=team, source=source, unit=unit)
    row.score, row.note, row.scored_by = score, note, by
    as_history_user(row, by)
    row.save()
    return row


def _clear(team: Team, source: str, unit: Unit | None, by) -> bool:
    row = _existing(team, source, unit)
    if row is None:
        return False
    as_history_user(row, by)
    row.delete()
    return True


def _lock(team: Team) -> Team:
    return Team.objects.select_for_update(of=("self",)).select_related("round").get(pk=team.pk)


def score_save(*, team: Team, source: str, score, note: str = "", unit: Unit | None = None, by) -> TeamScore:
    """Record (or correct) one score of a team: the leadership group's, the office's, or one inspected
    unit's (`unit` given). Returns the score row."""
    access.require(by, "dashboards.evaluate", message="只有巡察办可以录入考评评分")
    value = _in_range(score, "评分")
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError("评价意见不超过300字")
    with transaction.atomic():
        team = _lock(team)
        _check_team(team)
        _check_unit(team, source, unit)
        return _save(team, source, unit, value, note, by) or _existing(team, source, unit)


def score_clear(*, team: Team, source: str, unit: Unit | None = None, by) -> bool:
    """Remove a score entered by mistake (its history stays). True if there was one."""
    access.require(by, "dashboards.evaluate", message="只有巡察办可以删除考评评分")
    with transaction.atomic():
        team = _lock(team)
        _check_unit(team, source, unit)
        return _clear(team, source, unit, by)


def team_scores_save(
    *,
    team: Team,
    leadership: ScoreEntry,
    office: ScoreEntry,
    units: dict[Unit, ScoreEntry],
    by,
    expected_stamp: str | None = None,
) -> int:
    """The team's score sheet in one go: the leadership group's and the office's scores and each unit's.
    An entry whose score is None clears that score. Every entry is checked before anything is written.
    `expected_stamp` is the sheet's `score_sheet_stamp` when the form was loaded: under the team's row
    lock, a sheet that moved on since is refused (`StaleScoreSheet`), never overwritten.
    Returns how many scores changed."""
    access.require(by, "dashboards.evaluate", message="只有巡察办可以录入考评评分")
    entries: list[tuple[str, Unit | None, Decimal | None, str]] = []
    for source, unit, (score, note) in [
        (ScoreSource.LEADERSHIP, None, leadership),
        (ScoreSource.OFFICE, None, office),
        *[(ScoreSource.UNIT, unit, entry) for unit, entry in units.items()],
    ]:
        note = (note or "").strip()
        label = f"{unit.name}的评分" if unit is not None else f"{ScoreSource(source).label}评分"
        if score is None and note:
            raise DomainError(f"填写了{label}的评价意见，请同时填写评分")
        if len(note) > 300:
            raise DomainError(f"{label}的评价意见不超过300字")
        entries.append((source, unit, None if score is None else _in_range(score, label), note))
    changed = 0
    with transaction.atomic():
        team = _lock(team)
        if expected_stamp is not None:
            current = score_sheet_stamp(team)
            if current != expected_stamp:
                raise StaleScoreSheet(current)
        if any(score is not None for _, _, score, _ in entries):
            _check_team(team)
        for source, unit, score, note in entries:
            _check_unit(team, source, unit)
            if score is None:
                changed += _clear(team, source, unit, by)
            else:
                changed += _save(team, source, unit, score, note, by) is not None
    return changed
