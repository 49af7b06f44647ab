"""Intake pages (受理): the lead ledger, recording, detail with triage and the logged identity reveal, and
the competent department's pages (归口办理) for the petitions handed to it.

A lead the user may not see answers 404 (existence does not leak); one he may see but not act on, 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from clues.forms.intake import (
    HandoverFilter,
    LeadFilter,
    LeadForm,
    LeadIdentityForm,
    OutcomeForm,
    PublicOutcomeForm,
    PublicReplyForm,
    RevealForm,
    TriageForm,
)
from clues.selectors import intake as selectors
from clues.services.dispositions import awaits_proposal
from xuncha import access
from xuncha.core import aggregates
from xuncha.core.concurrency import save_form
from xuncha.core.crypto import UNDECRYPTABLE_MESSAGE, undecryptable_fields
from xuncha.core.forms import add_domain_error
from xuncha.core.pagination import LedgerPaginator
from xuncha.errors import DomainError

from ..models import Channel, Lead, LeadStatus, ScopeStatus
from ..services.intake import (
    EDITABLE_STATUSES,
    LEAD_FIELDS,
    TRIAGE_STATUSES,
    handover_record_outcome,
    lead_change_identity,
    lead_record,
    lead_reveal_identity,
    lead_triage,
    lead_update,
)
from ..services.public import lead_approve_public_outcome, lead_set_public_reply

PAGE_SIZE = 20


def _can_triage(lead: Lead) -> bool:
    return lead.status in TRIAGE_STATUSES and not (
        lead.status == LeadStatus.HANDED_OVER and lead.handling_outcome
    )


def _triage_initial(lead: Lead) -> dict:
    if lead.scope == ScopeStatus.PENDING:
        return {}
    return {
        "scope": lead.scope,
        "category": lead.out_of_scope_category,
        "handed_to": lead.handed_to_id,
        "explanation": lead.explanation,
    }


def _triage_form(lead: Lead, data=None) -> TriageForm:
    departments = selectors.handover_departments(exclude_unit_id=lead.unit_id)
    return TriageForm(data, initial=_triage_initial(lead), departments=departments)


# --- the ledger ------------------------------------------------------------------------------------------


class LeadListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        if not access.allows(user, "clues.leads"):
            raise Http404  # an inspected unit, the leadership: 404 there, as on every lead
        lead_filter = LeadFilter(
            request.GET or None,
            rounds=selectors.filter_rounds(user),
            teams=selectors.filter_teams(user),
            units=selectors.filter_units(user),
            cache_key=aggregates.visibility_key(user),
        )
        filters = lead_filter.chosen()
        leads = selectors.lead_list(user, **filters)
        paginator = LedgerPaginator(
            leads, PAGE_SIZE, tracked=selectors.LEAD_LIST_TRACKED, key=("leads", *aggregates.visibility_key(user, filters))
        )
        page = paginator.get_page(request.GET.get("page"))
        return render(
            request,
            "clues/lead_list.html",
            {
                "filter": lead_filter,
                "form": lead_filter.form,
                "page_obj": page,
                "assignments": selectors.recordable_assignments(user),
                "nav_active": "leads",
            },
        )


# --- recording -------------------------------------------------------------------------------------------


class LeadCreateView(LoginRequiredMixin, View):
    """Record a lead on an assignment; ?channel=handover opens the partner departments' 情况通报 form."""

    def get_assignment(self, pk):
        assignment = selectors.assignment_for_recording(self.request.user, pk)
        return access.require(self.request.user, "record_lead", assignment)

    def get(self, request, pk):
        assignment = self.get_assignment(pk)
        initial = {}
        handover = request.GET.get("channel") == Channel.HANDOVER
        if handover:
            initial["channel"] = Channel.HANDOVER
        return self.render_form(LeadForm(initial=initial), assignment, handover=handover)

    def post(self, request, pk):
        assignment = self.get_assignment(pk)
        form = LeadForm(request.POST, request.FILES)
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: lead_record(
                    assignment=assignment,
                    data=form.lead_data(),
                    identity=form.identity(),
                    attachments=form.cleaned_data["attachments"],
                    by=request.user,
                    date_note=form.cleaned_data["date_note"],
                ),
                url=lambda lead: reverse("clues:lead_detail", args=[lead.pk]),
            )
            if saved.response:
                return saved.response
            if saved.ok:
                lead = saved.result
                messages.success(request, f"已登记{lead.number}。")
                return redirect("clues:lead_detail", lead.pk)
        return self.render_form(
            form, assignment, handover=request.POST.get("channel") == Channel.HANDOVER, rejected=True
        )

    def render_form(self, form, assignment, *, handover=False, rejected=False):
        return render(
            self.request,
            "clues/lead_form.html",
            {
                "form": form,
                "assignment": assignment,
                "handover": handover,
                "rejected": rejected,
                "nav_active": "leads",
            },
        )


