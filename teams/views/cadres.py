"""Pages of the cadre pool (巡察干部库). Thin: parse, call a selector or a service, render.

The office writes; the leadership reads. A cadre the user may not see answers 404; a write by anyone
but the office answers 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from rounds.forms.units import UnitImportForm
from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.spreadsheets import stage_upload, staged_upload, unstage_upload
from xuncha.core.views import PageAccessMixin
from xuncha.core.xlsx import xlsx_response

from .. import selectors, services
from ..documents.cadres import cadres_import_template
from ..forms import CadreFilter, CadreForm
from ..models import Cadre, Specialty
from ..services.cadre_import import CadreImportError, cadres_import


@login_required
def cadre_list(request):
    access.require(request.user, "teams.cadre_pool")
    cadres = CadreFilter(request.GET or None, queryset=selectors.cadre_list(user=request.user), request=request)
    page = Paginator(cadres.qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "teams/cadre_list.html",
        {
            "page_obj": page,
            "filter": cadres,
            "filtered": cadres.filtered,
            "nav_active": "cadres",
        },
    )


@login_required
def cadre_detail(request, pk):
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    return render(
        request,
        "teams/cadre_detail.html",
        {
            "cadre": cadre,
            "memberships": list(selectors.cadre_memberships(cadre)),
            "open_accounts": access.allows(request.user, "accounts.manage"),
            "read_accounts": access.allows(request.user, "accounts.list"),
            "nav_active": "cadres",
        },
    )


class CadreFormView(PageAccessMixin, View):
    """New cadre (no pk) or edit of one; saved through `cadre_save`, which refreshes the team grants."""

    page_rule = "teams.add_cadre"

    def get_cadre(self) -> Cadre:
        if "pk" in self.kwargs:
            return selectors.cadre_get(user=self.request.user, pk=self.kwargs["pk"], action="change")
        return Cadre()

    def render_form(self, form):
        return render(
            self.request,
            "teams/cadre_form.html",
            {
                "form": form,
                "cadre": form.instance,
                "specialties": selectors.cadre_specialties(),
                "nav_active": "cadres",
            },
        )

    def get(self, request, pk=None):
        return self.render_form(CadreForm(instance=self.get_cadre()))

    def post(self, request, pk=None):
        form = CadreForm(request.POST, instance=self.get_cadre())
        if form.is_valid():
            saved = save_form(
                request,
                form,
                lambda: services.cadre_save(cadre=form.save(commit=False), by=request.user),
                url=lambda c: reverse("teams:cadre_detail", args=[c.pk]),
                as_message=True,
            )
            if saved.response:
                return saved.response
            if saved.ok:
                messages.success(request, "干部信息已保存")
                return redirect("teams:cadre_detail", saved.result.pk)
        return self.render_form(form)


class CadreImportView(PageAccessMixin, View):
    """Import the pool from Excel in two steps: the upload shows what each row would do (nothing saved
    yet; the file is staged), and 确认导入 imports the staged file, all rows or none."""

    page_rule = "teams.import_cadres"
    template_name = "teams/cadre_import.html"

    def render_page(self, form, **context):
        context = {"form": form, "nav_active": "cadres", "specialty_choices": Specialty.values, **context}
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page(UnitImportForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = UnitImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        upload = form.cleaned_data["file"]
        try:
            preview = cadres_import(file=upload, by=request.user, dry_run=True)
        except CadreImportError as exc:
            return self.render_page(form, problems=exc.errors)
        upload.seek(0)
        token = stage_upload(user=request.user, content=upload.read())
        return self.render_page(
            UnitImportForm(), preview=preview, token=token, filename=upload.name
        )

    def confirm(self, request):
        token = request.POST.get("token", "")
        content = staged_upload(user=request.user, token=token)
        if content is None:
            messages.error(request, "预览已过期或文件不存在，请重新上传")
            return redirect("teams:cadre_import")
        upload = SimpleUploadedFile(request.POST.get("filename") or "cadres.xlsx", content)
        try:
            result = cadres_import(file=upload, by=request.user)
        except CadreImportError as exc:  # the pool changed since the preview
            return self.render_page(UnitImportForm(), problems=exc.errors)
        unstage_upload(user=request.user, token=token)
        text = f"导入完成：新增 {result.created} 名干部，更新 {result.updated} 名"
        if result.unchanged:
            text += f"，{result.unchanged} 名无变化"
        messages.success(request, text + "。")
        return redirect("teams:cadre_list")


class CadreImportTemplateView(PageAccessMixin, View):
    page_rule = "teams.import_cadres"

    def get(self, request):
        return xlsx_response(cadres_import_template(), "巡察干部库导入模板.xlsx", "cadres-template.xlsx")
