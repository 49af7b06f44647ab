"""Pages of the cadre pool (巡察干部库). Thin: parse, call a selector or a service, render.

The office writes; the leadership reads. A cadre the user may not see answers 404; a write by anyone
but the office answers 403."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View

from xuncha import access
from xuncha.core.views import PageAccessMixin, run_service

from .. import selectors, services
from ..forms import CadreFilter, CadreForm
from ..models import Cadre


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
            ok, cadre = run_service(
                request,
                services.cadre_save,
                cadre=form.save(commit=False),
                by=request.user,
                success="干部信息已保存",
            )
            if ok:
                return redirect("teams:cadre_detail", cadre.pk)
        return self.render_form(form)
