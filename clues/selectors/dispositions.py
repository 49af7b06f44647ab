"""Reads for the disposition queue (线索处置), filtered by `access`.

The queue costs the same few queries at 3 rows or 30,000: what a row shows is joined, the tab counts
are one aggregate (`Count(..., filter=Q(...))`).
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from clues.forms.dispositions import DispositionQueueFilter
from clues.models import Channel, Lead, LeadStatus, ScopeStatus
from clues.services.dispositions import RETURN_PREFIX
from rounds.models import Round
from teams.models import Team
from xuncha import access
from xuncha.access.rules import clues as access_rules

LEAD_RELATED = ("team__round", "unit", "round__term")


# --- dispositions -------------------------------------------------------------------------------------


def led_team_ids(user) -> list[int]:
    """The teams this user leads (组长): where the queue offers him 提出处置意见."""
    return access_rules.led_team_ids(user)


# The queue's tabs: what each holds.
AWAITING_PROPOSAL = Q(status__in=(LeadStatus.REGISTERED, LeadStatus.TRIAGED)) & (
    Q(scope=ScopeStatus.IN_SCOPE) | Q(channel=Channel.HANDOVER, scope=ScopeStatus.PENDING)
)
QUEUE_TABS = {
    "todo": ("待提出处置意见", AWAITING_PROPOSAL),
    "pending": ("待巡察办确认", Q(status=LeadStatus.PROPOSED)),
    "confirmed": ("已确认处置", ~Q(disposition="")),
}


def _queue_base(user) -> QuerySet:
    """Every team's leads for the office, else the user's teams' (xuncha.access, `dispose`)."""
    return access.restrict(user, Lead.objects.all(), "dispose")


def disposition_queue(
    user,
    *,
    tab: str,
    round: Round | None = None,
    team: Team | None = None,
    disposition: str = "",
    q: str = "",
) -> QuerySet:
    """The leads of one tab of the queue: the office sees every team's, a 组长 his own teams'.

    Each row carries the reason of its latest return (`return_reason`), if any, in the same query."""
    qs = _queue_base(user).filter(QUEUE_TABS[tab][1])
    qs = DispositionQueueFilter.apply(qs, {"round": round, "team": team, "q": q, "disposition": disposition}, tab=tab)
    returned = (
        Lead.history.model.objects.filter(id=OuterRef("pk"), history_change_reason__startswith=RETURN_PREFIX)
        .order_by("-history_date", "-history_id")
        .values("history_change_reason")[:1]
    )
    order = {"todo": ("received_on", "pk"), "pending": ("received_on", "pk")}.get(
        tab, ("-confirmed_at", "-pk")
    )
    return (
        qs.select_related(*LEAD_RELATED, "proposed_by", "confirmed_by")
        .annotate(return_reason=Subquery(returned))
        .order_by(*order)
    )


def disposition_tab_counts(user, *, round=None, team=None, q: str = "") -> dict[str, int]:
    """How many leads each tab holds (with the same filters but the disposition), in one query."""
    qs = DispositionQueueFilter.apply(_queue_base(user), {"round": round, "team": team, "q": q})
    return qs.order_by().aggregate(**{key: Count("pk", filter=cond) for key, (_, cond) in QUEUE_TABS.items()})


def queue_filter_choices(user) -> dict[str, QuerySet]:
    teams = access.visible(user, "teams.Team").select_related("round").order_by("-round__term__start_date", "-round__number", "number")
    rounds = Round.objects.filter(pk__in=teams.values("round_id")).select_related("term")
    return {"rounds": rounds.order_by("-term__start_date", "-number"), "teams": teams}


def lead_for_disposition(user, pk: int) -> Lead:
    """A lead the user may see (else 404), with what the disposition pages show joined."""
    return access.get_visible(user, Lead.objects.select_related(*LEAD_RELATED, "proposed_by", "confirmed_by"), pk=pk)


def last_return_reason(lead: Lead) -> str:
    record = (
        lead.history.filter(history_change_reason__startswith=RETURN_PREFIX)
        .order_by("-history_date", "-history_id")
        .values_list("history_change_reason", flat=True)
        .first()
    )
    return record[len(RETURN_PREFIX) :] if record else ""
