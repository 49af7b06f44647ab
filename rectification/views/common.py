"""What every rectification view shares: fetch a rectification the user may see (404 otherwise), refuse
an action he may not take on it (403), and the decisions its tabs and buttons need (`may`)."""

from xuncha import access

from ..models import Rectification, RectStatus
from ..selectors.feedback import rectification_get

# Every decision a rectification page may show (the rules are in xuncha/access/rules/rectification.py).
RECT_ACTIONS = (
    "edit_feedback",
    "approve_plan",
    "close_measures",
    "close",
    "record_accountability",
    "publish",
    "see_history",
    "edit_plan",
    "write_report",
    "see_drafts",
    "sign",
    "comment",
    "report_pdf",
    "see_internal",
    "see_publication_drafts",
    "record_hearing",
    "record_democratic_life",
    "waive_report",
)


def get_rect(request, pk, action: str | None = None) -> Rectification:
    """The rectification `pk` if the user may see it, else 404; with `action`, 403 unless he may take it.
    Sets `rect.may`, the user's decisions on it, for the view and the template."""
    rect = rectification_get(request.user, pk)
    if action is not None:
        access.require(request.user, action, rect)
    rect.may = access.decisions(request.user, rect, *RECT_ACTIONS)
    return rect


def tab_context(rect, active: str) -> dict:
    """What `rectification/rect_base.html` needs: the rectification, the active tab, the stage steps."""
    steps = list(RectStatus.choices)
    index = next((i for i, (value, _) in enumerate(steps) if value == rect.status), 0)
    return {
        "rect": rect,
        "may": rect.may,
        "rect_tab": active,
        "rect_steps": steps,
        "rect_step_index": index,
        "nav_active": "rectification",
    }
