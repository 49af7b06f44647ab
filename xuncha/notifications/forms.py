"""The inbox's filter bar: a django-filter FilterSet (same GET parameters as before: q, show)."""

import django_filters

from xuncha.core.filters import ListFilter

from .models import Notification


class InboxFilter(ListFilter):
    widget_style = ""
    placeholders = {"q": "搜索标题"}

    q = django_filters.CharFilter(method="search", label="标题")
    show = django_filters.ChoiceFilter(
        choices=[("unread", "未读")], method="unread", empty_label="全部", label="状态"
    )

    class Meta:
        model = Notification
        fields = ["q", "show"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset

    def unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value == "unread" else queryset
