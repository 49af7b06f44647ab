"""The small pieces every app's views share (the workbench is `dashboards.views.workbench`)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin

from xuncha import access

from .errors import DomainError


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
