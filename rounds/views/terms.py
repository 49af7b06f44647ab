"""Terms (届) and the term's coverage (全覆盖): every active unit inspected once in the term."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from rounds.forms.units import CoverageFilter, TermForm
from rounds.selectors import units as selectors
from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.views import PageAccessMixin
from xuncha.core.xlsx import xlsx_response

from ..documents.terms import coverage_export_workbook
from ..models import Term
from ..services import term_save

PAGE_SIZE = 20


class TermListView(PageAccessMixin, View):
    page_rule = "rounds.manage_terms"

    def get(self, request):
        return render(
            request, "rounds/term_list.html", {"terms": selectors.term_list(), "nav_active": "terms"}
        )


class TermFormView(PageAccessMixin, View):
    page_rule = "rounds.manage_terms"
    template_name = "rounds/term_form.html"

    def get_term(self, pk):
        return selectors.term_get(self.request.user, pk) if pk else Term()

    def render_form(self, form, term):
        return render(self.request, self.template_name, {"form": form, "term": term, "nav_active": "terms"})

    def get(self, request, pk=None):
        term = self.get_term(pk)
        initial = {} if pk else {"is_current": not selectors.has_current_term()}
        return self.render_form(TermForm(instance=term, initial=initial), term)

    def post(self, request, pk=None):
        term = self.get_term(pk)
        form = TermForm(request.POST, instance=term)
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: term_save(term=form.save(commit=False), by=request.user),
                url=lambda _: reverse("rounds:term_list"),
            )
            if saved.response:
                return saved.response
            if saved.ok:
                term = saved.result
                text = f"已{'保存' if pk else '新增'}“{term.name}”"
                if term.is_current:
                    text += "，并设为本届"
                messages.success(request, text)
                return redirect("rounds:term_list")
        return self.render_form(form, term)


class CoverageView(PageAccessMixin, View):
    """The coverage of one term: of the current term at coverage/, of any term at terms/<pk>/coverage/."""

    page_rule = "rounds.coverage"

    def get_term(self, pk):
        return selectors.term_get(self.request.user, pk) if pk else selectors.current_term()

    def get(self, request, pk=None):
        term = self.get_term(pk)
        context = {
            "term": term,
            "terms": selectors.term_list(),
            "can_manage": access.allows(request.user, "rounds.manage_terms"),
            "nav_active": "coverage",
        }
        if term is None:
            return render(request, "rounds/coverage.html", context)
        units = CoverageFilter(request.GET, queryset=selectors.coverage_units(term))
        page = Paginator(units.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        for unit in page.object_list:
            unit.done, unit.upcoming = selectors.split_term_assignments(unit)
        context.update(
            {
                "summary": selectors.coverage_summary(term),
                "filter": units,
                "form": units.form,
                "status": units.chosen_status,
                "filtered": units.filtered,
                "page_obj": page,
                "units": page.object_list,
                "elapsed": selectors.term_elapsed_percent(term, timezone.localdate()),
            }
        )
        return render(request, "rounds/coverage.html", context)


class CoverageExportView(PageAccessMixin, View):
    """The filtered coverage list of a term as an .xlsx."""

    page_rule = "rounds.coverage"

    def get(self, request, pk):
        term = selectors.term_get(request.user, pk)
        units = list(CoverageFilter(request.GET, queryset=selectors.coverage_units(term)).qs)
        rows = []
        for unit in units:
            done, upcoming = selectors.split_term_assignments(unit)
            rows.append((unit, done, upcoming))
        content = coverage_export_workbook(term=term, rows=rows)
        return xlsx_response(
            content, f"{term.name}全覆盖情况_{timezone.localdate():%Y%m%d}.xlsx", "coverage.xlsx"
        )
