"""Template helpers shared by every app: query-string paging, history tables, status badges."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from xuncha import access

register = template.Library()

BADGE_COLOURS = {
    # round stages
    "preparing": "secondary",
    "mobilizing": "info",
    "stationed": "primary",
    "reporting": "warning",
    "feedback": "warning",
    "rectifying": "danger",
    "done": "success",
    # announcements
    "draft": "secondary",
    "published": "success",
    "withdrawn": "dark",
}


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def ymd(value) -> str:
    """`|date:"Y-m-d"` for the long tables: the same text (local time for a datetime) for a tenth of
    the work of Django's date formatter, which a 20-row ledger calls a hundred times."""
    return _local(value).strftime("%Y-%m-%d") if value else ""


@register.filter
def ymdhm(value) -> str:
    """`|date:"Y-m-d H:i"`, likewise."""
    return _local(value).strftime("%Y-%m-%d %H:%M") if value else ""


@register.filter
def page_window(page, each_side: int = 2) -> range:
    """The page numbers shown around the current one (not a loop over every page of a 400-page ledger)."""
    number, last = page.number, page.paginator.num_pages
    return range(max(1, number - each_side), min(last, number + each_side) + 1)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def allowed(context, action, obj) -> bool:
    """`{% allowed "retry" doc as may_retry %}`: the access layer's answer for the request's user, for a
    button in an included partial whose views cannot each pass it (the decision stays in xuncha.access)."""
    request = context.get("request")
    return request is not None and access.allows(request.user, action, obj)


@register.simple_tag
def status_badge(value, label):
    colour = BADGE_COLOURS.get(value, "secondary")
    return format_html('<span class="badge text-bg-{} status-badge">{}</span>', colour, label)


@register.inclusion_tag("partials/history.html")
def history_table(*objects, limit=50):
    """Who changed what, when: the simple-history records of one or more objects, newest first."""
    rows = []
    for obj in objects:
        if obj is None or not hasattr(obj, "history"):
            continue
        records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
        for newer, older in zip(records, records[1:] + [None], strict=False):
            if older is None:
                changes = []
            else:
                delta = newer.diff_against(older)
                changes = [
                    (_verbose(obj, c.field), _display(obj, c.field, c.old), _display(obj, c.field, c.new))
                    for c in delta.changes
                ]
            rows.append(
                {
                    "object": getattr(obj, "history_label", None) or str(obj._meta.verbose_name),
                    "when": newer.history_date,
                    "who": newer.history_user,
                    "type": {"+": "创建", "~": "修改", "-": "删除"}[newer.history_type],
                    "changes": changes,
                }
            )
    rows.sort(key=lambda r: r["when"], reverse=True)
    return {"rows": rows[:limit]}


def _verbose(obj, field_name):
    try:
        return str(obj._meta.get_field(field_name).verbose_name)
    except Exception:
        return field_name


def _display(obj, field_name, value):
    if isinstance(value, (list, tuple)):
        # A many-to-many change: say how many, not what (the related objects may be confidential).
        return f"{len(value)}项"
    if value in (None, ""):
        return "（空）"
    try:
        field = obj._meta.get_field(field_name)
    except Exception:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else value
    return value
