"""What every rectification view shares: fetch a rectification the user may see (404 otherwise) with
his standing to it, and refuse a write to one who may only read (403)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from xuncha import access

from ..models import Rectification, RectStatus

UNIT_ROLES = ("principal", "unit")
SUPERVISORS = ("supervisor",)


def get_rect(request, pk, *, roles: tuple[str, ...] | None = None) -> Rectification:
    """The rectification `pk` if the user may see it, else 404; with `roles`, 403 unless his standing
    (`access.rect_role`) is one of them. Sets `rect.role` for the view and the template."""
    rect = get_object_or_404(
        access.visible(request.user, "rectification.Rectification").select_related(
            "assignment", "round__term", "unit__principal_user", "team"
        ),
        pk=pk,
    )
    rect.role = access.rect_role(request.user, rect)
    if rect.role is None:
        raise PermissionDenied
    if roles is not None and rect.role not in roles:
        raise PermissionDenied
    return rect


def tab_context(rect, active: str) -> dict:
    """What `rectification/rect_base.html` needs: the rectification, the active tab, the stage steps."""
    steps = list(RectStatus.choices)
    index = next((i for i, (value, _) in enumerate(steps) if value == rect.status), 0)
    return {
        "rect": rect,
        "rect_tab": active,
        "rect_steps": steps,
        "rect_step_index": index,
        "nav_active": "rectification",
    }
