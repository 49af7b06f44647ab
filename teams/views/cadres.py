"""Pages of the cadre pool (巡察干部库). Thin: parse, call a selector or a service, render.

The office writes; the leadership reads. A cadre the user may not see answers 404; a write by anyone
but the office answers 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.views import PageAccessMixin

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
        {"cadre": cadre, "memberships": list(selectors.cadre_memberships(cadre)), "nav_active": "cadres"},
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
