"""The dashboards' figures kept per round, and invalidated per round (issue 15).

`figures.dashboard(scope)` sums every ledger of the term: at volume L about 45 grouped queries and half
a second, and with one fingerprint for every figure (`xuncha.core.aggregates`), any write anywhere made
the next view pay all of it. Here the same figures are composed from *round summaries*:

- A round's summary (`summaries`) holds its counts per team × unit type, per team × category and area,
  the units its teams inspected, and the measures started and closed per team and week: everything a
  dashboard shows, for that round only, by team, so that a team member's restricted scope is a filter.
  It is computed by set-based SQL: one grouped query per source with plain `COUNT(*) FILTER` (no
  `DISTINCT`: every join of a source follows a foreign key, so no row is counted twice), for every round
  whose summary is missing *in the same queries* (`round_id IN (...)`): the cost does not grow with the
  number of rounds, and after a write it is one round's rows, not the county's.
- A summary is cached with its round's *token* (`tokens`): the newest history id, per table, of the
  history rows that touched that round. Tokens come from the history tables themselves, as the old
  fingerprint did (no signal to forget, bulk writes included): when the newest history id of a table
  moved since the last view, the new history rows are read (`history_id > seen`, the primary key) and
  each is mapped to its round (a finding, lead, rectification, batch, assignment, team: its round; a
  problem or measure: its rectification's; a transfer item: its lead's; a person dealt with: his item's
  lead's). A row whose round cannot be found, and every write to a term, unit or category, moves the
  *global* token, which every summary's key carries.
- A summary is kept in *parts* (`PARTS`: one per source, the archival counts, the weekly series), each
  with the token it was computed with, restricted to the tables its SQL reads (`part_tables`, read from
  the compiled query): a finding approved recomputes its round's findings part (one query), a measure
  closed the measures parts, not the round's nine queries.
- `compose(scope)` adds the summaries of the scope's rounds up into a `figures.Dashboard` equal to
  `figures.dashboard(scope)` (the property test `dashboards/tests/test_round_figures.py` checks that
  after random sequences of writes through the services).
- A page's body (`cached_page`) is kept under the tokens it reads (`scope_token`): the county's under
  every round's, a round's under its own (and the rounds' inspections, for its coverage). The trend of
  the term's rounds, on every page, is a fragment of its own under every round's token: a write in
  another round re-renders a round's page only there (`trend_rows`, from the cached summaries).

What it cannot see, as before: a write that bypasses history (a queryset `.update()`), and a history row
that commits after a later one was already read (its id is below what was seen). For those every
summary also expires after `aggregates.TIMEOUT` seconds. A row moved from one round to another would only
touch its new round; no service moves one (a finding, measure or lead stays in its round).
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections import defaultdict
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from clues.models import Category, Finding, Lead, PersonDealt, TransferBatch, TransferItem, TransferOutcome
from dashboards.selectors.figures import (
    ARCHIVED,
    FIGURE_MODELS,
    METRICS,
    NO_FILTERS,
    SOURCES,
    Dashboard,
    Filters,
    Row,
    Scope,
    _fill,
    add_archived,
    applies,
    category_rows,
    derived,
    progress_points,
    scope_key,
    scope_rounds,
    scope_teams,
)
from rectification.models import Measure, MeasureKind, MeasureStatus, Problem, Rectification
from rounds.models import Assignment, Round, Term, Unit, UnitType
from teams.models import Team
from xuncha.core import aggregates

PREFIX = "agg:rounds:v3"
STATE_KEY = f"{PREFIX}:state"
ALL = "*"  # the team key of a summary's figures for every team of the round
# More new history rows than this in one table since the last view (an import): move the global token
# rather than map each to its round.
FEED_LIMIT = 5000

# How a history row names its round: the column of the round itself, or a column naming a row of another
# model, and that model's path to the round.
_DIRECT = {Finding: "round_id", Lead: "round_id", Rectification: "round_id", TransferBatch: "round_id",
           Assignment: "round_id", Team: "round_id", TransferOutcome: "round_id", Round: "id"}  # fmt: skip
_VIA = {
    Problem: ("rectification_id", Rectification, "round_id"),
    Measure: ("rectification_id", Rectification, "round_id"),
    TransferItem: ("lead_id", Lead, "round_id"),
    PersonDealt: ("item_id", TransferItem, "lead__round_id"),
}
_GLOBAL = (Term, Unit, Category)  # a write to these moves every figure
assert set(FIGURE_MODELS) == set(_DIRECT) | set(_VIA) | set(_GLOBAL), "a figure model without a round rule"


# --- tokens: which rounds changed since the last view --------------------------------------------------


def _new_state(seen: dict) -> dict:
    return {"epoch": uuid.uuid4().hex, "seen": seen, "rounds": {}, "global": {}}


def _bump(tokens: dict, table: str, history_id: int) -> None:
    if history_id > tokens.get(table, 0):
        tokens[table] = history_id


def _read_feed(model, table: str, after: int, upto: int) -> list[tuple[int, int | None]]:
    """(history id, what names the round) of the history rows after `after`, up to `upto`."""
    quote = connection.ops.quote_name
    column = _DIRECT.get(model) or _VIA[model][0]
    sql = (
        f"SELECT history_id, {quote(column)} FROM {quote(table)} "  # noqa: S608 - names from the models
        "WHERE history_id > %s AND history_id <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [after, upto])
        return cursor.fetchall()


def _advance(state: dict, newest: dict) -> None:
    """Move the tokens of the rounds the history rows written since `state["seen"]` touched."""
    by_table = {aggregates.history_table(model): model for model in FIGURE_MODELS}
    for key, value in newest.items():
        table = key[0]
        upto = int(value or 0)
        after = int(state["seen"].get(table, 0))
        if upto <= after:
            continue
        model = by_table[key]
        if model in _GLOBAL or upto - after > FEED_LIMIT or getattr(model, "history", None) is None:
            _bump(state["global"], table, upto)
            continue
        rows = _read_feed(model, table, after, upto)
        if model in _VIA:
            _, target, path = _VIA[model]
            ids = {ref for _, ref in rows if ref is not None}
            rounds_of = dict(target.objects.filter(pk__in=ids).values_list("pk", path)) if ids else {}
            rows = [(hid, rounds_of.get(ref)) for hid, ref in rows]
        for hid, round_pk in rows:
            if round_pk is None:  # its parent is gone (deleted): which round it was in is not known here
                _bump(state["global"], table, hid)
            else:
                _bump(state["rounds"].setdefault(round_pk, {}), table, hid)
    state["seen"] = {key[0]: int(value or 0) for key, value in newest.items()}


def current_state() -> dict:
    """The tokens as of now: read the newest history ids (one query, shared with the request's other
    cached figures) and, when they moved, the new history rows."""
    newest = aggregates.newest(FIGURE_MODELS)
    state = cache.get(STATE_KEY)
    if state is None or any(int(v or 0) < state["seen"].get(k[0], 0) for k, v in newest.items()):
        # No state (a new cache), or history went back (a restored database): everything afresh.
        state = _new_state({key[0]: int(value or 0) for key, value in newest.items()})
        cache.set(STATE_KEY, state, None)
        return state
    if any(int(v or 0) != state["seen"].get(k[0], 0) for k, v in newest.items()):
        _advance(state, newest)
        cache.set(STATE_KEY, state, None)
    return state


def _tokens_str(tokens: dict) -> str:
    return ",".join(f"{t}:{i}" for t, i in sorted(tokens.items()))


def round_token(state: dict, round_pk: int) -> str:
    return "|".join(
        [state["epoch"], _tokens_str(state["global"]), _tokens_str(state["rounds"].get(round_pk, {}))]
    )


def state_token(state: dict) -> str:
    """Moves on any write the figures read: the key of what depends on every round (a page's body)."""
    rounds = ";".join(f"{pk}={_tokens_str(t)}" for pk, t in sorted(state["rounds"].items()))
    raw = "|".join([state["epoch"], _tokens_str(state["global"]), rounds])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


# --- round summaries -----------------------------------------------------------------------------------


def _empty_summary() -> dict:
    # grain → team (or ALL) → group key → metric → count
    return {
        "total": {}, "unit_type": {}, "category": {}, "area": {},
        "units": {},  # team → set of unit ids its assignments inspected (in a round already inspected)
        "started": {}, "closed": {},  # team (or ALL) → week → measures (not long-term)
    }  # fmt: skip


def _add(summary: dict, grain: str, team, group, counts: dict) -> None:
    for t in (team, ALL):
        cell = summary[grain].setdefault(t, {}).setdefault(group, {})
        for key, n in counts.items():
            cell[key] = cell.get(key, 0) + n


def _alias(key: str) -> str:
    return f"n_{key}"


def _source_queryset(key: str, round_pks: list[int], today: date):
    """One source's counts for these rounds, grouped by round, team, unit type (and category, area)."""
    src = SOURCES[key]
    metrics = [m for m in METRICS.values() if m.source == key]
    # Prefixed: a group named like a field ("round") would clash with it.
    groups = {
        "g_round": F(f"{src.round}_id"),
        "g_team": F(f"{src.team}_id"),
        "g_unit_type": F(f"{src.unit}__unit_type"),
    }
    if src.category:
        groups["g_category"] = F(f"{src.category}_id")
        groups["g_area"] = Coalesce(f"{src.category}__parent_id", f"{src.category}_id")
    if key == "assignments":
        groups["g_unit"] = F("unit_id")
    counts = {_alias(m.key): Count("pk", filter=m.condition(today)) for m in metrics}
    return (
        src.base().filter(**{f"{src.round}_id__in": round_pks}).order_by().values(**groups).annotate(**counts)
    )


def _fill_source(key: str, out: dict[int, dict], rows) -> None:
    src = SOURCES[key]
    metrics = [m for m in METRICS.values() if m.source == key]
    for row in rows:
        summary = out[row["g_round"]]
        team = row["g_team"]
        values = {m.key: row[_alias(m.key)] for m in metrics}
        _add(summary, "total", team, None, values)
        _add(summary, "unit_type", team, row["g_unit_type"], values)
        if src.category:
            _add(summary, "category", team, row["g_category"], values)
            _add(summary, "area", team, row["g_area"], values)
        if key == "assignments":
            for t in (team, ALL):
                summary["units"].setdefault(t, set()).add(row["g_unit"])


def _archived_queryset(round_pks: list[int], today: date):
    # The archival rounds' counts (历史录入), added where figures.figures and figures.breakdown add them.
    sums = {f"a_{f}": Sum(f) for f in {*ARCHIVED.values()}}
    return (
        TransferOutcome.objects.filter(round_id__in=round_pks)
        .order_by()
        .values("round_id", "team_id", g_unit_type=F("unit__unit_type"))
        .annotate(**sums)
    )


def _fill_archived(out: dict[int, dict], rows) -> None:
    for row in rows:
        summary = out[row["round_id"]]
        for grain, group in (("total", None), ("unit_type", row["g_unit_type"])):
            for t in (row["team_id"], ALL):
                cell = summary[grain].setdefault(t, {}).setdefault(group, {})
                for k in [*ARCHIVED, "persons"]:
                    cell.setdefault(k, 0)
                add_archived(cell, row)


def _weekly_queryset(name: str, round_pks: list[int], today: date):
    """The progress chart: measures (not long-term) started (`name` "started") or closed per week."""
    qs = (
        SOURCES["measures"]
        .base()
        .filter(rectification__round_id__in=round_pks)
        .exclude(kind=MeasureKind.LONG_TERM)
        .order_by()
    )
    if name == "started":
        week = TruncWeek("rectification__meeting_date", output_field=DateField())
    else:
        qs = qs.filter(status=MeasureStatus.CLOSED)
        week = TruncWeek(TruncDate("closed_at"), output_field=DateField())
    return qs.values("rectification__round_id", "rectification__team_id", week=week).annotate(n=Count("pk"))


def _fill_weekly(name: str, out: dict[int, dict], rows) -> None:
    for row in rows:
        summary = out[row["rectification__round_id"]]
        for t in (row["rectification__team_id"], ALL):
            series = summary[name].setdefault(t, {})
            series[row["week"]] = series.get(row["week"], 0) + row["n"]


# The parts of a round's summary: each one grouped query (for every round that needs it), and how its rows
# fill the summary. Each part is kept with the tokens of the tables its SQL reads (`part_tables`): a
# finding approved recomputes the round's findings part, one query, not the round's nine.
PARTS = {
    **{
        key: (functools.partial(_source_queryset, key), functools.partial(_fill_source, key))
        for key in SOURCES
        if key != "units"  # the units of the county: read whole by `_units`
    },
    "archived": (_archived_queryset, _fill_archived),
    "started": (functools.partial(_weekly_queryset, "started"), functools.partial(_fill_weekly, "started")),
    "closed": (functools.partial(_weekly_queryset, "closed"), functools.partial(_fill_weekly, "closed")),
}


@functools.cache
def part_tables() -> dict[str, frozenset[str]]:
    """part → the history tables (as `round_token` names them) of the figure models its SQL reads: read
    from the compiled query itself, so that a join or a subquery added to a source is a dependency."""
    quote = connection.ops.quote_name
    out = {}
    for part, (queryset, _rows_into) in PARTS.items():
        sql, _params = queryset([0], date(2000, 1, 1)).query.sql_with_params()
        out[part] = frozenset(
            aggregates.history_table(model)[0]
            for model in FIGURE_MODELS
            if quote(model._meta.db_table) in sql
        )
    return out


def part_token(state: dict, round_pk: int, part: str) -> str:
    """What a round's part was computed with: the epoch, the global token and the round's tokens of the
    tables the part reads."""
    tables = part_tables()[part]
    mine = {t: i for t, i in state["rounds"].get(round_pk, {}).items() if t in tables}
    return "|".join([state["epoch"], _tokens_str(state["global"]), _tokens_str(mine)])


def _compute(parts: dict[str, list[int]], today: date) -> dict[str, dict[int, dict]]:
    """part → round pk → that part of the round's summary, for the rounds each part is wanted for: one
    query per part whatever the number of rounds."""
    out = {}
    for part, round_pks in parts.items():
        queryset, fill = PARTS[part]
        out[part] = {pk: _empty_summary() for pk in round_pks}
        fill(out[part], queryset(round_pks, today))
    return out


def _merge(parts: list[dict]) -> dict:
    """One summary from its parts: counts added, unit sets joined."""
    summary = _empty_summary()
    for part in parts:
        for grain, teams in part.items():
            into = summary[grain]
            for team, groups in teams.items():
                if grain == "units":
                    into.setdefault(team, set()).update(groups)
                    continue
                cells = into.setdefault(team, {})
                for group, counts in groups.items():
                    if isinstance(counts, dict):
                        cell = cells.setdefault(group, {})
                        for key, n in counts.items():
                            cell[key] = cell.get(key, 0) + n
                    else:  # a week's count (started, closed)
                        cells[group] = cells.get(group, 0) + counts
    return summary


def summaries(round_pks: list[int], state: dict, today: date) -> dict[int, dict]:
    """round pk → its summary. A round has two entries in the cache: its parts, each with the token it
    was computed with, and their sum with those tokens (read on every view). When a token moved, the
    round's parts are read and those whose own token moved are computed again (for all such rounds
    together), the others kept."""
    keys = {pk: f"{PREFIX}:{pk}:{today.isoformat()}" for pk in round_pks}
    found = cache.get_many(list(keys.values())) if keys else {}
    out, tokens = {}, {}
    for pk in round_pks:
        tokens[pk] = {part: part_token(state, pk, part) for part in PARTS}
        entry = found.get(keys[pk])
        if entry is not None and entry["tokens"] == tokens[pk]:
            out[pk] = entry["summary"]
    changed = [pk for pk in round_pks if pk not in out]
    if not changed:
        return out
    kept = cache.get_many([f"{keys[pk]}:parts" for pk in changed])
    parts_of = {pk: dict(kept.get(f"{keys[pk]}:parts") or {}) for pk in changed}
    stale = defaultdict(list)
    for pk, parts in parts_of.items():
        for part, token in tokens[pk].items():
            if parts.get(part, (None,))[0] != token:
                stale[part].append(pk)
    for part, by_round in _compute(dict(stale), today).items():
        for pk, data in by_round.items():
            parts_of[pk][part] = (tokens[pk][part], data)
    fresh = {}
    for pk, parts in parts_of.items():
        out[pk] = _merge([data for _token, data in parts.values()])
        fresh[keys[pk]] = {"tokens": tokens[pk], "summary": out[pk]}
        fresh[f"{keys[pk]}:parts"] = parts
    cache.set_many(fresh, aggregates.TIMEOUT)
    return out


# --- composing a scope's dashboard ---------------------------------------------------------------------


def _teams_of(scope: Scope, cells: dict) -> list:
    if scope.team_ids is None:
        return [ALL] if ALL in cells else []
    return [t for t in scope.team_ids if t in cells]


def _sum(parts: list[dict], scope: Scope, grain: str) -> dict:
    """group key → metric → count over these summaries, for the scope's teams."""
    out: dict = {}
    for summary in parts:
        cells = summary[grain]
        for t in _teams_of(scope, cells):
            for group, counts in cells[t].items():
                cell = out.setdefault(group, {})
                for key, n in counts.items():
                    cell[key] = cell.get(key, 0) + n
    return out


def _series(parts: list[dict], scope: Scope, name: str) -> dict:
    out: dict = defaultdict(int)
    for summary in parts:
        cells = summary[name]
        for t in _teams_of(scope, cells):
            for week, n in cells[t].items():
                out[week] += n
    return dict(out)


def _units(scope: Scope, rounds: list[Round], summary_of: dict) -> dict:
    """unit type → the figures of the units source (active, covered, to cover) for the scope."""
    covered: set = set()
    for r in rounds:
        if scope.round is not None and r.number > scope.round.number:
            continue
        cells = summary_of[r.pk]["units"]
        for t in _teams_of(scope, cells):
            covered |= cells[t]
    out: dict = {}
    to_cover = applies(METRICS["units_to_cover"], scope, Filters(unit_type="x"))
    for pk, unit_type in Unit.objects.filter(is_active=True).values_list("pk", "unit_type"):
        cell = out.setdefault(unit_type, {"units_active": 0, "units_covered": 0})
        if to_cover:
            cell.setdefault("units_to_cover", 0)
        cell["units_active"] += 1
        if pk in covered:
            cell["units_covered"] += 1
        elif to_cover:
            cell["units_to_cover"] += 1
    return out


def _by_round(scope: Scope, summary_of: dict) -> list[Row]:
    """The rounds of the term (on a round's page too: the trend), each with its figures."""
    rows = []
    for r in scope_rounds(Scope(scope.term, None, scope.team_ids)):
        filt = Filters(round=r.pk)
        values = _sum([summary_of[r.pk]], scope, "total").get(None, {})
        rows.append(Row(r.pk, r.short_name, filt, _fill(values, scope, filt), extra=r.get_kind_display()))
    return rows


def trend_rows(scope: Scope, today: date | None = None, state: dict | None = None) -> list[Row]:
    """`compose(scope).by_round` alone: the round summaries (all but a changed round's from the cache)
    added up per round."""
    today = today or timezone.localdate()
    state = state if state is not None else current_state()
    pks = list(Round.objects.filter(term=scope.term).values_list("pk", flat=True))
    return _by_round(scope, summaries(pks, state, today))


def compose(scope: Scope, today: date | None = None, state: dict | None = None) -> Dashboard:
    """`figures.dashboard(scope, today)`, added up from the round summaries."""
    today = today or timezone.localdate()
    state = state if state is not None else current_state()
    rounds = list(Round.objects.filter(term=scope.term).order_by("number"))
    summary_of = summaries([r.pk for r in rounds], state, today)
    in_scope = [summary_of[r.pk] for r in rounds if scope.round is None or r.pk == scope.round.pk]
    units = _units(scope, rounds, summary_of)

    totals = _sum(in_scope, scope, "total").get(None, {})
    figs = {}
    for m in METRICS.values():
        if not applies(m, scope, NO_FILTERS):
            figs[m.key] = None
        elif m.source == "units":
            figs[m.key] = sum(cell.get(m.key, 0) for cell in units.values())
        else:
            figs[m.key] = totals.get(m.key, 0)
    figs.update(derived(figs))

    by_round = _by_round(scope, summary_of)

    by_team = []
    for t in scope_teams(scope):
        filt = Filters(team=t.pk)
        values = summary_of[t.round_id]["total"].get(t.pk, {}).get(None, {})
        label = t.name if scope.round is not None else f"{t.round.short_name}{t.name}"
        by_team.append(Row(t.pk, label, filt, _fill(values, scope, filt)))

    per_type = _sum(in_scope, scope, "unit_type")
    for unit_type, cell in units.items():
        per_type.setdefault(unit_type, {}).update(cell)
    by_unit_type = []
    for value, label in UnitType.choices:
        if value in per_type:
            filt = Filters(unit_type=value)
            by_unit_type.append(Row(value, label, filt, _fill(per_type[value], scope, filt)))

    by_category = category_rows(scope, _sum(in_scope, scope, "area"), _sum(in_scope, scope, "category"))
    points = progress_points(_series(in_scope, scope, "started"), _series(in_scope, scope, "closed"), today)
    return Dashboard(scope, today, figs, by_round, by_team, by_unit_type, by_category, points)


def cached_dashboard(scope: Scope, today: date | None = None) -> Dashboard:
    """`figures.dashboard(scope)`, composed from the round summaries (the PDF and the workbook)."""
    return compose(scope, today)


def scope_token(state: dict, scope: Scope) -> str:
    """What a page body of the scope depends on, the trend of the term's rounds (`trend_rows`) aside.
    The county: every round. A round: its own tables, and the tables of every round's assignments
    part (the units covered "截至本轮" count the earlier rounds' inspections): a write in another round
    changes the round's page only in its trend."""
    if scope.round is None:
        return state_token(state)
    tables = part_tables()["assignments"]
    parts = [round_token(state, scope.round.pk)]
    for pk, tokens in sorted(state["rounds"].items()):
        mine = {t: i for t, i in tokens.items() if t in tables}
        if mine:
            parts.append(f"{pk}={_tokens_str(mine)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def cached_page(scope: Scope, render, render_trend, *, refresh: bool = False) -> tuple:
    """(`render(dashboard)`, `render_trend(dashboard.by_round)`) for the scope: a page's body and its
    trend, each kept until a write it reads (`scope_token`, `state_token`). Recomputing the body is
    composing the summaries (all but the changed round's from the cache) and rendering; recomputing
    the trend alone is adding up the summaries per round."""
    today = timezone.localdate()
    state = current_state()
    base = "|".join([*(str(p) for p in scope_key(scope)), today.isoformat()])

    def key(kind: str, token: str) -> str:
        return f"{PREFIX}:{kind}:{hashlib.sha256(f'{base}|{token}'.encode()).hexdigest()[:32]}"

    body_key, trend_key = key("page", scope_token(state, scope)), key("trend", state_token(state))
    found = {} if refresh else cache.get_many([body_key, trend_key])
    body, trend = found.get(body_key), found.get(trend_key)
    fresh = {}
    if body is None:
        dash = compose(scope, today, state)
        body = fresh[body_key] = render(dash)
        if trend is None:
            trend = fresh[trend_key] = render_trend(dash.by_round)
    elif trend is None:
        trend = fresh[trend_key] = render_trend(trend_rows(scope, today, state))
    if fresh:
        cache.set_many(fresh, aggregates.TIMEOUT)
    return body, trend
