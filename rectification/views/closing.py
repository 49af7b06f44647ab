"""对账销号 (the ledger: close, return, reopen a measure), 整改评估并办结, 问责, and the 整改公开 tab.

Everyone who sees the rectification reads the ledger and the publicity tab; only the office writes (the
leader, the team, the unit and the supervisors get 403). Thin views: the services decide and refuse.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from rectification.forms.closing import (
    AccountabilityForm,
    BulkCloseForm,
    LedgerFilter,
    PublicationForm,
    PublishForm,
    RectCloseForm,
    WithdrawForm,
)
from rounds.models import RoundKind
from xuncha.core.bulk import BulkActionView, Caution
from xuncha.core.concurrency import parse_version, save_form
from xuncha.core.forms import ReasonForm
from xuncha.core.pagination import LedgerPaginator
from xuncha.core.views import run_service

from ..models import PublicationStatus, RectStatus
from ..selectors import closing as selectors
from ..selectors import plan as plan_selectors
from ..selectors import publicity as publicity_selectors
from ..services.closing import (
    accountability_add,
    accountability_update,
    answered_returns,
    close_problems,
    close_refusal,
    measure_close,
    measure_reopen,
    measure_return,
    rectification_close,
)
from ..services.publicity import (
    known_person_names,
    publication_default_text,
    publication_default_title,
    publication_drafters,
    publication_flags,
    publication_publish,
    publication_save,
    publication_withdraw,
)
from .common import get_rect, tab_context

# As the findings and leads ledgers. A measure's row is tall (content, latest progress and evidence,
# closing record, the office's forms): 20 of them are already several screens at 1366×768.
LEDGER_PAGE_SIZE = 20


def _ledger_url(rect, anchor: str = "") -> str:
    return reverse("rectification:ledger", args=[rect.pk]) + (f"#{anchor}" if anchor else "")


# --- the ledger (对账销号) ------------------------------------------------------------------------------


@login_required
def ledger(request, pk):
    rect = get_rect(request, pk)
    filters = LedgerFilter(request.GET)
    measures = selectors.ledger_measures(rect, filters)
    # Filtered and paginated in the database; events and latest progress only for the page's measures.
    page = LedgerPaginator(
        measures,
        LEDGER_PAGE_SIZE,
        tracked=selectors.LEDGER_TRACKED,
        key=("rect-ledger", rect.pk, *sorted(filters.chosen().items())),
        deferred_join=False,
    ).get_page(request.GET.get("page"))
    rows = selectors.ledger_rows(rect, list(page.object_list))
    page.object_list = rows
    stats = selectors.ledger_stats(rect)
    office = rect.may["close_measures"]
    blockers = close_problems(rect) if office and rect.status == RectStatus.IN_PROGRESS else []
    rating_label, rating_note = selectors.last_rating(rect) if rect.is_closed else ("", "")
    context = tab_context(rect, "ledger") | {
        "filter": filters,
        "page_obj": page,
        "filtered": bool(filters.chosen()),
        "stats": stats,
        "office": office,
        "actionable": office and rect.status == RectStatus.IN_PROGRESS,
        "reopenable": office and rect.status in (RectStatus.IN_PROGRESS, RectStatus.CLOSED),
        "may_close": office and rect.status == RectStatus.IN_PROGRESS and not blockers,
        "blockers": blockers,
        "rating_label": rating_label,
        "rating_note": rating_note,
        "accountabilities": selectors.accountabilities(rect),
        "lookback": rect.round.kind == RoundKind.LOOKBACK and rect.may["see_internal"],
        "bulk_form": BulkCloseForm(queryset=rect.measures.none()),
    }
    return render(request, "rectification/ledger.html", context)


def _measure_action(request, pk, measure_pk, service, success: str, **extra):
    rect = get_rect(request, pk, "close_measures")
    measure = plan_selectors.measure_get(request.user, rect, measure_pk)
    form = ReasonForm(request.POST)  # the service checks the reason (required to return or reopen)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(_ledger_url(rect, f"m-{measure.pk}"))
    reason = form.cleaned_data["reason"]
    run_service(
        request,
        service,
        measure=measure,
        reason=reason,
        by=request.user,
        version=parse_version(request.POST.get("version")),
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


class MeasureBulkCloseView(BulkActionView):
    """批量销号: the measures of one rectification whose evidence the office checked; each goes through
    `measure_close` in its own transaction (its event, its history row); a refused one is reported."""

    form_class = BulkCloseForm
    title = "批量销号"
    latest = None
    answered: set[int] = set()
    back_label = "返回对账销号"
    nav_active = "rectification"

    def get_queryset(self):
        self.rect = get_rect(self.request, self.kwargs["pk"], "close_measures")
        return self.rect.measures.select_related("problem")

    def back_url(self) -> str:
        return _ledger_url(self.rect)

    def order(self, rows):
        return sorted(rows, key=lambda m: (m.problem.seq, m.seq))

    def label(self, measure) -> str:
        return f"措施{measure.number}：{measure.content[:60]}"

    def url(self, measure) -> str:
        return _ledger_url(self.rect, f"m-{measure.pk}")

    def describe(self, form) -> str:
        return (
            f"{self.rect.unit.name}：对以下{len(form.cleaned_data['ids'])}项整改措施销号。"
            "请确认已逐项核对其整改进展和佐证材料；每项措施单独记入销号记录。"
        )

    def confirm_context(self, form) -> dict:
        reason = form.cleaned_data.get("reason")
        return {"extra_fields": [("核查意见", reason)] if reason else []}

    def preview(self, measure, form) -> str:
        if self.latest is None:  # the selection's latest progress and answered returns, read once
            ids = [m.pk for m in form.cleaned_data["ids"]]
            self.latest = selectors.latest_entries(self.rect, measure_ids=ids)
            self.answered = answered_returns(ids)
        refusal = close_refusal(self.rect, measure, answered=measure.pk in self.answered)
        if refusal:
            return refusal
        latest = self.latest.get(measure.pk)
        if latest is None:
            return Caution("单位尚未报送该措施的整改进展")
        if not latest.evidence.all():
            return Caution("最新进展未附佐证材料")
        return ""

    def note(self, measure) -> str:
        return "已销号"

    def act(self, measure, form):
        return measure_close(measure=measure, reason=form.cleaned_data.get("reason", ""), by=self.request.user)


# --- closing and rating (整改评估) ----------------------------------------------------------------------


@login_required
def rect_close(request, pk):
    rect = get_rect(request, pk, "close")
    form = RectCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = save_form(
            request,
            form,
            lambda: rectification_close(
                rect=rect, rating=form.cleaned_data["rating"], note=form.cleaned_data["note"], by=request.user
            ),
        )
        if outcome.ok:
            messages.success(request, f"{rect.unit.name}的整改已评估并办结")
            return redirect(_ledger_url(rect))
    stats = selectors.ledger_stats(rect)
    context = tab_context(rect, "ledger") | {
        "form": form,
        "blockers": close_problems(rect),
        "stats": stats,
        "accountability_count": selectors.accountability_count(rect),
    }
    return render(request, "rectification/rect_close.html", context)


# --- accountability (问责) ----------------------------------------------------------------------------


@login_required
def accountability_new(request, pk):
    rect = get_rect(request, pk, "record_accountability")
    form = AccountabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = save_form(
            request,
            form,
            lambda: accountability_add(rect=rect, accountability=form.instance, by=request.user),
            url=lambda _: _ledger_url(rect, "accountability"),
        )
        if outcome.response:
            return outcome.response
        if outcome.ok:
            messages.success(request, "问责情况已记录")
            return redirect(_ledger_url(rect, "accountability"))
    return render(
        request,
        "rectification/accountability_form.html",
        tab_context(rect, "ledger") | {"form": form, "accountability": None},
    )


@login_required
def accountability_edit(request, pk, acc_pk):
    rect = get_rect(request, pk, "record_accountability")
    accountability = selectors.accountability_get(request.user, rect, acc_pk)
    form = AccountabilityForm(request.POST or None, instance=accountability)
    if request.method == "POST" and form.is_valid():
        outcome = save_form(
            request,
            form,
            lambda: accountability_update(accountability=form.instance, by=request.user),
        )
        if outcome.ok:
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
    office = rect.may["publish"]
    publications = publicity_selectors.rect_publications(rect, drafts=rect.may["see_publication_drafts"])
    if office:
        # What the personal-data check finds in each draft, and whether this user drafted it (a 社会公开
        # text is approved by another office user): the page says so before the button is pressed.
        drafts = [p for p in publications if p.status == PublicationStatus.DRAFT]
        names = known_person_names(rect) if drafts else []  # read once for every draft
        for p in drafts:
            p.rectification = rect
            p.flags = publication_flags(p, names)
            p.own_draft = request.user.pk in publication_drafters(p)
    context = tab_context(rect, "publicity") | {
        "publications": publications,
        "office": office,
        "may_publish": rect.status in (RectStatus.IN_PROGRESS, RectStatus.CLOSED),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "rectification/publicity.html", context)


def _warn_flags(request, publication) -> None:
    flags = publication_flags(publication)
    if flags:
        messages.warning(
            request, "个人信息检查发现：" + "；".join(flags) + "。公开前须删除，或在审核公开时填写放行理由。"
        )


@login_required
def publication_new(request, pk):
    rect = get_rect(request, pk, "publish")
    if request.method == "POST":
        form = PublicationForm(request.POST)
    else:
        form = PublicationForm(
            initial={"title": publication_default_title(rect), "text": publication_default_text(rect)}
        )
    if request.method == "POST" and form.is_valid():
        outcome = save_form(
            request,
            form,
            lambda: publication_save(rect=rect, publication=form.instance, by=request.user),
            url=lambda _: _publicity_url(rect),
        )
        if outcome.response:
            return outcome.response
        if outcome.ok:
            messages.success(request, "公开内容已保存，待审核公开")
            _warn_flags(request, form.instance)
            return redirect(_publicity_url(rect))
    return render(
        request,
        "rectification/publication_form.html",
        tab_context(rect, "publicity") | {"form": form, "pub": None},
    )


@login_required
def publication_edit(request, pk, pub_pk):
    rect = get_rect(request, pk, "publish")
    pub = publicity_selectors.publication_get(request.user, rect, pub_pk)
    if pub.status != PublicationStatus.DRAFT:
        messages.error(request, f"公开内容当前为“{pub.get_status_display()}”，只有待审核的内容可以修改")
        return redirect(_publicity_url(rect))
    form = PublicationForm(request.POST or None, instance=pub)
    if request.method == "POST" and form.is_valid():
        outcome = save_form(
            request,
            form,
            lambda: publication_save(rect=rect, publication=form.instance, by=request.user),
        )
        if outcome.ok:
            messages.success(request, "公开内容已修改")
            _warn_flags(request, form.instance)
            return redirect(_publicity_url(rect))
    return render(
        request,
        "rectification/publication_form.html",
        tab_context(rect, "publicity") | {"form": form, "pub": pub},
    )


@login_required
@require_POST
def publication_publish_view(request, pk, pub_pk):
    rect = get_rect(request, pk, "publish")
    pub = publicity_selectors.publication_get(request.user, rect, pub_pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(_publicity_url(rect))
    run_service(
        request,
        publication_publish,
        publication=pub,
        by=request.user,
        override_reason=form.cleaned_data["override_reason"],
        success=f"已{pub.get_scope_display()}：{pub.title}",
    )
    return redirect(_publicity_url(rect))


@login_required
@require_POST
def publication_withdraw_view(request, pk, pub_pk):
    rect = get_rect(request, pk, "publish")
    pub = publicity_selectors.publication_get(request.user, rect, pub_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(_publicity_url(rect))
    run_service(
        request,
        publication_withdraw,
        publication=pub,
        reason=form.cleaned_data["reason"],
        by=request.user,
        success=f"已撤回：{pub.title}",
    )
    return redirect(_publicity_url(rect))