class LeadEditView(LoginRequiredMixin, View):
    def get_lead(self, pk) -> Lead:
        lead = selectors.lead_get(self.request.user, pk)
        return access.require(self.request.user, "change", lead)

    def get(self, request, pk):
        lead = self.get_lead(pk)
        if lead.status not in EDITABLE_STATUSES:
            messages.error(request, f"线索已{lead.get_status_display()}，不能再修改。")
            return redirect("clues:lead_detail", lead.pk)
        if undecryptable_fields(lead):
            messages.error(request, UNDECRYPTABLE_MESSAGE + "。")
            return redirect("clues:lead_detail", lead.pk)
        initial = {name: getattr(lead, name) for name in LEAD_FIELDS}
        form = LeadForm(initial=initial, editing=True, public_report=lead.is_public_report, versioned=lead)
        return self.render_form(form, lead)

    def post(self, request, pk):
        lead = self.get_lead(pk)
        initial = {name: getattr(lead, name) for name in LEAD_FIELDS}
        form = LeadForm(
            request.POST,
            request.FILES,
            initial=initial,
            editing=True,
            public_report=lead.is_public_report,
            versioned=lead,
        )
        if form.is_valid():
            try:
                lead_update(
                    lead=lead,
                    data=form.lead_data(),
                    attachments=form.cleaned_data["attachments"],
                    by=request.user,
                    date_note=form.cleaned_data["date_note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已保存修改。")
                return redirect("clues:lead_detail", lead.pk)
        return self.render_form(form, lead, rejected=True)

    def render_form(self, form, lead, *, rejected=False):
        return render(
            self.request,
            "clues/lead_form.html",
            {
                "form": form,
                "lead": lead,
                "assignment": lead.assignment,
                "handover": lead.channel == Channel.HANDOVER,
                "rejected": rejected,
                "nav_active": "leads",
            },
        )


# --- a lead ----------------------------------------------------------------------------------------------


class LeadDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        lead = selectors.lead_get(user, pk)
        team_view = access.allows(user, "team_view", lead)
        if not team_view and access.allows(user, "handle", lead):
            return redirect("clues:handover_detail", lead.pk)
        may = access.decisions(user, lead, "reveal", "change", "propose", "confirm")
        revealer = team_view and may["reveal"]
        recorder = team_view and may["change"]
        context = {
            "lead": lead,
            "team_view": team_view,
            "attachments": selectors.lead_attachments(lead),
            "duplicates": selectors.possible_duplicates(lead, user) if team_view else [],
            "may_reveal": revealer,
            "has_identity": revealer
            and any(
                (lead.reporter_name, lead.reporter_phone, lead.reporter_id_number, lead.reporter_work_unit)
            ),
            # A wrong or missing encryption key: the row is kept as it is and nothing may save it.
            "undecryptable": UNDECRYPTABLE_MESSAGE if team_view and undecryptable_fields(lead) else "",
            "reveals": selectors.reveal_log(lead) if revealer else [],
            "reveal_form": RevealForm() if revealer else None,
            "can_edit": recorder and lead.status in EDITABLE_STATUSES and not undecryptable_fields(lead),
            "triage_form": _triage_form(lead) if recorder and _can_triage(lead) else None,
            "reply_form": (
                PublicReplyForm(initial={"reply": lead.public_reply}, versioned=lead)
                if revealer and lead.is_public_report
                else None
            ),
            "outcome_form": (
                PublicOutcomeForm(initial={"text": lead.public_outcome or lead.handling_outcome}, versioned=lead)
                if revealer and lead.is_public_report and lead.handling_outcome
                else None
            ),
            "nav_active": "leads",
            # Disposition: the 组长 proposes, the office confirms (clues.services.dispositions).
            "can_dispose": may["propose"] and (awaits_proposal(lead) or lead.status == LeadStatus.PROPOSED),
            "can_confirm": may["confirm"] and lead.status == LeadStatus.PROPOSED,
            "transfer": getattr(lead, "transfer", None) if team_view else None,
        }
        return render(request, "clues/lead_detail.html", context)


class LeadTriageView(LoginRequiredMixin, View):
    """受理范围甄别: in scope, or out of scope and handed to the competent department with the explanation."""

    def get_lead(self, pk) -> Lead:
        lead = selectors.lead_get(self.request.user, pk)
        return access.require(self.request.user, "change", lead)

    def get(self, request, pk):
        lead = self.get_lead(pk)
        return self.render_form(_triage_form(lead), lead)

    def post(self, request, pk):
        lead = self.get_lead(pk)
        form = _triage_form(lead, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                lead = lead_triage(
                    lead=lead,
                    scope=data["scope"],
                    category=data.get("category") or None,
                    handed_to=data.get("handed_to"),
                    explanation=data.get("explanation", ""),
                    by=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if lead.status == LeadStatus.HANDED_OVER:
                    messages.success(request, f"已转{lead.handed_to.name}归口办理，并已通知其经办人。")
                else:
                    messages.success(request, "已甄别为属巡察受理范围。")
                return redirect("clues:lead_detail", lead.pk)
        return self.render_form(form, lead)

    def render_form(self, form, lead):
        return render(
            self.request,
            "clues/lead_triage.html",
            {"form": form, "lead": lead, "can_triage": _can_triage(lead), "nav_active": "leads"},
        )


class LeadRevealView(LoginRequiredMixin, View):
    """Show the reporter's identity once, to the office or the 组长, and log it."""

    http_method_names = ["post"]

    def post(self, request, pk):
        lead = selectors.lead_get(request.user, pk)
        form = RevealForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写查看举报人信息的事由。")
            return redirect("clues:lead_detail", lead.pk)
        try:
            identity = lead_reveal_identity(
                lead=lead, reason=form.cleaned_data["reason"], by=request.user, request=request
            )
        except DomainError as exc:
            messages.error(request, exc.full_message())
            return redirect("clues:lead_detail", lead.pk)
        response = render(
            request,
            "clues/lead_reveal.html",
            {
                "lead": lead,
                "identity": identity,
                "reveals": selectors.reveal_log(lead),
                "nav_active": "leads",
            },
        )
        # Shown once: not kept by the browser's cache or back button.
        response["Cache-Control"] = "no-store"
        return response


class LeadIdentityView(LoginRequiredMixin, View):
    """Correct the reporter's identity: the office and the 组长, with a reason, logged."""

    def get_lead(self, pk) -> Lead:
        lead = selectors.lead_get(self.request.user, pk)
        return access.require(self.request.user, "reveal", lead)

    def get(self, request, pk):
        lead = self.get_lead(pk)
        if undecryptable_fields(lead):
            messages.error(request, UNDECRYPTABLE_MESSAGE + "。")
            return redirect("clues:lead_detail", lead.pk)
        return self.render_form(LeadIdentityForm(), lead)

    def post(self, request, pk):
        lead = self.get_lead(pk)
        form = LeadIdentityForm(request.POST)
        if form.is_valid():
            try:
                lead_change_identity(
                    lead=lead,
                    identity=form.identity(),
                    clear=form.cleaned_data["clear"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    request=request,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已修改举报人信息，修改已记录。")
                return redirect("clues:lead_detail", lead.pk)
        return self.render_form(form, lead)

    def render_form(self, form, lead):
        response = render(
            self.request, "clues/lead_identity_form.html", {"form": form, "lead": lead, "nav_active": "leads"}
        )
        response["Cache-Control"] = "no-store"
        return response


class LeadReplyView(LoginRequiredMixin, View):
    """The reply an online reporter reads with his receipt code."""

    def get_lead(self, pk) -> Lead:
        lead = selectors.lead_get(self.request.user, pk)
        access.require(self.request.user, "reply", lead)
        if not lead.is_public_report:
            raise Http404
        return lead

    def get(self, request, pk):
        lead = self.get_lead(pk)
        return self.render_form(PublicReplyForm(initial={"reply": lead.public_reply}, versioned=lead), lead)

    def post(self, request, pk):
        lead = self.get_lead(pk)
        form = PublicReplyForm(request.POST, versioned=lead)
        if form.is_valid():
            saved = save_form(
                request, form, lambda: lead_set_public_reply(lead=lead, reply=form.cleaned_data["reply"], by=request.user)
            )
            if saved.ok:
                messages.success(request, "已保存答复，举报人凭查询码即可看到。")
                return redirect("clues:lead_detail", lead.pk)
        return self.render_form(form, lead)

    def render_form(self, form, lead):
        return render(
            self.request, "clues/lead_reply.html", {"form": form, "lead": lead, "nav_active": "leads"}
        )


class LeadPublicOutcomeView(LoginRequiredMixin, View):
    """审定 the wording of the department's result that an online reporter reads with his receipt code."""

    http_method_names = ["post"]

    def post(self, request, pk):
        lead = selectors.lead_get(request.user, pk)
        access.require(request.user, "reply", lead)
        if not lead.is_public_report:
            raise Http404
        form = PublicOutcomeForm(request.POST, versioned=lead)
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: lead_approve_public_outcome(lead=lead, text=form.cleaned_data["text"], by=request.user),
            )
            if saved.ok:
                messages.success(request, "已审定办理结果，举报人凭查询码即可看到。")
                return redirect("clues:lead_detail", lead.pk)
        else:
            messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("clues:lead_detail", lead.pk)


class LeadAttachmentView(LoginRequiredMixin, View):
    """Download an attachment of a lead the user may see (never a public media URL)."""

    def get(self, request, pk):
        attachment = selectors.attachment_get(request.user, pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=True, filename=attachment.name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- the competent department (归口办理) -------------------------------------------------------------------


class HandoverListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        if not access.allows(user, "clues.handover"):
            raise Http404
        handover_filter = HandoverFilter(request.GET or None)
        filters = handover_filter.chosen()
        leads = selectors.handover_list(user, **filters)
        page = Paginator(leads, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "clues/handover_list.html",
            {
                "filter": handover_filter,
                "filtered": bool(request.GET),
                "page_obj": page,
                "is_office": access.allows(user, "office"),
                "nav_active": "handover",
            },
        )


class HandoverDetailView(LoginRequiredMixin, View):
    """What the department sees of a petition: the content, the attachments and the explanation given to
    the petitioner; never who reported it."""

    def get(self, request, pk):
        lead = selectors.handover_get(request.user, pk)
        open_for_outcome = lead.status == LeadStatus.HANDED_OVER and access.allows(request.user, "record_outcome", lead)
        return self.render_page(lead, OutcomeForm() if open_for_outcome else None)

    def post(self, request, pk):
        lead = selectors.handover_get(request.user, pk)
        access.require(request.user, "record_outcome", lead)
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                handover_record_outcome(lead=lead, outcome=form.cleaned_data["outcome"], by=request.user)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已反馈办理结果，该件已办结。")
                return redirect("clues:handover_detail", lead.pk)
        return self.render_page(lead, form)

    def render_page(self, lead, form):
        return render(
            self.request,
            "clues/handover_detail.html",
            {
                "lead": lead,
                "attachments": selectors.lead_attachments(lead),
                "form": form,
                "nav_active": "handover",
            },
        )

