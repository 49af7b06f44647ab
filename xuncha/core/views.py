"""Cross-cutting views (the workbench) and the small pieces every app's views share."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.shortcuts import render

from xuncha.accounts.roles import Role, has_role, is_office

from .errors import DomainError
from .selectors import workbench_for


class OfficeRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Writes are the office's. Others who may read the object get 403 on a write, never a form."""

    def test_func(self):
        return is_office(self.request.user)


def office_required(user) -> bool:
    return user.is_authenticated and is_office(user)


def run_service(request, func, *, success: str | None = None, **kwargs):
    """Call a service; a refusal becomes an error message (with every reason), never a 500.

    Returns (ok, result)."""
    try:
        result = func(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.full_message())
        return False, None
    if success:
        messages.success(request, success)
    return True, result


@login_required
def home(request):
    context = workbench_for(request.user)
    context["nav_active"] = "home"
    context["is_team"] = has_role(request.user, Role.TEAM)
    context["is_unit"] = has_role(request.user, Role.UNIT)
    return render(request, "core/home.html", context)
