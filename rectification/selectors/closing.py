"""Reads of the ledger (对账销号), closing, accountability and the 回头看 page: a page of measures with
their events and latest progress, the ledger's counts (cached), the latest rating and closing date."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone

from xuncha import access
from xuncha.core import aggregates

from ..models import (
    Accountability,
    Measure,
    MeasureEvent,
    MeasureKind,
    MeasureStatus,
    Problem,
    Rating,
    Rectification,
    RectStatus,
    ReportEntry,
    VersionStatus,
)

# What the ledger's counts are made of: cached until a measure or problem changes.
LEDGER_TRACKED = (Measure, Problem)


def ledger_stats(rect) -> dict:
    return aggregates.cached(
        "rect-ledger-stats",
        (rect.pk,),
        tracked=LEDGER_TRACKED,
        today=timezone.localdate(),
        compute=lambda: rect.measures.aggregate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=MeasureStatus.CLOSED)),
            returned=Count("pk", filter=Q(status=MeasureStatus.RETURNED)),
            open=Count("pk", filter=Q(status=MeasureStatus.OPEN)),
            long_term=Count("pk", filter=Q(kind=MeasureKind.LONG_TERM) & ~Q(status=MeasureStatus.CLOSED)),
        ),
    )


def ledger_measures(rect, filters):
    """The ledger's measures narrowed by its `LedgerFilter`, in order (paginated by the view)."""
    # The problem's rectification is the measure's; saying so lets PostgreSQL join the rectification's
    # problems by index instead of hashing every problem of the county (EXPLAIN at volume L: a seq scan
    # of 16,945 problems, 15 ms; with it, an index scan of the rectification's own, 1 ms; BENCHMARKS.md).
    measures = rect.measures.filter(problem__rectification=rect).select_related("problem", "closed_by")
    measures = filters.narrow(measures)
    return measures.order_by("problem__seq", "seq")


def ledger_rows(rect, rows: list[Measure]) -> list[Measure]:
    """A page of the ledger, each measure with its events, its deadline mark and its latest progress."""
    # As a list attribute: a prefetched manager still builds a queryset on every access in the template.
    prefetch_related_objects(
        rows, Prefetch("events", queryset=MeasureEvent.objects.select_related("by"), to_attr="event_list")
    )
    # The ids of the latest entries (one query): each row's cached cells are keyed on them; the entries
    # themselves, with their versions and evidence, are read only if a row is rendered (all at once).
    newest = dict(
        rect.measures.order_by()
        .filter(pk__in=[m.pk for m in rows])
        .annotate(newest=Subquery(_newest_entry()))
        .values_list("pk", "newest")
    )
    entries = _PageEntries([pk for pk in newest.values() if pk])
    for m in rows:
        m.state = m.deadline_state()
        m.latest = _LatestEntry(entries, m.pk, newest[m.pk]) if newest.get(m.pk) else None
        m.fragment_key = _fragment_key(m)
    return rows


class _PageEntries:
    """The latest entries of a page of the ledger, read together the first time one is wanted."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self.by_measure = None

    def of(self, measure_id: int) -> ReportEntry | None:
        if self.by_measure is None:
            entries = _entries(ReportEntry.objects.filter(pk__in=self.ids))
            self.by_measure = {entry.measure_id: entry for entry in entries}
        return self.by_measure.get(measure_id)


class _LatestEntry:
    """A measure's latest entry as the template reads it (`m.latest.narrative`…), loaded on first use."""

    def __init__(self, entries: _PageEntries, measure_id: int, pk: int):
        self._entries, self._measure_id, self.pk = entries, measure_id, pk

    def __getattr__(self, name):
        return getattr(self._entries.of(self._measure_id), name)


def _fragment_key(m: Measure) -> str:
    """Everything a ledger row shows that its measure's version does not: its number (its problem's
    order), its deadline mark (today's), its latest progress (a submitted version's entry, frozen with
    its evidence), its events (added, never changed) and the names of who acted. The row's cells are
    cached under it (ledger.html)."""
    events = m.event_list
    names = [str(m.closed_by or "")] + [str(e.by or "") for e in events]
    return "|".join(
        str(part)
        for part in (
            m.pk, m.version, m.number, m.state, m.latest.pk if m.latest else "",
            len(events), events[-1].pk if events else "", *names,
        )
    )  # fmt: skip


