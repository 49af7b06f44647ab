"""What the workbench shows each role, already filtered by `access`.

Each role starts from its to-do queues (待办, `todo_queues`): a count that opens the list it counts.
A queue's count and its list are one query: the count is taken on the queryset the list's own selector
narrows by (`clues.selectors.queues`, `rectification.selectors.queues`, the disposition tabs, the batch
list's filters), and the link names that same filter (`?queue=`, `?tab=`, `?status=`, `?due=`).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from clues.models import LeadStatus, TransferStatus
from clues.selectors import dispositions as disposition_selectors
from clues.selectors import intake as intake_selectors
from clues.selectors import queues as clue_queues
from clues.selectors import transfers as transfer_selectors
from rectification.forms.reports import SupervisionFilter
from rectification.models import Rectification, RectStatus, Report
from rectification.selectors import queues as rect_queues
from rectification.selectors import reports as report_selectors
from rectification.selectors.feedback import visible_rectifications
from rounds.models import Milestone, Round, RoundStatus
from xuncha import access
from xuncha.notifications.models import Notification

DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Queue:
    """One to-do of the workbench: `count` rows wait in the list at `url`; `overdue` and `due_soon` of
    them are past or within 7 days of their deadline (the colour), `oldest` the earliest date."""

    key: str
    label: str
    url: str
    count: int
    overdue: int = 0
    due_soon: int = 0
    oldest: date | None = None

    @property
    def state(self) -> str:
        if self.overdue:
            return "overdue"
        if self.due_soon:
            return "due-soon"
        return ""


def _url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _queue(key, label, url, qs: QuerySet, today: date, *, deadline: str | None = None, since: str | None = None):
    """Count a queue in one query: its rows, and by `deadline` (a date field) how many are overdue or
    due within 7 days; `since` (a date or time field) gives the oldest waiting one when there is no
    deadline."""
    figures = {"count": Count("pk", distinct=True)}
    if deadline:
        figures["overdue"] = Count("pk", filter=Q(**{f"{deadline}__lt": today}), distinct=True)
        figures["due_soon"] = Count(
            "pk",
            filter=Q(**{f"{deadline}__gte": today, f"{deadline}__lte": today + timedelta(days=DUE_SOON_DAYS)}),
            distinct=True,
        )
        figures["oldest"] = Min(deadline)
    elif since:
        figures["oldest"] = Min(since)
    got = qs.order_by().aggregate(**figures)
    oldest = got.get("oldest")
    if oldest is not None and hasattr(oldest, "date"):
        oldest = timezone.localtime(oldest).date()
    return Queue(
        key=key,
        label=label,
        url=url,
        count=got["count"],
        overdue=got.get("overdue") or 0,
        due_soon=got.get("due_soon") or 0,
        oldest=oldest,
    )


def todo_queues(user, today: date | None = None) -> list[Queue]:
    """The to-do queues of this user's roles, in the order of the work; a bounded number of queries (one
    per queue and a few to know the roles) whatever the number of rows."""
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return []
    queues: list[Queue] = []
    if access.allows(user, "workbench.office"):
        queues += _office_queues(user, today)
    if access.allows(user, "workbench.team"):
        queues += _team_queues(user, today)
    if access.allows(user, "workbench.unit"):
        queues += _unit_queues(user, today)
    if access.allows(user, "workbench.receiver"):
        queues += _receiver_queues(user, today)
    if access.allows(user, "workbench.supervision"):
        queues += _supervision_queues(user, today)
    return queues


def _office_queues(user, today) -> list[Queue]:
    return [
        _queue(
            "findings_office_review",
            "待审定底稿",
            _url("clues:finding_list", queue="office_review"),
            clue_queues.finding_queue(user, "office_review"),
            today,
            since="created_at",
        ),
        _queue(
            "dispositions_pending",
            "待确认处置",
            _url("clues:disposition_queue", tab="pending"),
            disposition_selectors.disposition_queue(user, tab="pending"),
            today,
            since="received_on",
        ),
        _queue(
            "leads_to_transfer",
            "待移交线索",
            _url("clues:batch_create", round=""),
            transfer_selectors.leads_pending_transfer(),
            today,
            since="confirmed_at",
        ),
        _queue(
            "plans_to_review",
            "待审核整改方案",
            _url("rectification:rect_list", queue="plan_review"),
            rect_queues.rect_queue(user, "plan_review"),
            today,
            since="plan_submitted_at",
        ),
        _queue(
            "measures_to_close",
            "待销号措施",
            _url("rectification:measure_queue", queue="to_close"),
            rect_queues.measure_queue(user, "to_close", today),
            today,
            deadline="deadline",
        ),
        _queue(
            "publications_to_approve",
            "待审批公开",
            _url("rectification:rect_list", queue="publication_review"),
            rect_queues.rect_queue(user, "publication_review"),
            today,
        ),
        _queue(
            "reports_overdue",
            "逾期未报送的整改报告",
            _url("rectification:report_queue", queue="overdue"),
            rect_queues.report_queue(user, "overdue", today),
            today,
            deadline="due_date",
        ),
        _queue(
            "transfers_overdue",
            "移交线索反馈逾期",
            _url("clues:batch_list", due="overdue"),
            transfer_selectors.batch_list(user, due="overdue", today=today),
            today,
            deadline="deadline",
        ),
    ]


def _team_queues(user, today) -> list[Queue]:
    queues = []
    if access.allows(user, "workbench.team_review"):
        queues.append(
            _queue(
                "findings_my_review",
                "待我审核的底稿",
                _url("clues:finding_list", queue="my_review"),
                clue_queues.finding_queue(user, "my_review"),
                today,
                since="created_at",
            )
        )
        queues.append(
            _queue(
                "leads_to_triage",
                "待甄别线索",
                _url("clues:lead_list", queue="triage"),
                clue_queues.lead_queue(user, "triage"),
                today,
                since="received_on",
            )
        )
    if access.allows(user, "workbench.team_lead"):
        queues.append(
            _queue(
                "leads_to_propose",
                "待提出处置意见",
                _url("clues:disposition_queue", tab="todo"),
                disposition_selectors.disposition_queue(user, tab="todo"),
                today,
                since="received_on",
            )
        )
    return queues


def _unit_queues(user, today) -> list[Queue]:
    if rect_queues.unit_principal(user):
        queues = [
            _queue(
                "reports_to_sign",
                "报送待签字的整改报告",
                _url("rectification:report_queue", queue="to_sign"),
                rect_queues.report_queue(user, "to_sign", today),
                today,
                since="due_date",  # submitted: its due date no longer colours it
            ),
            _queue(
                "commitments_to_sign",
                "承诺书待签署",
                _url("rectification:rect_list", queue="commitments"),
                rect_queues.rect_queue(user, "commitments"),
                today,
            ),
        ]
    else:
        queues = [
            _queue(
                "reports_to_fill",
                "待填报的整改报告",
                _url("rectification:report_queue", queue="to_fill"),
                rect_queues.report_queue(user, "to_fill", today),
                today,
                deadline="due_date",
            )
        ]
    queues.append(
        _queue(
            "measures_due",
            "七日内到期和已逾期的整改措施",
            _url("rectification:measure_queue", queue="due_soon"),
            rect_queues.measure_queue(user, "due_soon", today),
            today,
            deadline="deadline",
        )
    )
    return queues


def _receiver_queues(user, today) -> list[Queue]:
    queues = [
        _queue(
            "batches_to_acknowledge",
            "待签收的移交批次",
            _url("clues:batch_list", status=TransferStatus.SENT),
            transfer_selectors.batch_list(user, status=TransferStatus.SENT, today=today),
            today,
            deadline="deadline",
        ),
        _queue(
            "batches_results_due",
            "已签收待反馈结果",
            _url("clues:batch_list", status=TransferStatus.ACKNOWLEDGED),
            transfer_selectors.batch_list(user, status=TransferStatus.ACKNOWLEDGED, today=today),
            today,
            deadline="deadline",
        ),
        _queue(
            "batches_overdue",
            "反馈已逾期",
            _url("clues:batch_list", due="overdue"),
            transfer_selectors.batch_list(user, due="overdue", today=today),
            today,
            deadline="deadline",
        ),
    ]
    if access.allows(user, "clues.handover"):
        queues.append(
            _queue(
                "handover_open",
                "待办理的归口信访件",
                _url("clues:handover_list", status=LeadStatus.HANDED_OVER),
                intake_selectors.handover_list(user, status=LeadStatus.HANDED_OVER),
                today,
                since="received_on",
            )
        )
    return queues


def _supervision_queues(user, today) -> list[Queue]:
    rects = visible_rectifications(user)
    filters = SupervisionFilter({"commented": "not_mine"}, rounds=Round.objects.none())
    return [
        _queue(
            "reports_to_comment",
            "待提出监督意见的整改报告",
            _url("rectification:supervision", commented="not_mine"),
            report_selectors.supervision_versions(user, rects, filters),
            today,
            since="submitted_at",
        ),
        _queue(
            "reports_overdue",
            "逾期未报送的整改报告",
            _url("rectification:report_queue", queue="overdue"),
            rect_queues.report_queue(user, "overdue", today),
            today,
            deadline="due_date",
        ),
    ]

# How far ahead the unit's workbench lists measures (the yellow mark's horizon, rectification.models.deadlines).
MEASURES_AHEAD_DAYS = 7


def workbench_for(user) -> dict:
    today = timezone.localdate()
    rounds = (
        access.visible(user, "rounds.Round")
        .exclude(status=RoundStatus.DONE)
        .select_related("term")
        .annotate(team_count=Count("teams", distinct=True), unit_count=Count("assignments", distinct=True))
        .order_by("-term__start_date", "-number")
    )
    milestones = (
        Milestone.objects.filter(
            round__in=access.visible(user, "rounds.Round"),
            actual_date__isnull=True,
            planned_date__isnull=False,
            planned_date__lte=today + timedelta(days=7),
        )
        .exclude(round__status=RoundStatus.DONE)
        .select_related("round__term")
        .order_by("planned_date")[:10]
    )
    assignments = (
        access.visible(user, "rounds.Assignment")
        .select_related("round__term", "team", "unit")
        .exclude(round__status=RoundStatus.DONE)
        .order_by("-round__number", "unit__name")[:20]
    )
    return {
        "active_rounds": rounds,
        "due_milestones": milestones,
        "my_assignments": assignments,
        "my_units": access.own_units(user).order_by("name"),
        "recent_messages": Notification.objects.filter(recipient=user).order_by("-created_at")[:5],
        "today": today,
        "soon": today + timedelta(days=3),
        "queues": todo_queues(user, today),
        **rectification_workbench(user, today),
    }


def rectification_workbench(user, today) -> dict:
    """The rectification's part of the workbench, a bounded number of queries whatever the number of
    rectifications:

    - the unit's own users: their open rectifications with the next report due, and the measures due
      within 7 days or overdue (yellow / red);
    - the discipline commission and the organization department: the latest reports submitted, and the
      number of overdue reports;
    - the office: the plans awaiting approval and the overdue reports.

    The lists and counts are the to-do queues' (`rectification.selectors.queues`): the same rows as the
    queue tiles above them count and the lists they open show.
    """
    context = {}
    if not user.is_authenticated:
        return context

    own = (
        Rectification.objects.filter(unit_id__in=access.own_units(user).values("pk"), meeting_date__isnull=False)
        .exclude(status=RectStatus.CLOSED)
        .select_related("unit", "round")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.outstanding().order_by("due_date", "kind"),
                to_attr="open_reports",
            )
        )
        .order_by("-round__planned_start", "unit__name")
    )
    own = list(own)
    if own:
        for rect in own:
            rect.next_report = rect.open_reports[0] if rect.open_reports else None
        context["my_rectifications"] = own
        context["my_due_measures"] = list(
            rect_queues.measure_queue(user, "due_soon", today).select_related("problem", "rectification__unit")[:30]
        )

    if access.allows(user, "workbench.office"):
        plans = rect_queues.rect_queue(user, "plan_review")
        overdue_reports = rect_queues.report_queue(user, "overdue", today)
        context["rect_office"] = {
            "plans_count": plans.count(),
            "plans": list(plans.select_related("unit", "round")[:10]),
            "overdue_count": overdue_reports.count(),
            "overdue_reports": list(
                overdue_reports.select_related("rectification__unit", "rectification__round").order_by(
                    "due_date", "pk"
                )[:10]
            ),
        }
    elif access.allows(user, "workbench.supervision"):
        visible = access.visible(user, "rectification.Rectification")
        context["rect_supervision"] = {
            "latest_reports": list(
                Report.objects.filter(rectification__in=visible, submitted_at__isnull=False)
                .select_related("rectification__unit", "rectification__round")
                .order_by("-submitted_at", "-pk")[:10]
            ),
            "overdue_count": rect_queues.report_queue(user, "overdue", today).count(),
        }
    return context
