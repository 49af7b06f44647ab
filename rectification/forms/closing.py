"""Forms of the ledger (对账销号), closing and rating, 问责, 双公开 and their filter bars.

They check the shape of the input; whether the thing may be done is the services' answer (a DomainError
the view shows as a form error or a message), so a refused form keeps what the user typed.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from rectification.forms.plan import search_measures
from rectification.models import (
    Accountability,
    Measure,
    MeasureStatus,
    Publication,
    PublicationScope,
    Rating,
    measure_deadline_q,
)
from xuncha.core.bulk import BulkSelectionForm
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter
from xuncha.core.forms import BoundedFormMixin, style_fields, with_blank

DEADLINE_FILTERS = [("overdue", "已逾期"), ("due-soon", "7日内到期"), ("normal", "未到期或已销号")]


class LedgerFilter(ListFilter):
    """The ledger's filter bar (对账销号)."""

    placeholders = {"q": "措施、问题或责任部门"}

    q = django_filters.CharFilter(label="搜索", max_length=100, method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=MeasureStatus.choices, empty_label="全部状态")
    deadline = django_filters.ChoiceFilter(
        label="完成时限", choices=DEADLINE_FILTERS, empty_label="全部时限", method="deadline_in"
    )

    class Meta:
        model = Measure
        fields = ["q", "status", "deadline"]

    def search(self, queryset, name, value):
        return search_measures(queryset, value)

    def deadline_in(self, queryset, name, value):
        return queryset.filter(measure_deadline_q(value, timezone.localdate()))

class RectCloseForm(BoundedFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label="整改评估",
        choices=with_blank("请选择评估等次", Rating.choices),
        help_text="对照整改方案、整改情况报告和佐证材料，综合评定整改成效。",
    )
    note = forms.CharField(
        label="评估意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="整改的主要成效、存在的不足和下一步要求。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class AccountabilityForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Accountability
        fields = ["target", "target_name", "target_post", "reason", "facts", "action", "decided_on"]
        widgets = {
            "facts": forms.Textarea(attrs={"rows": 4}),
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "target_name": "问责单位的，填写单位名称；问责个人的，填写姓名（姓名不会出现在公开内容中）。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = with_blank("请选择", Accountability.Target.choices)
        self.fields["reason"].choices = with_blank("请选择", Accountability._meta.get_field("reason").choices)
        style_fields(self.fields)


class PublicationForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["scope", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "scope": "党内公开：全县登录用户可见；社会公开：在整改公开页面向社会公开，无需登录。",
            "text": "每段一行。不得含有身份证号码、电话号码、电子邮箱和人员姓名等个人信息；系统知道的人员姓名都会被检查出来，检查出的内容须删除，或在审核公开时填写放行理由。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = with_blank("请选择", PublicationScope.choices)
        style_fields(self.fields)


class PublishForm(BoundedFormMixin, forms.Form):
    """审核公开: a reason is asked only when the personal-data check found something (the service decides)."""

    override_reason = forms.CharField(label="放行理由", max_length=200, required=False)

    def error_text(self) -> str:
        return "；".join(str(e) for errors in self.errors.values() for e in errors)


class WithdrawForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=200)


class PublicFilter(ListFilter):
    """社会公开: the public list's search box."""

    placeholders = {"q": "标题、单位名称"}

    q = django_filters.CharFilter(label="搜索", max_length=100, method="search")

    class Meta:
        model = Publication
        fields = ["q"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(text__icontains=value) | Q(rectification__unit__name__icontains=value)
        )


class PublicationFilter(PublicFilter):
    """党内公开: the list's filter bar (both scopes)."""

    scope = django_filters.ChoiceFilter(label="公开范围", choices=PublicationScope.choices, empty_label="全部范围")

    class Meta:
        model = Publication
        fields = ["q", "scope"]


class BulkCloseForm(BulkSelectionForm):
    """批量销号 on the ledger: the measures whose evidence the office checked, with one 核查意见."""

    reason = forms.CharField(label="核查意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
