"""整改方案与台账: the ledger page, measures, the Excel ledger, 双承诺, submit, and the office's review.

Thin views: `get_rect` answers 404 for a rectification the user may not see and 403 for a write by one
who may only read; the services refuse what the state does not allow (a DomainError shown as a message
or a form error, never a 500). The unit's users (principal, liaison) write while the plan is drafted; the
office reviews; the leader, the team and the supervisors read.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from rectification.forms.plan import (
    CommitmentForm,
    CommitmentSignForm,
    MeasureFilter,
    MeasureForm,
    PlanImportForm,
    PlanReturnForm,
)
from xuncha.core.concurrency import save_form
from xuncha.core.views import run_service
from xuncha.core.xlsx import xlsx_response
from xuncha.errors import DomainError

from ..models import Commitment, CommitmentKind, Measure, RectStatus
from ..selectors import plan as selectors
from ..services import plan as services
from .common import get_rect, tab_context

PAGE_SIZE = 20


def _plan_url(rect) -> str:
    return reverse("rectification:plan", args=[rect.pk])


def _commitments(rect) -> list[Commitment]:
    return [services.commitment_for(rect, kind.value) for kind in CommitmentKind]


class PlanView(LoginRequiredMixin, View):
    """The ledger, per problem; the commitments; the buttons each role and state allow."""

    def get(self, request, pk):
        rect = get_rect(request, pk)
        filters = MeasureFilter(request.GET)
        filtered = bool(filters.chosen())
        measures = list(selectors.plan_measures(rect, filters))
        by_problem: dict[int, list[Measure]] = {}
        for measure in measures:
            by_problem.setdefault(measure.problem_id, []).append(measure)
        problems = selectors.plan_problems(rect, only=by_problem if filtered else None)
        page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
        groups = [(problem, by_problem.get(problem.pk, [])) for problem in page.object_list]
        unit_user = rect.may["edit_plan"]
        can_edit = unit_user and rect.plan_editable
        context = tab_context(rect, "plan") | {
            "filter": filters,
            "filtered": filtered,
            "page_obj": page,
            "groups": groups,
            "counts": selectors.plan_counts(rect),
            "commitments": _commitments(rect),
            "unit_user": unit_user,
            "can_edit": can_edit,
            "is_principal": rect.may["sign"],
            "can_review": rect.may["approve_plan"] and rect.status == RectStatus.PLAN_SUBMITTED,
            "submit_problems": services.plan_submit_problems(rect) if can_edit else [],
            "return_form": PlanReturnForm(),
            "sign_form": CommitmentSignForm(),
        }
        return render(request, "rectification/plan.html", context)


class MeasureFormView(LoginRequiredMixin, View):
    """Add a measure to a problem, or edit one, while the plan is drafted (the unit's users)."""

    def setup_objects(self, request, pk, problem_pk=None, measure_pk=None):
        rect = get_rect(request, pk, "edit_plan")
        if measure_pk is not None:
            measure = selectors.measure_get(request.user, rect, measure_pk)
            problem = measure.problem
        else:
            problem = selectors.problem_get(request.user, rect, problem_pk)
            measure = Measure(problem=problem, rectification=rect)
        return rect, problem, measure

    def get(self, request, pk, problem_pk=None, measure_pk=None):
        rect, problem, measure = self.setup_objects(request, pk, problem_pk, measure_pk)
        if not rect.plan_editable:
            messages.error(request, services.not_editable_message(rect))
            return redirect(_plan_url(rect))
        return self.render_form(rect, problem, measure, MeasureForm(instance=measure, rect=rect))

    def post(self, request, pk, problem_pk=None, measure_pk=None):
        rect, problem, measure = self.setup_objects(request, pk, problem_pk, measure_pk)
        form = MeasureForm(request.POST, instance=measure, rect=rect)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.measure_save(
                    rect=rect, problem=problem, measure=form.instance, by=request.user
                ),
                url=lambda _: _plan_url(rect) + f"#problem-{problem.pk}",
            )
            if outcome.response:
                return outcome.response
            if outcome.ok:
                saved = outcome.result
                verb = "修改" if measure_pk else "新增"
                messages.success(request, f"已{verb}整改措施{problem.seq}.{saved.seq}。")
                return redirect(_plan_url(rect) + f"#problem-{problem.pk}")
        return self.render_form(rect, problem, measure, form)

    def render_form(self, rect, problem, measure, form):
        return render(
            self.request,
            "rectification/measure_form.html",
            tab_context(rect, "plan") | {"problem": problem, "measure": measure, "form": form},
        )


class MeasureDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, measure_pk):
        rect = get_rect(request, pk, "edit_plan")
        measure = selectors.measure_get(request.user, rect, measure_pk)
        run_service(
            request,
            services.measure_delete,
            measure=measure,
            by=request.user,
            success=f"已删除整改措施{measure.number}。",
        )
        return redirect(_plan_url(rect) + f"#problem-{measure.problem_id}")


class PlanExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        rect = get_rect(request, pk)
        return xlsx_response(services.plan_export_xlsx(rect), f"{rect.unit.name}整改台账.xlsx", "plan.xlsx")


class PlanImportView(LoginRequiredMixin, View):
    """Upload the filled-in ledger: all rows or none; every wrong row is listed on the page."""

    template_name = "rectification/plan_import.html"

    def get(self, request, pk):
        rect = get_rect(request, pk, "edit_plan")
        if not rect.plan_editable:
            messages.error(request, services.not_editable_message(rect))
            return redirect(_plan_url(rect))
        return self.render_page(rect, PlanImportForm())

    def post(self, request, pk):
        rect = get_rect(request, pk, "edit_plan")
        form = PlanImportForm(request.POST, request.FILES)
        error = None
        if form.is_valid():
            try:
                count = services.plan_import_xlsx(rect=rect, file=form.cleaned_data["file"], by=request.user)
            except DomainError as exc:
                error = exc
            else:
                messages.success(request, f"已导入{count}条整改措施。")
                return redirect(_plan_url(rect))
        return self.render_page(rect, form, error)

    def render_page(self, rect, form, error=None):
        return render(
            self.request,
            self.template_name,
            tab_context(rect, "plan")
            | {"form": form, "error": error, "measure_count": selectors.measure_count(rect)},
        )


def _kind(kind: str) -> str:
    if kind not in CommitmentKind.values:
        raise Http404
    return kind


class CommitmentEditView(LoginRequiredMixin, View):
    """The unit drafts or edits a commitment (a default text to start from) until it is signed."""

    def get(self, request, pk, kind):
        rect = get_rect(request, pk, "edit_plan")
        commitment = services.commitment_for(rect, _kind(kind))
        if commitment.is_signed or not rect.plan_editable:
            messages.error(
                request,
                "承诺书已签署，不能修改" if commitment.is_signed else services.not_editable_message(rect),
            )
            return redirect(_plan_url(rect))
        form = CommitmentForm(
            initial={"text": commitment.text, "members": commitment.members},
            leadership=kind == CommitmentKind.LEADERSHIP,
            versioned=commitment,
        )
        return self.render_form(rect, commitment, form)

    def post(self, request, pk, kind):
        rect = get_rect(request, pk, "edit_plan")
        commitment = services.commitment_for(rect, _kind(kind))
        form = CommitmentForm(request.POST, leadership=kind == CommitmentKind.LEADERSHIP, versioned=commitment)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.commitment_save(
                    rect=rect,
                    kind=kind,
                    text=form.cleaned_data["text"],
                    members=form.cleaned_data.get("members", ""),
                    by=request.user,
                ),
            )
            if outcome.ok:
                commitment = outcome.result
                hint = "请主要负责人输入密码签署。" if not rect.may["sign"] else "请输入密码签署。"
                messages.success(request, f"已保存{commitment.get_kind_display()}，{hint}")
                return redirect(_plan_url(rect) + "#commitments")
        return self.render_form(rect, commitment, form)

    def render_form(self, rect, commitment, form):
        return render(
            self.request,
            "rectification/commitment_form.html",
            tab_context(rect, "plan") | {"commitment": commitment, "form": form},
        )


class CommitmentSignView(LoginRequiredMixin, View):
    """The principal signs a commitment with his password re-entered."""

    http_method_names = ["post"]

    def post(self, request, pk, kind):
        rect = get_rect(request, pk, "sign")
        kind = _kind(kind)
        commitment = selectors.commitment_get(rect, kind)
        target = _plan_url(rect) + "#commitments"
        if commitment is None:
            messages.error(request, f"请先起草并保存{CommitmentKind(kind).label}，再签署")
            return redirect(target)
        form = CommitmentSignForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请输入登录密码后再签署")
            return redirect(target)
        run_service(
            request,
            services.commitment_sign,
            commitment=commitment,
            user=request.user,
            password=form.cleaned_data["password"],
            success=f"已签署{commitment.get_kind_display()}。",
        )
        return redirect(target)


class PlanSubmitView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        rect = get_rect(request, pk, "edit_plan")
        run_service(
            request, services.plan_submit, rect=rect, by=request.user, success="整改方案已报送巡察办审核。"
        )
        return redirect(_plan_url(rect))


class PlanApproveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        rect = get_rect(request, pk, "approve_plan")
        run_service(
            request,
            services.plan_approve,
            rect=rect,
            by=request.user,
            success=f"已审核通过{rect.unit.name}的整改方案，整改进入实施阶段。",
        )
        return redirect(_plan_url(rect))


class PlanReturnView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        rect = get_rect(request, pk, "return_plan")
        form = PlanReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写退回理由（不超过2000字）")
            return redirect(_plan_url(rect))
        run_service(
            request,
            services.plan_return,
            rect=rect,
            reason=form.cleaned_data["reason"],
            by=request.user,
            success=f"已将整改方案退回{rect.unit.name}修改。",
        )
        return redirect(_plan_url(rect))
