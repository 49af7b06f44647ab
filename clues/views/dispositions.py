"""Dispositions of leads (线索处置): the 组长 proposes, the office confirms or returns.

Thin views: a selector reads what the user may see (404 for what he may not), a service writes and
answers a refusal with a DomainError, shown as a message or a form error, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from clues.forms.dispositions import (
    DispositionConfirmForm,
    DispositionProposeForm,
    DispositionQueueFilter,
)
from clues.models import Lead, LeadStatus
from clues.selectors import dispositions as selectors
from clues.services.dispositions import (
    awaits_proposal,
    disposition_confirm,
    disposition_propose,
    disposition_return,
    is_disposable,
)
from xuncha import access
from xuncha.core.forms import add_domain_error
from xuncha.core.views import OfficeRequiredMixin
from xuncha.errors import DomainError

PAGE_SIZE = 20


# --- dispositions -------------------------------------------------------------------------------------


class DispositionQueueView(LoginRequiredMixin, View):
    """线索处置: the office's leads awaiting confirmation; a 组长's leads awaiting his proposal; a team
    member follows his team's (read only)."""

    def get(self, request):
        user = request.user
        access.require(user, "clues.disposition_queue")
        office = access.allows(user, "office")
        tab = request.GET.get("tab") or ("pending" if office else "todo")
        if tab not in selectors.QUEUE_TABS:
            tab = "pending" if office else "todo"
        choices = selectors.queue_filter_choices(user)
        queue_filter = DispositionQueueFilter(
            request.GET or None, rounds=choices["rounds"], teams=choices["teams"], tab=tab
        )
        filters = queue_filter.chosen()
        leads = selectors.disposition_queue(user, tab=tab, **filters)
        counts = selectors.disposition_tab_counts(
            user, round=filters.get("round"), team=filters.get("team"), q=filters.get("q", "")
        )
        page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
        tabs = [(key, label, counts[key]) for key, (label, _) in selectors.QUEUE_TABS.items()]
        return render(
            request,
            "clues/disposition_queue.html",
            {
                "filter": queue_filter,
                "form": queue_filter.form,
                "page_obj": page,
                "tab": tab,
                "tabs": tabs,
                "office": office,
                "led_teams": set(selectors.led_team_ids(user)),
                "filtered": any(k in request.GET for k in ("q", "round", "team", "disposition")),
                "nav_active": "dispositions",
            },
        )


class DispositionProposeView(LoginRequiredMixin, View):
    """The 组长 proposes a disposition with a reason."""

    def get_lead(self, request, pk) -> Lead:
        lead = selectors.lead_for_disposition(request.user, pk)
        return access.require(request.user, "propose", lead)

    def get(self, request, pk):
        lead = self.get_lead(request, pk)
        initial = {}
        if lead.proposed_disposition:
            initial = {"disposition": lead.proposed_disposition, "reason": lead.proposed_reason}
        return self.render_form(lead, DispositionProposeForm(initial=initial))

    def post(self, request, pk):
        lead = self.get_lead(request, pk)
        form = DispositionProposeForm(request.POST)
        if form.is_valid():
            try:
                disposition_propose(
                    lead=lead,
                    disposition=form.cleaned_data["disposition"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已提出处置意见，待巡察办确认：{lead.number}")
                return redirect(reverse("clues:disposition_queue") + "?tab=pending")
        return self.render_form(lead, form)

    def render_form(self, lead, form):
        return render(
            self.request,
            "clues/disposition_propose.html",
            {
                "lead": lead,
                "form": form,
                "open": is_disposable(lead)
                and (awaits_proposal(lead) or lead.status == LeadStatus.PROPOSED),
                "return_reason": selectors.last_return_reason(lead) if awaits_proposal(lead) else "",
                "nav_active": "dispositions",
            },
        )


class DispositionConfirmView(OfficeRequiredMixin, View):
    """The office confirms the 组长's proposal (or another disposition), or returns it with a reason."""

    def get(self, request, pk):
        lead = selectors.lead_for_disposition(request.user, pk)
        form = DispositionConfirmForm(initial={"disposition": lead.proposed_disposition or lead.disposition})
        return self.render_form(lead, form)

    def post(self, request, pk):
        lead = selectors.lead_for_disposition(request.user, pk)
        form = DispositionConfirmForm(request.POST)
        action = request.POST.get("action")
        if action == "return" and not request.POST.get("reason", "").strip():
            form.is_valid()
            form.add_error("reason", "退回时请填写退回理由")
        elif form.is_valid():
            try:
                if action == "return":
                    disposition_return(lead=lead, reason=form.cleaned_data["reason"], by=request.user)
                    messages.success(request, f"已退回{lead.team.name}组长重新提出处置意见：{lead.number}")
                else:
                    lead = disposition_confirm(
                        lead=lead, disposition=form.cleaned_data["disposition"], by=request.user
                    )
                    messages.success(
                        request, f"已确认处置方式“{lead.get_disposition_display()}”：{lead.number}"
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect(reverse("clues:disposition_queue") + "?tab=pending")
        return self.render_form(lead, form)

    def render_form(self, lead, form):
        return render(
            self.request,
            "clues/disposition_confirm.html",
            {
                "lead": lead,
                "form": form,
                "open": lead.status == LeadStatus.PROPOSED,
                "nav_active": "dispositions",
            },
        )
