"""Reads for the disposition queue, the transfer pages and the dashboard figures, filtered by `access`.

Every list costs the same few queries at 3 rows or 30,000: what a row shows is joined or prefetched,
counts are aggregates (`Count(..., filter=Q(...))`), the figures are two grouped queries.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clues.forms.transfers import BatchFilter, PendingLeadFilter
from clues.models import (
    DisciplineForm,
    Disposition,
    HandlingResult,
    Lead,
    LeadStatus,
    PersonDealt,
    TransferBatch,
    TransferItem,
    TransferStatus,
)
from clues.models.intake import TRANSFER_DISPOSITIONS
from clues.services.transfers import DUE_SOON_DAYS
from rounds.models import Round, Unit
from teams.models import Team
from xuncha import access
from xuncha.core.documents import documents_of

LEAD_RELATED = ("team__round", "unit", "round__term")


# --- transfers ----------------------------------------------------------------------------------------


def receiver_choices() -> QuerySet:
    """Departments that can receive a batch: active, with at least one staff account."""
    with_staff = Unit.objects.filter(staff__isnull=False).values("pk")
    return Unit.objects.filter(is_active=True, pk__in=with_staff).order_by("name")


def leads_pending_transfer(*, round: Round | None = None, disposition: str = "") -> QuerySet:
    """Confirmed leads whose disposition is a transfer and that are in no batch yet."""
    qs = Lead.objects.filter(
        status=LeadStatus.CONFIRMED, disposition__in=TRANSFER_DISPOSITIONS, transfer__isnull=True
    )
    qs = PendingLeadFilter.apply(qs, {"round": round, "disposition": disposition})
    return qs.select_related(*LEAD_RELATED).order_by(
        "-round__term__start_date", "-round__number", "team__number", "serial"
    )


def pending_transfer_rounds() -> QuerySet:
    pending = leads_pending_transfer().values("round_id")
    return (
        Round.objects.filter(pk__in=pending).select_related("term").order_by("-term__start_date", "-number")
    )


# What a batch's status reads as to its receiver: a batch sent to him waits for his 签收.
RECEIVER_LABELS = {TransferStatus.SENT: "待签收"}


def status_label(batch: TransferBatch, *, receiving: bool) -> str:
    """The status as this reader sees it: the receiver's words for a batch sent to him, else the office's."""
    if receiving and batch.status in RECEIVER_LABELS:
        return RECEIVER_LABELS[batch.status]
    return batch.get_status_display()


def status_choices(*, receiving: bool) -> list[tuple[str, str]]:
    """The status filter's options, in the reader's words (a receiver never sees the office's drafts)."""
    if not receiving:
        return list(TransferStatus.choices)
    return [(v, RECEIVER_LABELS.get(v, label)) for v, label in TransferStatus.choices if v != TransferStatus.DRAFT]


def deadline_state(batch: TransferBatch, today: date | None = None) -> str:
    """'overdue', 'due-soon' or '' — the row colour of a batch whose results are not all in."""
    if batch.deadline is None or batch.status not in (TransferStatus.SENT, TransferStatus.ACKNOWLEDGED):
        return ""
    today = today or timezone.localdate()
    if batch.deadline < today:
        return "overdue"
    if batch.deadline <= today + timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return ""


def batch_list(
    user,
    *,
    status: str = "",
    receiver: Unit | None = None,
    round: Round | None = None,
    due: str = "",
    today: date | None = None,
) -> QuerySet:
    """The batches this user may see, with their item and result counts; `due` is 'overdue' or 'soon'."""
    qs = BatchFilter.apply(
        access.visible(user, "clues.TransferBatch"),
        {"status": status, "receiver": receiver, "round": round, "due": due},
        today=today,
    )
    return (
        qs.select_related("receiver", "round__term", "sent_by")
        .annotate(
            item_count=Count("items", distinct=True),
            result_count=Count("items", filter=~Q(items__result=""), distinct=True),
        )
        # A to-do (待签收, overdue, due soon) is read oldest first; the whole list newest first.
        .order_by(*(("deadline", "sent_at", "pk") if (status or due) and status != TransferStatus.DRAFT else ("-year", "-serial")))
    )


def batch_filter_choices(user) -> dict[str, QuerySet]:
    visible = access.visible(user, "clues.TransferBatch")
    return {
        "receivers": Unit.objects.filter(pk__in=visible.values("receiver_id")).order_by("name"),
        "rounds": Round.objects.filter(pk__in=visible.values("round_id"))
        .select_related("term")
        .order_by("-term__start_date", "-number"),
    }


def batch_get(user, pk: int) -> TransferBatch:
    return access.get_visible(
        user,
        TransferBatch.objects.select_related("receiver", "round__term", "sent_by", "acknowledged_by", "created_by"),
        pk=pk,
    )


def batch_items(batch: TransferBatch) -> list[TransferItem]:
    return list(
        batch.items.select_related("lead__team__round", "lead__unit", "reported_by")
        .prefetch_related("persons")
        .order_by("lead__unit__name", "lead__serial", "pk")
    )


def batch_documents(batch: TransferBatch) -> list:
    return list(documents_of(batch).select_related("requested_by"))


def item_get(user, pk: int) -> TransferItem:
    return get_object_or_404(
        TransferItem.objects.restrict(user).select_related(
            "batch__receiver", "batch__round__term", "lead__team__round", "lead__unit"
        ),
        pk=pk,
    )


def item_persons(item: TransferItem) -> list[PersonDealt]:
    return list(item.persons.all())


# --- the dashboard figures ----------------------------------------------------------------------------


@dataclass
class TransferFigures:
    """What the seeds count (000, 003): leads transferred, cases opened, persons dealt with by form."""

    to_jiwei: int = 0
    to_zuzhibu: int = 0
    to_other: int = 0
    cases: int = 0
    persons: int = 0
    by_form: dict[int, int] = field(default_factory=lambda: dict.fromkeys(DisciplineForm.values, 0))
    label: str = ""
    key: object = None

    @property
    def transferred(self) -> int:
        return self.to_jiwei + self.to_zuzhibu + self.to_other

    @property
    def forms(self) -> list[tuple[int, str, int]]:
        return [(value, label, self.by_form.get(value, 0)) for value, label in DisciplineForm.choices]


def _items(round=None, team=None, unit=None) -> QuerySet:
    qs = TransferItem.objects.filter(batch__sent_at__isnull=False)
    if round:
        qs = qs.filter(lead__round=round)
    if team:
        qs = qs.filter(lead__team=team)
    if unit:
        qs = qs.filter(lead__unit=unit)
    return qs


def _persons(round=None, team=None, unit=None) -> QuerySet:
    qs = PersonDealt.objects.filter(item__batch__sent_at__isnull=False)
    if round:
        qs = qs.filter(item__lead__round=round)
    if team:
        qs = qs.filter(item__lead__team=team)
    if unit:
        qs = qs.filter(item__lead__unit=unit)
    return qs


ITEM_FIGURES = {
    "to_jiwei": Count("pk", filter=Q(lead__disposition=Disposition.TO_JIWEI)),
    "to_zuzhibu": Count("pk", filter=Q(lead__disposition=Disposition.TO_ZUZHIBU)),
    "to_other": Count("pk", filter=Q(lead__disposition=Disposition.TO_OTHER)),
    "cases": Count("pk", filter=Q(result=HandlingResult.CASE)),
}
PERSON_FIGURES = {
    "persons": Count("pk"),
    **{f"form{value}": Count("pk", filter=Q(form=value)) for value in DisciplineForm.values},
}


def _fill(figures: TransferFigures, items: dict, persons: dict) -> TransferFigures:
    for name in ITEM_FIGURES:
        setattr(figures, name, items.get(name) or 0)
    figures.persons = persons.get("persons") or 0
    figures.by_form = {value: persons.get(f"form{value}") or 0 for value in DisciplineForm.values}
    return figures


def transfer_figures(
    *, round: Round | None = None, team: Team | None = None, unit: Unit | None = None
) -> TransferFigures:
    """Leads transferred (sent) to the discipline commission, the organization department and others;
    cases opened (立案); persons dealt with, and by the four forms. Two queries whatever the numbers."""
    items = _items(round, team, unit).aggregate(**ITEM_FIGURES)
    persons = _persons(round, team, unit).aggregate(**PERSON_FIGURES)
    return _fill(TransferFigures(), items, persons)


GROUPINGS = {"round": "lead__round", "team": "lead__team", "unit": "lead__unit"}


def transfer_figures_by(by: str, *, round: Round | None = None) -> list[TransferFigures]:
    """The figures per round, team or unit (only those with a transferred lead), in four queries."""
    key = GROUPINGS[by]
    items = {row[key]: row for row in _items(round).order_by().values(key).annotate(**ITEM_FIGURES)}
    persons = {
        row[f"item__{key}"]: row
        for row in _persons(round).order_by().values(f"item__{key}").annotate(**PERSON_FIGURES)
    }
    ids = set(items) | set(persons)
    if by == "round":
        objects = (
            Round.objects.filter(pk__in=ids).select_related("term").order_by("-term__start_date", "-number")
        )
        label = str
    elif by == "team":
        objects = (
            Team.objects.filter(pk__in=ids)
            .select_related("round")
            .order_by("-round__term__start_date", "-round__number", "number")
        )
        label = str
    else:
        objects = Unit.objects.filter(pk__in=ids).order_by("unit_type", "name")
        label = lambda u: u.name  # noqa: E731
    return [
        _fill(TransferFigures(label=label(obj), key=obj), items.get(obj.pk, {}), persons.get(obj.pk, {}))
        for obj in objects
    ]


def figure_rounds() -> QuerySet:
    """The rounds the figures page's filter offers (the page is the office's and the leadership's)."""
    return Round.objects.select_related("term").order_by("-term__start_date", "-number")
