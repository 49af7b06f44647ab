"""Dispositions of leads (线索处置) and their transfer in batches (统一移送), with the receivers' pages.

Thin views: a selector reads what the user may see (404 for what he may not), a service writes and
answers a refusal with a DomainError, shown as a message or a form error, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View

from clues.documents import transfers as docx_transfers  # noqa: F401  registers the batch documents with xuncha.core.documents
from clues.forms.transfers import (
    BatchCreateForm,
    BatchFilter,
    FiguresFilter,
    ItemResultForm,
    PendingLeadFilter,
    person_formset,
    persons_from,
)
from clues.selectors import transfers as selectors
from xuncha import access
from xuncha.core.forms import add_domain_error
from xuncha.core.views import OfficeRequiredMixin, PageAccessMixin, run_service
from xuncha.errors import DomainError

from ..models import HandlingResult, TransferStatus
from ..services.transfers import (
    FINAL_RESULTS,
    batch_acknowledge,
    batch_create,
    batch_delete,
    batch_send,
    item_report_result,
)

PAGE_SIZE = 20


# --- transfer batches ---------------------------------------------------------------------------------


class BatchListView(LoginRequiredMixin, View):
    """移交批次: the office sees all; a receiving department's staff the batches sent to it."""

    def get(self, request):
        user = request.user
        access.require(user, "clues.transfers")
        choices = selectors.batch_filter_choices(user)
        office = access.allows(user, "office")
        batch_filter = BatchFilter(
            request.GET or None,
            receivers=choices["receivers"],
            rounds=choices["rounds"],
            statuses=selectors.status_choices(receiving=not office),
        )
        page = Paginator(selectors.batch_list(user, **batch_filter.chosen()), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        for batch in page.object_list:
            batch.deadline_state = selectors.deadline_state(batch)
            batch.status_label = selectors.status_label(batch, receiving=not office)
        return render(
            request,
            "clues/batch_list.html",
            {
                "filter": batch_filter,
                "form": batch_filter.form,
                "page_obj": page,
                "office": office,
                "pending_count": selectors.leads_pending_transfer().count() if office else 0,
                "nav_active": "transfers",
            },
        )


class BatchCreateView(OfficeRequiredMixin, View):
    """The office gathers confirmed transfer leads of one round into a draft batch for one receiver."""

    def forms(self, request, data=None):
        rounds = selectors.pending_transfer_rounds()
        filters = PendingLeadFilter(request.GET or None, rounds=rounds)
        chosen = filters.chosen()
        if "round" not in request.GET and rounds:
            chosen["round"] = rounds[0]  # the latest round with leads waiting; "全部轮次" is a click away
            filters = PendingLeadFilter({"round": rounds[0].pk, **request.GET.dict()}, rounds=rounds)
        leads = selectors.leads_pending_transfer(**chosen)
        form = BatchCreateForm(data, receivers=selectors.receiver_choices(), leads=leads)
        return filters, form, leads

    def get(self, request):
        filters, form, leads = self.forms(request)
        return self.render_form(filters, form, leads)

    def post(self, request):
        filters, form, leads = self.forms(request, request.POST)
        if form.is_valid():
            try:
                batch = batch_create(
                    receiver=form.cleaned_data["receiver"],
                    leads=form.cleaned_data["leads"],
                    deadline_days=form.cleaned_data["deadline_days"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已生成移交批次{batch.number}（待移交），核对无误后请点击“移交”。")
                return redirect("clues:batch_detail", batch.pk)
        return self.render_form(filters, form, leads)

    def render_form(self, filters, form, leads):
        return render(
            self.request,
            "clues/batch_create.html",
            {
                "filter": filters,
                "filters": filters.form,
                "form": form,
                "leads": list(leads),
                "checked": form.checked_ids(),
                "nav_active": "transfers",
            },
        )


class BatchDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        batch = selectors.batch_get(user, pk)
        items = selectors.batch_items(batch)
        # The receiver's staff acknowledge and report results (one rule: `acknowledge`, `report_result`).
        may = access.decisions(user, batch, "send", "acknowledge")
        receiver = may["acknowledge"]
        office = access.allows(user, "office")
        context = {
            "batch": batch,
            "items": items,
            "documents": selectors.batch_documents(batch),
            "office": office,
            "receiver": receiver,
            "reported_count": sum(1 for i in items if i.result),
            "person_count": sum(len(i.persons.all()) for i in items),
            "deadline_state": selectors.deadline_state(batch),
            "status_label": selectors.status_label(batch, receiving=receiver and not office),
            "can_send": may["send"] and batch.status == TransferStatus.DRAFT,
            "can_acknowledge": may["acknowledge"] and batch.status == TransferStatus.SENT,
            "can_report": receiver and batch.status != TransferStatus.DRAFT,
            "final_results": [r.value for r in FINAL_RESULTS],
            "nav_active": "transfers",
        }
        return render(request, "clues/batch_detail.html", context)


class BatchSendView(OfficeRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        batch = selectors.batch_get(request.user, pk)
        run_service(
            request,
            batch_send,
            batch=batch,
            by=request.user,
            success="已移交。接收单位经办人已收到通知，移交函和移交清单正在生成。",
        )
        return redirect("clues:batch_detail", pk)


class BatchDeleteView(OfficeRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        batch = selectors.batch_get(request.user, pk)
        number = batch.number
        ok, _ = run_service(request, batch_delete, batch=batch, by=request.user)
        if ok:
            messages.success(request, f"已删除待移交批次{number}，其中的线索可重新组织移交。")
            return redirect("clues:batch_list")
        return redirect("clues:batch_detail", pk)


class BatchAcknowledgeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        batch = selectors.batch_get(request.user, pk)
        access.require(request.user, "acknowledge", batch)
        run_service(
            request, batch_acknowledge, batch=batch, by=request.user, success=f"已签收{batch.number}。"
        )
        return redirect("clues:batch_detail", pk)


class ItemResultView(LoginRequiredMixin, View):
    """The receiver reports what became of one transferred lead and who was dealt with."""

    def get_item(self, request, pk):
        item = selectors.item_get(request.user, pk)
        access.require(request.user, "report_result", item.batch)
        return item

    def get(self, request, pk):
        item = self.get_item(request, pk)
        form = ItemResultForm(initial={"result": item.result, "note": item.result_note})
        initial = [
            {"name": p.name, "post": p.post, "form": p.form, "sanction": p.sanction, "detail": p.detail}
            for p in selectors.item_persons(item)
        ]
        return self.render_form(item, form, person_formset(initial=initial or None))

    def post(self, request, pk):
        item = self.get_item(request, pk)
        form = ItemResultForm(request.POST)
        persons = person_formset(data=request.POST)
        if form.is_valid() and persons.is_valid():
            try:
                item_report_result(
                    item=item,
                    result=form.cleaned_data["result"],
                    note=form.cleaned_data["note"],
                    persons=persons_from(persons),
                    by=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已反馈{item.lead.number}的办理结果。")
                return redirect("clues:batch_detail", item.batch_id)
        return self.render_form(item, form, persons)

    def render_form(self, item, form, persons):
        return render(
            self.request,
            "clues/receiver_result_form.html",
            {
                "item": item,
                "batch": item.batch,
                "lead": item.lead,
                "form": form,
                "persons": persons,
                "open": item.batch.status != TransferStatus.DRAFT,
                "results": HandlingResult,
                "nav_active": "transfers",
            },
        )


# --- figures ------------------------------------------------------------------------------------------


class TransferFiguresView(PageAccessMixin, View):
    """移交与查处情况: the seeds' dashboard figures, in total and per round, team and unit."""

    page_rule = "sees_all"

    def get(self, request):
        rounds = selectors.figure_rounds()
        figures_filter = FiguresFilter(request.GET or None, rounds=rounds)
        round = figures_filter.chosen().get("round")
        return render(
            request,
            "clues/figures.html",
            {
                "filter": figures_filter,
                "filtered": bool(request.GET),
                "round": round,
                "totals": selectors.transfer_figures(round=round),
                "per_round": [] if round else selectors.transfer_figures_by("round"),
                "per_team": selectors.transfer_figures_by("team", round=round),
                "per_unit": selectors.transfer_figures_by("unit", round=round) if round else [],
                "nav_active": "figures",
            },
        )