def accountabilities(rect):
    return rect.accountabilities.select_related("recorded_by")


def accountability_count(rect) -> int:
    return rect.accountabilities.count()


def accountability_get(user, rect, pk) -> Accountability:
    return access.get_visible(user, Accountability.objects.filter(rectification=rect), pk=pk)


def _newest_entry() -> QuerySet:
    """The id of the measure's (OuterRef) entry in the newest submitted or signed version of the latest
    report that speaks of it."""
    return (
        ReportEntry.objects.filter(
            measure=OuterRef("pk"), version__status__in=(VersionStatus.SUBMITTED, VersionStatus.SIGNED)
        )
        .order_by("-version__report__due_date", "-version__number", "-pk")
        .values("pk")[:1]
    )


def _entries(qs) -> QuerySet:
    # Unordered: the default ordering (by problem and measure number) would join both tables to sort rows
    # that end up in a dict; and the versions without their report texts, not shown with an entry.
    return (
        qs.order_by()
        .select_related("version__report")
        .defer("measure_text", "version__summary", "version__principal_report")
        .prefetch_related("evidence")
    )


def latest_entries(rect: Rectification, measure_ids=None) -> dict[int, ReportEntry]:
    """Each measure's latest reported progress (`_newest_entry`) — for the measures `measure_ids`, or
    all. Two queries whatever the number of reports: the entries whose id is their measure's newest (a
    correlated subquery), their evidence."""
    measures = rect.measures.order_by()
    if measure_ids is not None:
        measures = measures.filter(pk__in=list(measure_ids))
    newest = measures.annotate(newest=Subquery(_newest_entry())).values("newest")
    return {entry.measure_id: entry for entry in _entries(ReportEntry.objects.filter(pk__in=newest))}


def last_closed_at(rect: Rectification):
    """When the rectification was (last) closed, even if a reopened measure sent it back to 整改中."""
    if rect.closed_at:
        return rect.closed_at
    record = rect.history.filter(closed_at__isnull=False).order_by("-history_date").first()
    return record.closed_at if record else None


def last_rating(rect: Rectification) -> tuple[str, str]:
    """(rating label, note) of the rectification's latest 整改评估, kept in the history after a reopening."""
    if rect.rating:
        return rect.get_rating_display(), rect.rating_note
    record = rect.history.exclude(rating="").order_by("-history_date").first()
    if record is None:
        return "", ""
    return Rating(record.rating).label, record.rating_note


# --- 回头看 -------------------------------------------------------------------------------------------


def earlier_rectification(round, unit) -> Rectification | None:
    """The rectification of the round a lookback round revisits, for the same unit."""
    return (
        Rectification.objects.filter(round=round.revisit_of, unit=unit)
        .select_related("round__term", "unit", "team__round", "rated_by")
        .first()
    )


def lookback_problems(rect: Rectification) -> list[Problem]:
    """The problems with their measures (in order) and each measure's reopening events."""
    measures = Measure.objects.prefetch_related(
        Prefetch(
            "events",
            queryset=MeasureEvent.objects.filter(action=MeasureEvent.Action.REOPEN).select_related("by"),
            to_attr="reopen_events",
        )
    ).order_by("seq")
    return list(rect.problems.select_related("category").prefetch_related(Prefetch("measures", queryset=measures)))


def measures_then(rect: Rectification, cutoff) -> dict:
    """Each measure as its history recorded it at `cutoff` (when the earlier rectification closed)."""
    if cutoff is None:
        return {}
    then = {}
    records = Measure.history.filter(rectification_id=rect.pk, history_date__lte=cutoff).order_by(
        "history_date", "history_id"
    )
    for record in records:
        then[record.id] = None if record.history_type == "-" else record
    return then


def rectifications_still_open(round) -> list[str]:
    """The close guard of a round (registered with rounds in RectificationConfig.ready): a round is
    complete only when every rectification of it is closed and rated."""
    still_open = (
        Rectification.objects.filter(round=round)
        .exclude(status=RectStatus.CLOSED)
        .select_related("unit")
        .order_by("unit__name")
    )
    return [f"{rect.unit.name}的整改尚未完成销号和评估" for rect in still_open]
