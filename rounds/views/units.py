"""The unit registry (被巡察单位): list, detail, create/edit, Excel import and export, and 本单位."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from rounds.forms.units import UnitFilter, UnitForm, UnitImportForm
from rounds.selectors import units as selectors
from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.views import OfficeRequiredMixin, PageAccessMixin
from xuncha.core.xlsx import xlsx_response

from ..documents.units import units_export_workbook, units_import_template
from ..models import Unit
from ..services import unit_save
from ..services.unit_import import UnitImportError, units_import

PAGE_SIZE = 20


class UnitListView(LoginRequiredMixin, View):
    def get(self, request):
        units = UnitFilter(request.GET, queryset=selectors.unit_list_for(request.user), request=request)
        page = Paginator(units.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "rounds/unit_list.html",
            {
                "filter": units,
                "page_obj": page,
                "units": page.object_list,
                "filtered": any(request.GET.get(k) for k in ("q", "unit_type", "parent", "is_active")),
                "can_manage": access.allows(request.user, "rounds.add_unit"),
                "can_export": access.allows(request.user, "rounds.export_units"),
                "nav_active": "units",
            },
        )


class UnitExportView(PageAccessMixin, View):
    """The filtered list as an .xlsx in the import's columns (so it can be edited and imported again)."""

    page_rule = "rounds.export_units"

    def get(self, request):
        units = UnitFilter(request.GET, queryset=selectors.unit_list_for(request.user), request=request)
        content = units_export_workbook(units.qs)
        return xlsx_response(content, f"被巡察单位_{timezone.localdate():%Y%m%d}.xlsx")


class UnitDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        unit = selectors.unit_detail_for(request.user, pk)
        sees_all = access.allows(request.user, "sees_all")
        own = not sees_all and access.allows(request.user, "own", unit)
        return render(
            request,
            "rounds/unit_detail.html",
            {
                "unit": unit,
                "children": selectors.unit_children_for(request.user, unit),
                "assignments": selectors.unit_assignments_for(request.user, unit),
                "sees_all": sees_all,
                "is_own": own,
                "can_manage": access.allows(request.user, "change", unit),
                # Open the accounts the unit needs from its page (人员账号), or open the ones it has.
                "open_accounts": access.allows(request.user, "accounts.manage"),
                "read_accounts": access.allows(request.user, "accounts.list"),
                "staff": list(unit.staff.order_by("name")) if sees_all else [],
                "nav_active": "my_unit" if own else "units",
            },
        )


class UnitFormView(OfficeRequiredMixin, View):
    template_name = "rounds/unit_form.html"

    def get_unit(self, pk):
        return selectors.unit_detail_for(self.request.user, pk) if pk else Unit()

    def render_form(self, form, unit):
        return render(self.request, self.template_name, {"form": form, "unit": unit, "nav_active": "units"})

    def get(self, request, pk=None):
        unit = self.get_unit(pk)
        initial = {}
        if not pk and request.GET.get("parent", "").isdigit():
            initial["parent"] = int(request.GET["parent"])
        return self.render_form(UnitForm(instance=unit, initial=initial), unit)

    def post(self, request, pk=None):
        unit = self.get_unit(pk)
        form = UnitForm(request.POST, instance=unit)
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: unit_save(unit=form.save(commit=False), staff=form.cleaned_data["staff"], by=request.user),
                url=lambda u: reverse("rounds:unit_detail", args=[u.pk]),
            )
            if saved.response:
                return saved.response
            if saved.ok:
                messages.success(request, f"已{'保存' if pk else '新增'}单位“{saved.result.name}”")
                return redirect("rounds:unit_detail", saved.result.pk)
        return self.render_form(form, self.get_unit(pk) if pk else unit)


class UnitImportView(PageAccessMixin, View):
    page_rule = "rounds.import_units"
    template_name = "rounds/unit_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UnitImportForm(), "nav_active": "units"})

    def post(self, request):
        form = UnitImportForm(request.POST, request.FILES)
        problems = []
        if form.is_valid():
            try:
                result = units_import(file=form.cleaned_data["file"], by=request.user)
            except UnitImportError as exc:
                problems = exc.errors  # shown as a table by row, above the form
            else:
                text = f"导入完成：新增 {result.created} 个单位，更新 {result.updated} 个"
                if result.unchanged:
                    text += f"，{result.unchanged} 个无变化"
                messages.success(request, text + "。")
                return redirect("rounds:unit_list")
        return render(
            request,
            self.template_name,
            {"form": form, "problems": problems, "nav_active": "units"},
        )


class UnitImportTemplateView(PageAccessMixin, View):
    page_rule = "rounds.import_units"

    def get(self, request):
        return xlsx_response(units_import_template(), "被巡察单位导入模板.xlsx")


class MyUnitView(LoginRequiredMixin, View):
    """本单位: the principal's or liaison's own unit(s)."""

    def get(self, request):
        units = selectors.my_units(request.user)
        if len(units) == 1:
            return redirect("rounds:unit_detail", units[0].pk)
        return render(request, "rounds/my_unit.html", {"units": units, "nav_active": "my_unit"})
