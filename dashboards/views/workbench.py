"""工作台: the first page after login, what needs each user's attention (`dashboards.selectors.workbench`)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dashboards.selectors.workbench import workbench_for
from xuncha import access


@login_required
def home(request):
    context = workbench_for(request.user)
    context["nav_active"] = "home"
    context["is_team"] = access.allows(request.user, "workbench.team")
    context["is_unit"] = access.allows(request.user, "workbench.unit")
    return render(request, "dashboards/workbench.html", context)
