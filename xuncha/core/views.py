"""Cross-cutting views (the workbench) and the small pieces every app's views share."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render

from xuncha import access
from xuncha.accounts.roles import Role, has_role

from .errors import DomainError
from .selectors import workbench_for


class PageAccessMixin(LoginRequiredMixin):
    """A page guarded by a page rule of `xuncha.access` (`page_rule = "rounds.add_unit"`): an anonymous
    user is sent to log in, one the rule refuses gets 403."""

    page_rule: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access.require(request.user, self.page_rule)
        return super().dispatch(request, *args, **kwargs)


class OfficeRequiredMixin(PageAccessMixin):
    """Writes are the office's. Others who may read the object get 403 on a write, never a form."""

    page_rule = "office"


def office_required(user) -> bool:
    return access.allows(user, "office")


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
