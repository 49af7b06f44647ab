"""催办 from the list of rectifications: the office reminds the chosen units at once."""

from django.urls import reverse
from django.utils import timezone

from xuncha import access
from xuncha.core.bulk import BulkActionView

from ..forms.reminders import BulkRemindForm
from ..models import RectStatus
from ..selectors.feedback import visible_rectifications
from ..services.reminders import rectification_remind, remind_items


class RectBulkRemindView(BulkActionView):
    """批量催办: each chosen rectification through `rectification_remind` (the unit's principal and
    liaison are told of what is overdue or due within a week); one refused (not in progress, nothing
    due, already reminded today, no account) is reported with its reason."""

    form_class = BulkRemindForm
    title = "批量催办"
    back_label = "返回反馈整改"
    back_fallback = "rectification:rect_list"
    nav_active = "rectification"

    def get_queryset(self):
        access.require(self.request.user, "office")
        return visible_rectifications(self.request.user).select_related(
            "unit__principal_user", "unit__liaison_user", "round__term"
        )

    def order(self, rows):
        return sorted(rows, key=lambda r: r.unit.name)

    def label(self, rect) -> str:
        return f"{rect.unit.name}（{rect.round}）"

    def url(self, rect) -> str:
        return reverse("rectification:rect_detail", args=[rect.pk])

    def describe(self, form) -> str:
        return (
            f"向以下{len(form.cleaned_data['ids'])}个单位的主要负责人和联络员发送催办提醒，"
            "列明其逾期未报的整改报告和逾期或7日内到期的整改措施；每个单位每天催办一次。"
        )

    def confirm_context(self, form) -> dict:
        note = form.cleaned_data.get("note")
        return {"extra_fields": [("催办说明", note)] if note else []}

    def preview(self, rect, form) -> str:
        if rect.status != RectStatus.IN_PROGRESS:
            return f"整改当前为“{rect.get_status_display()}”，不需催办"
        if not rect.unit.own_users:
            return "单位尚未设置主要负责人或联络员的账号"
        items = remind_items(rect, timezone.localdate())
        if not items and not form.cleaned_data.get("note"):
            return "没有逾期或7日内到期的事项"
        return ""

    def act(self, rect, form):
        rect.told = rectification_remind(rect=rect, note=form.cleaned_data.get("note", ""), by=self.request.user)
        return rect

    def note(self, rect) -> str:
        return f"已提醒{rect.told}人"
