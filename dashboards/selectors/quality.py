"""Quality evaluation of the teams (巡察质量考评): indicators computed from the data, the three scores,
the weighted total, the ranking and the flag for a talk (约谈).

Seed 000: "试行建立巡察质量考评制度，对巡察搞形式走过场、线索质量不高等问题，将约谈相关责任人".

A team belongs to one round, so "per team and round" is one row per `Team`. The indicators are read in
one query whatever the number of teams (correlated counts on the teams), the scores in one more, the
weights in one: `team_quality()` costs the same for one team or a hundred.

Indicators (a ratio whose denominator is 0 is None, shown "—"; for a team of an archival round (历史录入)
the workbook gives no leads and no review history, so only findings per unit and rectification completion
are computed, and the page says so):
- findings per unit: approved findings (已审定底稿) ÷ units assigned to the team;
- leads transferred: the team's leads sent in a transfer batch ÷ the team's leads (a lead in a batch not
  yet sent is not transferred, as in clues' transfer figures);
- cases opened: transferred leads whose result is 立案 ÷ transferred leads;
- working papers sent back: the team's findings returned at least once (a FindingReview "return") ÷ the
  team's findings;
- rectification completion: measures closed or long-term (长期坚持) ÷ all measures of the rectifications of
  the team's units.
The indicators inform the scorers; they are not part of the total.

Scores: the leadership group's (recorded by the office on the group's behalf: the leader role reads only),
the office's, and the inspected units' (one per unit, from the units' evaluation forms; the units' score is
their mean, rounded to 0.01). The total is Σ weight × score / 100 with the current weights. A team whose
scores are not all in (a source of weight > 0 missing) gets a provisional total re-normalised over the
sources it has (Σ w×s / Σ w), is marked 评分未齐, and is neither ranked nor flagged for a talk until the
missing score is entered.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from clues.models import Finding, FindingReview, FindingStatus, HandlingResult, Lead, TransferItem
from dashboards.models import QualitySettings, ScoreSource, TeamScore
from rectification.models import Measure, MeasureKind, MeasureStatus
from rounds.models import INSPECTED_STATUSES, Assignment, Round, RoundStatus, Term, Unit
from teams.models import MemberRole, Team, TeamMember

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)

# The rounds whose teams can be evaluated: the team has been on site.
EVALUABLE_STATUSES = tuple(INSPECTED_STATUSES)
# The round the page opens on: the latest one whose on-site work is over.
FINISHED_STATUSES = (RoundStatus.FEEDBACK, RoundStatus.RECTIFYING, RoundStatus.DONE)

SOURCES = (ScoreSource.LEADERSHIP, ScoreSource.OFFICE, ScoreSource.UNIT)


def _q(value: Decimal, step: Decimal = CENT) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int, *, percent: bool = True) -> Decimal | None:
    """numerator ÷ denominator as a percentage to 0.1 (or a plain ratio to 0.01); None when nothing
    to divide by."""
    if not denominator:
        return None
    if percent:
        return _q(Decimal(numerator) * HUNDRED / Decimal(denominator), TENTH)
    return _q(Decimal(numerator) / Decimal(denominator))


def weights_of(settings: QualitySettings) -> dict[str, Decimal]:
    return {
        ScoreSource.LEADERSHIP: Decimal(settings.leadership_weight),
        ScoreSource.OFFICE: Decimal(settings.office_weight),
        ScoreSource.UNIT: Decimal(settings.unit_weight),
    }


def weighted_total(
    scores: dict[str, Decimal | None], settings: QualitySettings
) -> tuple[Decimal | None, bool]:
    """(total, complete). Complete when every source of weight > 0 has a score: the total is then
    Σ weight × score / 100. Otherwise the total is re-normalised over the sources present (None if none)."""
    weights = weights_of(settings)
    present = {s: scores[s] for s in SOURCES if scores.get(s) is not None and weights[s] > 0}
    needed = [s for s in SOURCES if weights[s] > 0]
    complete = bool(needed) and all(s in present for s in needed)
    if not present:
        return None, False
    weighted = sum((weights[s] * present[s] for s in present), Decimal(0))
    if complete:
        return _q(weighted / HUNDRED), True
    return _q(weighted / sum(weights[s] for s in present)), False


@dataclass
class TeamQuality:
    """One team's row of the ranking."""

    team: Team
    leader_name: str = ""
    unit_count: int = 0
    findings_total: int = 0
    findings_approved: int = 0
    findings_returned: int = 0
    leads_total: int = 0
    leads_transferred: int = 0
    transferred_cases: int = 0
    measures_total: int = 0
    measures_done: int = 0
    leadership_score: Decimal | None = None
    office_score: Decimal | None = None
    unit_score: Decimal | None = None  # the mean of the units' scores
    unit_scores: dict[int, Decimal] = field(default_factory=dict)  # unit id -> score
    total: Decimal | None = None
    complete: bool = False
    rank: int | None = None
    talk: bool = False  # below the talk threshold (建议约谈); only for a complete total

    @property
    def round(self) -> Round:
        return self.team.round

    @property
    def units_scored(self) -> int:
        return len(self.unit_scores)

    @property
    def findings_per_unit(self) -> Decimal | None:
        return ratio(self.findings_approved, self.unit_count, percent=False)

    @property
    def transfer_rate(self) -> Decimal | None:
        return ratio(self.leads_transferred, self.leads_total)

    @property
    def case_rate(self) -> Decimal | None:
        return ratio(self.transferred_cases, self.leads_transferred)

    @property
    def archival(self) -> bool:
        """A team of an archival round (历史录入): no leads and no review history in the system, so the
        rates that read them are not computed (the page says so)."""
        return self.team.round.archive_import_id is not None

    @property
    def return_rate(self) -> Decimal | None:
        if self.archival:
            return None
        return ratio(self.findings_returned, self.findings_total)

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(self.measures_done, self.measures_total)

    @property
    def has_scores(self) -> bool:
        return any(s is not None for s in (self.leadership_score, self.office_score, self.unit_score))

    def score_of(self, source: str) -> Decimal | None:
        return {
            ScoreSource.LEADERSHIP: self.leadership_score,
            ScoreSource.OFFICE: self.office_score,
            ScoreSource.UNIT: self.unit_score,
        }[source]


