"""对账销号 (the ledger: close, return, reopen a measure), 整改评估并办结, 问责, and the 整改公开 tab.

Everyone who sees the rectification reads the ledger and the publicity tab; only the office writes (the
leader, the team, the unit and the supervisors get 403). Thin views: the services decide and refuse.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rectification.forms.closing import (
    AccountabilityForm,
    LedgerFilterForm,
    PublicationForm,
    RectCloseForm,
    WithdrawForm,
)
from rounds.models import RoundKind
from xuncha.core import aggregates
from xuncha.core.errors import DomainError
from xuncha.core.forms import add_domain_error
from xuncha.core.pagination import LedgerPaginator
from xuncha.core.views import run_service

from ..deadlines import measure_deadline_q
from ..models import (
    Accountability,
    Measure,
    MeasureEvent,
    MeasureKind,
    MeasureStatus,
    Problem,
    Publication,
    PublicationStatus,
    RectStatus,
)
from ..services.closing import (
    accountability_add,
    accountability_update,
    close_problems,
    last_rating,
    latest_entries,
    measure_close,
    measure_reopen,
    measure_return,
    rectification_close,
)
from ..services.publicity import (
    publication_default_text,
    publication_default_title,
    publication_publish,
    publication_save,
    publication_withdraw,
)
from .common import get_rect, tab_context

OFFICE = ("office",)
# As the findings and leads ledgers. A measure's row is tall (content, latest progress and evidence,
# closing record, the office's forms): 20 of them are already several screens at 1366×768.
LEDGER_PAGE_SIZE = 20


def _ledger_url(rect, anchor: str = "") -> str:
    return reverse("rectification:ledger", args=[rect.pk]) + (f"#{anchor}" if anchor else "")


# --- the ledger (对账销号) ------------------------------------------------------------------------------


# What the ledger's counts are made of: cached until a measure or problem changes.
LEDGER_TRACKED = (Measure, Problem)


def _ledger_stats(rect) -> dict:
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


@login_required
def ledger(request, pk):
    rect = get_rect(request, pk)
    form = LedgerFilterForm(request.GET or None)
    filters = form.filters()
    # The problem's rectification is the measure's; saying so lets PostgreSQL join the rectification's
    # problems by index instead of hashing every problem of the county (EXPLAIN at volume L: a seq scan
    # of 16,945 problems, 15 ms; with it, an index scan of the rectification's own, 1 ms; BENCHMARKS.md).
    measures = rect.measures.filter(problem__rectification=rect).select_related("problem", "closed_by")
    if q := filters.get("q"):
        measures = measures.filter(
            Q(content__icontains=q)
            | Q(goal__icontains=q)
            | Q(problem__title__icontains=q)
            | Q(responsible_branch__icontains=q)
            | Q(responsible_leader__icontains=q)
            | Q(responsible_person__icontains=q)
        )
    if status := filters.get("status"):
        measures = measures.filter(status=status)
    if wanted := filters.get("deadline"):
        measures = measures.filter(measure_deadline_q(wanted, timezone.localdate()))
    # Filtered and paginated in the database; events and latest progress only for the page's measures.
    page = LedgerPaginator(
        measures.order_by("problem__seq", "seq"),
        LEDGER_PAGE_SIZE,
        tracked=LEDGER_TRACKED,
        key=("rect-ledger", rect.pk, *sorted(filters.items())),
        deferred_join=False,
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # As a list attribute: a prefetched manager still builds a queryset on every access in the template.
    prefetch_related_objects(
        rows, Prefetch("events", queryset=MeasureEvent.objects.select_related("by"), to_attr="event_list")
    )
    latest = latest_entries(rect, measure_ids=[m.pk for m in rows])
    for m in rows:
        m.state = m.deadline_state()
        m.latest = latest.get(m.pk)
    page.object_list = rows
    stats = _ledger_stats(rect)
    office = rect.role == "office"
    blockers = close_problems(rect) if office and rect.status == RectStatus.IN_PROGRESS else []
    rating_label, rating_note = last_rating(rect) if rect.is_closed else ("", "")
    context = tab_context(rect, "ledger") | {
        "form": form,
        "page_obj": page,
        "filtered": bool(filters),
        "stats": stats,
        "office": office,
        "actionable": office and rect.status == RectStatus.IN_PROGRESS,
        "reopenable": office and rect.status in (RectStatus.IN_PROGRESS, RectStatus.CLOSED),
        "may_close": office and rect.status == RectStatus.IN_PROGRESS and not blockers,
        "blockers": blockers,
        "rating_label": rating_label,
        "rating_note": rating_note,
        "accountabilities": rect.accountabilities.select_related("recorded_by"),
        "lookback": rect.round.kind == RoundKind.LOOKBACK and rect.role in ("office", "leader", "team"),
    }
    return render(request, "rectification/ledger.html", context)


def _measure_action(request, pk, measure_pk, service, success: str, **extra):
    rect = get_rect(request, pk, roles=OFFICE)
    measure = get_object_or_404(rect.measures.select_related("problem"), pk=measure_pk)
    reason = request.POST.get("reason", "")  # the service checks it (required to return or reopen)
    run_service(
        request,
        service,
        measure=measure,
        reason=reason,
        by=request.user,
        success=success.format(measure.number),
    )
    return redirect(_ledger_url(rect, f"m-{measure.pk}"))


@login_required
@require_POST
def measure_close_view(request, pk, measure_pk):
    return _measure_action(request, pk, measure_pk, measure_close, "措施{}已销号")


@login_required
@require_POST
def measure_return_view(request, pk, measure_pk):
    return _measure_action(request, pk, measure_pk, measure_return, "措施{}已退回，已通知单位重新整改")


@login_required
@require_POST
def measure_reopen_view(request, pk, measure_pk):
    return _measure_action(request, pk, measure_pk, measure_reopen, "措施{}已反弹重开")


# --- closing and rating (整改评估) ----------------------------------------------------------------------


@login_required
def rect_close(request, pk):
    rect = get_rect(request, pk, roles=OFFICE)
    form = RectCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rectification_close(
                rect=rect, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"], by=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{rect.unit.name}的整改已评估并办结")
            return redirect(_ledger_url(rect))
    stats = _ledger_stats(rect)
    context = tab_context(rect, "ledger") | {
        "form": form,
        "blockers": close_problems(rect),
        "stats": stats,
        "accountability_count": rect.accountabilities.count(),
    }
    return render(request, "rectification/rect_close.html", context)


# --- accountability (问责) ----------------------------------------------------------------------------


@login_required
def accountability_new(request, pk):
    rect = get_rect(request, pk, roles=OFFICE)
    form = AccountabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accountability_add(rect=rect, accountability=form.instance, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "问责情况已记录")
            return redirect(_ledger_url(rect, "accountability"))
    return render(
        request,
        "rectification/accountability_form.html",
        tab_context(rect, "ledger") | {"form": form, "accountability": None},
    )


@login_required
def accountability_edit(request, pk, acc_pk):
    rect = get_rect(request, pk, roles=OFFICE)
    accountability = get_object_or_404(Accountability, rectification=rect, pk=acc_pk)
    form = AccountabilityForm(request.POST or None, instance=accountability)
    if request.method == "POST" and form.is_valid():
        try:
            accountability_update(accountability=form.instance, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "问责记录已修改")
            return redirect(_ledger_url(rect, "accountability"))
    return render(
        request,
        "rectification/accountability_form.html",
        tab_context(rect, "ledger") | {"form": form, "accountability": accountability},
    )


# --- 整改公开 (双公开) ----------------------------------------------------------------------------------


def _publicity_url(rect) -> str:
    return reverse("rectification:publicity", args=[rect.pk])


@login_required
def publicity(request, pk):
    rect = get_rect(request, pk)
    office = rect.role == "office"
    publications = rect.publications.select_related("created_by", "published_by").order_by(
        "-created_at", "-pk"
    )
    if rect.role not in ("office", "leader"):
        publications = publications.exclude(status=PublicationStatus.DRAFT)
    publications = list(publications)
    context = tab_context(rect, "publicity") | {
        "publications": publications,
        "office": office,
        "may_publish": rect.status in (RectStatus.IN_PROGRESS, RectStatus.CLOSED),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "rectification/publicity.html", context)


@login_required
def publication_new(request, pk):
    rect = get_rect(request, pk, roles=OFFICE)
    if request.method == "POST":
        form = PublicationForm(request.POST)
    else:
        form = PublicationForm(
            initial={"title": publication_default_title(rect), "text": publication_default_text(rect)}
        )
    if request.method == "POST" and form.is_valid():
        try:
            publication_save(rect=rect, publication=form.instance, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "公开内容已保存，待审核公开")
            return redirect(_publicity_url(rect))
    return render(
        request,
        "rectification/publication_form.html",
        tab_context(rect, "publicity") | {"form": form, "pub": None},
    )


@login_required
def publication_edit(request, pk, pub_pk):
    rect = get_rect(request, pk, roles=OFFICE)
    pub = get_object_or_404(Publication, rectification=rect, pk=pub_pk)
    if pub.status != PublicationStatus.DRAFT:
        messages.error(request, f"公开内容当前为“{pub.get_status_display()}”，只有待审核的内容可以修改")
        return redirect(_publicity_url(rect))
    form = PublicationForm(request.POST or None, instance=pub)
    if request.method == "POST" and form.is_valid():
        try:
            publication_save(rect=rect, publication=form.instance, by=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "公开内容已修改")
            return redirect(_publicity_url(rect))
    return render(
        request,
        "rectification/publication_form.html",
        tab_context(rect, "publicity") | {"form": form, "pub": pub},
    )


@login_required
@require_POST
def publication_publish_view(request, pk, pub_pk):
    rect = get_rect(request, pk, roles=OFFICE)
    pub = get_object_or_404(Publication, rectification=rect, pk=pub_pk)
    run_service(
        request,
        publication_publish,
        publication=pub,
        by=request.user,
        success=f"已{pub.get_scope_display()}：{pub.title}",
    )
    return redirect(_publicity_url(rect))


@login_required
@require_POST
def publication_withdraw_view(request, pk, pub_pk):
    rect = get_rect(request, pk, roles=OFFICE)
    pub = get_object_or_404(Publication, rectification=rect, pk=pub_pk)
    run_service(
        request,
        publication_withdraw,
        publication=pub,
        reason=request.POST.get("reason", ""),
        by=request.user,
        success=f"已撤回：{pub.title}",
    )
    return redirect(_publicity_url(rect))


urlpatterns = [
    path("rectification/<int:pk>/ledger/", ledger, name="ledger"),
    path("rectification/<int:pk>/measures/<int:measure_pk>/close/", measure_close_view, name="measure_close"),
    path(
        "rectification/<int:pk>/measures/<int:measure_pk>/return/", measure_return_view, name="measure_return"
    ),
    path(
        "rectification/<int:pk>/measures/<int:measure_pk>/reopen/", measure_reopen_view, name="measure_reopen"
    ),
    path("rectification/<int:pk>/close/", rect_close, name="rect_close"),
    path("rectification/<int:pk>/accountability/new/", accountability_new, name="accountability_add"),
    path(
        "rectification/<int:pk>/accountability/<int:acc_pk>/edit/",
        accountability_edit,
        name="accountability_edit",
    ),
    path("rectification/<int:pk>/publicity/", publicity, name="publicity"),
    path("rectification/<int:pk>/publications/new/", publication_new, name="publication_new"),
    path("rectification/<int:pk>/publications/<int:pub_pk>/edit/", publication_edit, name="publication_edit"),
    path(
        "rectification/<int:pk>/publications/<int:pub_pk>/publish/",
        publication_publish_view,
        name="publication_publish",
    ),
    path(
        "rectification/<int:pk>/publications/<int:pub_pk>/withdraw/",
        publication_withdraw_view,
        name="publication_withdraw",
    ),
]
