"""Rounds (巡察轮次): the list, the plan form, the detail page with the stage machine, milestones."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from rounds.forms.rounds import MilestoneFormSet, RoundFilter, RoundForm
from rounds.selectors import rounds as selectors
from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.forms import add_domain_error
from xuncha.core.views import OfficeRequiredMixin, run_service
from xuncha.errors import DomainError

from ..models import TEAM_EDITABLE_STATUSES, RoundStatus
from ..services import milestone_update, round_action_checks, round_create, round_transition, round_update
from ..services.assignments import ASSIGNABLE_STATUSES

PAGE_SIZE = 20


class RoundListView(LoginRequiredMixin, View):
    def get(self, request):
        rounds = RoundFilter(request.GET or None, queryset=selectors.round_list(request.user), request=request)
        page = Paginator(rounds.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "rounds/round_list.html",
            {"filter": rounds, "filtered": rounds.filtered, "page_obj": page, "nav_active": "rounds", "manage": access.allows(request.user, "rounds.add_round")},
        )


class RoundFormMixin:
    template_name = "rounds/round_form.html"

    def render_form(self, form, round=None):
        return render(
            self.request, self.template_name, {"form": form, "round": round, "nav_active": "rounds"}
        )


class RoundCreateView(OfficeRequiredMixin, RoundFormMixin, View):
    def get(self, request):
        term = selectors.current_term()
        form = RoundForm(initial={"term": term, "number": selectors.next_round_number(term)})
        return self.render_form(form)

    def post(self, request):
        form = RoundForm(request.POST)
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: round_create(
                    round=form.instance, by=request.user, number_note=form.cleaned_data.get("number_note", "")
                ),
                url=lambda r: reverse("rounds:round_detail", args=[r.pk]),
            )
            if saved.response:
                return saved.response
            if saved.ok:
                round = saved.result
                messages.success(request, f"已创建{round}，请组建巡察组并安排被巡察单位。")
                return redirect("rounds:round_detail", round.pk)
        return self.render_form(form)


class RoundEditView(OfficeRequiredMixin, RoundFormMixin, View):
    def get(self, request, pk):
        round = selectors.round_get(request.user, pk)
        return self.render_form(RoundForm(instance=round), round)

    def post(self, request, pk):
        round = selectors.round_get(request.user, pk)
        form = RoundForm(request.POST, instance=round)
        if form.is_valid():
            saved = save_form(request, form, lambda: round_update(round=form.instance, by=request.user))
            if saved.ok:
                messages.success(request, "已保存轮次信息。")
                return redirect("rounds:round_detail", round.pk)
        # The failed form has already changed the instance; show the saved name in the header.
        return self.render_form(form, selectors.round_get(request.user, pk))


class RoundDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        round = selectors.round_get(user, pk)
        manage = access.allows(user, "change", round)
        milestones = selectors.round_milestones(round)
        teams = selectors.round_teams(user, round)
        assignments = selectors.round_assignments(user, round)
        context = {
            "round": round,
            "steps": selectors.stage_steps(round),
            "actions": round_action_checks(round) if manage else [],
            "transitions": selectors.round_transitions(round),
            "milestones": milestones,
            "teams": teams,
            "assignments": assignments,
            "member_total": sum(t.member_count for t in teams),
            "manage": manage,
            "can_edit": manage and round.status != RoundStatus.DONE,
            "can_form_teams": access.allows(user, "form_teams", round) and round.status in TEAM_EDITABLE_STATUSES,
            "can_assign": access.allows(user, "assign", round) and round.status in ASSIGNABLE_STATUSES,
            "can_export_workbook": access.allows(user, "export_workbook", round),
            "nav_active": "rounds",
        }
        return render(request, "rounds/round_detail.html", context)


class RoundTransitionView(OfficeRequiredMixin, View):
    """POST only: move the round to its next stage; a refusal lists every reason."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        round = selectors.round_get(request.user, pk)
        ok, result = run_service(request, round_transition, round=round, action=action, by=request.user)
        if ok:
            messages.success(request, f"{result}已进入“{result.get_status_display()}”阶段。")
        return redirect("rounds:round_detail", pk)


class MilestoneEditView(OfficeRequiredMixin, View):
    """The six milestones of a round in one form; each changed row goes through milestone_update."""

    def get(self, request, pk):
        round = selectors.round_get(request.user, pk)
        formset = MilestoneFormSet(milestones=selectors.milestones_of(round))
        return self.render_form(round, formset)

    def post(self, request, pk):
        round = selectors.round_get(request.user, pk)
        formset = MilestoneFormSet(request.POST, milestones=selectors.milestones_of(round))
        if formset.is_valid() and self.save(formset):
            messages.success(request, "已保存工作节点。")
            return redirect("rounds:round_detail", round.pk)
        return self.render_form(round, formset)

    def save(self, formset) -> bool:
        """All rows or none: a refused row keeps its error and nothing is saved."""
        failed = False
        with transaction.atomic():
            for form in formset:
                if not form.has_changed():
                    continue
                try:
                    milestone_update(milestone=form.milestone, by=self.request.user, **form.cleaned_data)
                except DomainError as exc:
                    add_domain_error(form, exc)
                    failed = True
            if failed:
                transaction.set_rollback(True)
        return not failed

    def render_form(self, round, formset):
        return render(
            self.request,
            "rounds/milestone_form.html",
            {"round": round, "formset": formset, "nav_active": "rounds"},
        )
