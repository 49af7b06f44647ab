"""工作台: the first page after login, what needs each user's attention (`dashboards.selectors.workbench`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dashboards.selectors.workbench import workbench_for
from people.selectors.accounts import account_counts
from xuncha import access


@login_required
def home(request):
    context = workbench_for(request.user)
    context["nav_active"] = "home"
    context["is_team"] = access.allows(request.user, "workbench.team")
    context["is_unit"] = access.allows(request.user, "workbench.unit")
    if access.allows(request.user, "workbench.accounts"):
        context["account_counts"] = account_counts(request.user)
        context["may_manage_accounts"] = access.allows(request.user, "accounts.manage")
    return render(request, "dashboards/workbench.html", context)
