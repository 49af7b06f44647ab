"""The password change form (Django's, with the project's look) and the audit log's list filter."""

import datetime

import django_filters
from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.db.models import Q
from django.utils import timezone

from xuncha.audit.models import EventKind, SecurityEvent
from xuncha.core.filters import ListFilter
from xuncha.core.forms import style_fields


class PasswordChangeForm(DjangoPasswordChangeForm):
    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "当前密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "再次输入新密码"
        style_fields(self.fields)

    def clean(self):
        cleaned = super().clean()
        new, old = cleaned.get("new_password1"), cleaned.get("old_password")
        if new and old and new == old and "new_password2" not in self.errors:
            self.add_error(
                "new_password2",
                forms.ValidationError("新密码不能与当前密码相同。", code="password_unchanged"),
            )
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilter(ListFilter):
    """Filters above the security audit log: time range, kind, login name or name, address, result."""

    placeholders = {"who": "登录名或姓名", "ip": "如 10.0.0.8"}

    start = django_filters.DateFilter(label="起始日期", method="since", widget=DateInput())
    end = django_filters.DateFilter(label="截止日期", method="until", widget=DateInput())
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, empty_label="全部事件", label="事件")
    who = django_filters.CharFilter(method="search_who", label="用户")
    ip = django_filters.CharFilter(method="search_ip", label="地址")
    success = django_filters.ChoiceFilter(
        choices=[("yes", "成功"), ("no", "失败/拒绝")],
        method="by_result",
        empty_label="全部结果",
        label="结果",
    )

    class Meta:
        model = SecurityEvent
        fields = ["start", "end", "kind", "who", "ip", "success"]

    @staticmethod
    def _midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def since(self, queryset, name, value):
        return queryset.filter(at__gte=self._midnight(value))

    def until(self, queryset, name, value):
        return queryset.filter(at__lt=self._midnight(value + datetime.timedelta(days=1)))

    def search_who(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(actor_name__icontains=value))

    def search_ip(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(ip__startswith=value) if value else queryset

    def by_result(self, queryset, name, value):
        return queryset.filter(success=(value == "yes"))