# --- the indicators -------------------------------------------------------------------------------


def _count(queryset: QuerySet, team_field: str = "team", *, distinct: bool = False):
    """A correlated count of `queryset` rows of the outer team (0 when none)."""
    rows = (
        queryset.filter(**{team_field: OuterRef("pk")})
        .order_by()
        .values(team_field)
        .annotate(n=Count("pk", distinct=distinct))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _sent_items() -> QuerySet:
    return TransferItem.objects.filter(batch__sent_at__isnull=False)


INDICATORS = {
    "unit_count": lambda: _count(Assignment.objects.all()),
    "findings_total": lambda: _count(Finding.objects.all()),
    "findings_approved": lambda: _count(Finding.objects.filter(status=FindingStatus.APPROVED)),
    "findings_returned": lambda: _count(
        Finding.objects.filter(reviews__action=FindingReview.Action.RETURN), distinct=True
    ),
    "leads_total": lambda: _count(Lead.objects.all()),
    "leads_transferred": lambda: _count(_sent_items(), "lead__team"),
    "transferred_cases": lambda: _count(_sent_items().filter(result=HandlingResult.CASE), "lead__team"),
    "measures_total": lambda: _count(Measure.objects.all(), "rectification__team"),
    "measures_done": lambda: _count(
        Measure.objects.filter(Q(status=MeasureStatus.CLOSED) | Q(kind=MeasureKind.LONG_TERM)),
        "rectification__team",
    ),
}


def teams_in(*, round: Round | None = None, term: Term | None = None) -> QuerySet:
    """The teams evaluated: those of a round, or of the term's rounds whose teams have been on site."""
    teams = Team.objects.all()
    if round is not None:
        teams = teams.filter(round=round)
    elif term is not None:
        teams = teams.filter(round__term=term, round__status__in=EVALUABLE_STATUSES)
    else:
        teams = teams.filter(round__status__in=EVALUABLE_STATUSES)
    return teams


def _with_indicators(teams: QuerySet) -> QuerySet:
    leader = TeamMember.objects.filter(team=OuterRef("pk"), role=MemberRole.LEADER).values("cadre__name")[:1]
    return (
        teams.select_related("round__term")
        .annotate(leader_name=Subquery(leader), **{name: make() for name, make in INDICATORS.items()})
        .order_by("-round__term__start_date", "-round__number", "number")
    )


def _scores_by_team(team_ids: list[int]) -> dict[int, dict]:
    """team id -> {"leadership": score, "office": score, "units": {unit id: score}}, one query."""
    out: dict[int, dict] = {pk: {"units": {}} for pk in team_ids}
    rows = TeamScore.objects.filter(team_id__in=team_ids).values_list("team_id", "source", "unit_id", "score")
    for team_id, source, unit_id, score in rows:
        if source == ScoreSource.UNIT:
            if unit_id is not None:
                out[team_id]["units"][unit_id] = Decimal(score)
        else:
            out[team_id][source] = Decimal(score)
    return out


def mean(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return _q(sum(values, Decimal(0)) / len(values))


def rank(rows: list[TeamQuality]) -> list[TeamQuality]:
    """Complete totals first, highest first, ranked 1, 2, 2, 4…; then the others (no rank), in round and
    team order. The input order (round, team) breaks ties."""
    complete = sorted((r for r in rows if r.complete), key=lambda r: -r.total)
    previous, place = None, 0
    for i, row in enumerate(complete, start=1):
        if row.total != previous:
            place, previous = i, row.total
        row.rank = place
    return complete + [r for r in rows if not r.complete]


def team_quality(
    *, round: Round | None = None, term: Term | None = None, settings: QualitySettings | None = None
) -> list[TeamQuality]:
    """The ranking of the teams of a round (or of a term's evaluable rounds; with neither, of every
    evaluable round), with indicators, scores, total, rank and talk flag. Three queries (two when the
    settings are given), whatever the number of teams."""
    settings = settings or QualitySettings.current()
    threshold = Decimal(settings.talk_threshold)
    teams = list(_with_indicators(teams_in(round=round, term=term)))
    scores = _scores_by_team([t.pk for t in teams])
    rows = []
    for team in teams:
        own = scores[team.pk]
        row = TeamQuality(
            team=team,
            leader_name=team.leader_name or "",
            **{name: getattr(team, name) for name in INDICATORS},
            leadership_score=own.get(ScoreSource.LEADERSHIP),
            office_score=own.get(ScoreSource.OFFICE),
            unit_score=mean(own["units"].values()),
            unit_scores=own["units"],
        )
        row.total, row.complete = weighted_total({s: row.score_of(s) for s in SOURCES}, settings)
        row.talk = row.complete and row.total < threshold
        rows.append(row)
    return rank(rows)


def team_quality_of(team: Team, settings: QualitySettings | None = None) -> TeamQuality:
    """One team's row (its rank is within its round)."""
    rows = team_quality(round=team.round, settings=settings)
    return next(r for r in rows if r.team.pk == team.pk)


def default_round() -> Round | None:
    """The round the page opens on: the latest that has been scored (a ranking to read), else the latest
    whose on-site work is over, else the latest on site."""
    rounds = Round.objects.select_related("term").order_by("-term__start_date", "-number")
    return (
        rounds.filter(status__in=FINISHED_STATUSES, teams__scores__isnull=False).distinct().first()
        or rounds.filter(status__in=FINISHED_STATUSES).first()
        or rounds.filter(status__in=EVALUABLE_STATUSES).first()
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class QualityScope:
    """The term and round a ranking shows, and the choices of the scope picker."""

    terms: QuerySet
    rounds: QuerySet
    term: Term | None
    round: Round | None


def quality_scope(params) -> QualityScope:
    """The term and round shown. With no filter the page opens on the latest round whose on-site work
    is over; "全部轮次" ranks every evaluated team of the term."""
    terms = Term.objects.order_by("-start_date")
    round = None
    if "term" not in params and "round" not in params:
        round = default_round()
        term = round.term if round else (terms.filter(is_current=True).first() or terms.first())
    else:
        term = terms.filter(pk=_int(params.get("term"))).first() if params.get("term") else None
        if term is None:
            picked = Round.objects.select_related("term").filter(pk=_int(params.get("round"))).first()
            term = picked.term if picked else (terms.filter(is_current=True).first() or terms.first())
    rounds = Round.objects.filter(term=term, status__in=EVALUABLE_STATUSES).order_by("number")
    if "term" in params or "round" in params:
        round = rounds.filter(pk=_int(params.get("round"))).select_related("term").first()
    return QualityScope(terms=terms, rounds=rounds, term=term, round=round)


def scored_units(team: Team) -> list[Unit]:
    """The units the team inspected, each of which scores it."""
    return list(Unit.objects.filter(assignments__team=team).order_by("name").distinct())


def score_sheet_stamp(team: Team) -> str:
    """The team's score sheet as a form loaded it: every score row's id and version, digested. A save
    carrying another stamp was loaded before someone else saved, added or cleared a score of the team."""
    rows = TeamScore.objects.filter(team=team).order_by("pk").values_list("pk", "version")
    raw = ";".join(f"{pk}.{version}" for pk, version in rows)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def score_sheet_last_change(team: Team):
    """The newest change of the team's scores (a save, an addition or a clearing), from their history:
    (the user who made it or None, when), or None without history."""
    latest = (
        TeamScore.history.filter(team_id=team.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return None if latest is None else (latest.history_user, latest.history_date)


def team_scores(team: Team, *, related: bool = False) -> list[TeamScore]:
    qs = TeamScore.objects.filter(team=team)
    return list(qs.select_related("scored_by", "unit") if related else qs)


def summary(rows: list[TeamQuality]) -> dict:
    """Counts for the head of the page."""
    return {
        "teams": len(rows),
        "complete": sum(1 for r in rows if r.complete),
        "incomplete": sum(1 for r in rows if r.has_scores and not r.complete),
        "unscored": sum(1 for r in rows if not r.has_scores),
        "talk": sum(1 for r in rows if r.talk),
    }


# --- history --------------------------------------------------------------------------------------

_HISTORY_TYPES = {"+": "录入", "~": "修改", "-": "删除"}


def _label(record) -> str:
    if record.source == ScoreSource.UNIT:
        unit = getattr(record, "unit", None)
        return f"单位评分·{unit.name}" if unit else "单位评分"
    return f"{ScoreSource(record.source).label}评分"


def score_history_rows(team: Team, *, limit: int = 80) -> list[dict]:
    """Every score record of the team, deleted ones too, newest first, as partials/history.html shows
    them. One query."""
    records = list(
        TeamScore.history.filter(team_id=team.pk)
        .select_related("history_user", "unit")
        .order_by("-history_date", "-history_id")
    )
    by_score: dict[int, list] = {}
    for record in records:
        by_score.setdefault(record.id, []).append(record)
    rows = []
    for history in by_score.values():
        for newer, older in zip(history, history[1:] + [None], strict=False):
            changes = []
            if newer.history_type == "+" or older is None:
                changes.append(("评分", "（空）", newer.score))
                if newer.note:
                    changes.append(("评价意见", "（空）", newer.note))
            elif newer.history_type == "~":
                for change in newer.diff_against(older, included_fields=["score", "note"]).changes:
                    name = "评分" if change.field == "score" else "评价意见"
                    changes.append(
                        (name, change.old if change.old not in (None, "") else "（空）", change.new)
                    )
            rows.append(
                {
                    "object": _label(newer),
                    "when": newer.history_date,
                    "who": newer.history_user,
                    "type": _HISTORY_TYPES[newer.history_type],
                    "changes": changes if newer.history_type != "-" else [],
                }
            )
    rows.sort(key=lambda r: r["when"], reverse=True)
    return rows[:limit]


def settings_history_rows(settings: QualitySettings, *, limit: int = 30) -> list[dict]:
    records = list(settings.history.select_related("history_user").order_by("-history_date", "-history_id"))
    fields = ["leadership_weight", "office_weight", "unit_weight", "talk_threshold"]
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            for change in newer.diff_against(older, included_fields=fields).changes:
                verbose = str(QualitySettings._meta.get_field(change.field).verbose_name)
                changes.append((verbose, change.old, change.new))
        rows.append(
            {
                "object": "考评设置",
                "when": newer.history_date,
                "who": newer.history_user,
                "type": "创建" if newer.history_type == "+" else "修改",
                "changes": changes,
            }
        )
    return rows[:limit]
