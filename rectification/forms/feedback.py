"""Forms of the feedback pages and the rectification list's filter (a FilterSet).

They check the shape of the input; whether the thing may be done is the services' answer (a DomainError
the view shows as a form error), so a refused form keeps everything the user typed.
"""

import django_filters
from django import forms

from rectification.models import Rectification, RectStatus
from rectification.selectors.queues import RECT_QUEUES
from rounds.models import Round
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter
from xuncha.core.forms import BoundedFormMixin, style_fields


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RectFilter(ListFilter):
    """The rectification list's filter bar."""

    placeholders = {"q": "被巡察单位名称"}

    q = django_filters.CharFilter(label="被巡察单位", max_length=100, method="search")
    round = django_filters.ModelChoiceFilter(
        label="轮次", queryset=Round.objects.none(), empty_label="全部轮次", field_name="round"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=RectStatus.choices, empty_label="全部状态")
    # 待办 (the workbench's links): `rectification.selectors.queues.rect_queue` narrows, with the user.
    queue = django_filters.ChoiceFilter(
        label="待办", choices=list(RECT_QUEUES.items()), empty_label="全部", method="by_selector"
    )

    class Meta:
        model = Rectification
        fields = ["q", "round", "status", "queue"]

    def by_selector(self, queryset, name, value):
        return queryset  # `rectification.selectors.feedback.rect_list` applies the queue

    def __init__(self, data=None, *args, rounds, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["round"].queryset = rounds

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(unit__name__icontains=value) if value else queryset


class FeedbackForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.Form):
    """The texts of the report and the feedback, the demands and the deadline."""

    deadline = forms.DateField(
        label="整改期限", widget=DateInput(), help_text="被巡察单位完成整改、报送整改情况报告的期限。"
    )
    demands = forms.CharField(
        label="整改要求",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一条，写入反馈意见“整改要求”部分。未写明“三双”要求（双承诺、双报告、双公开、每半个月报送、"
        "签字背书）的，生成反馈意见时自动补充。",
    )
    report_summary = forms.CharField(
        label="巡察报告总体评价",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写入巡察报告（仅巡察办、领导和巡察组可见）：被巡察单位基本情况和总体评价。",
    )
    feedback_intro = forms.CharField(
        label="反馈意见导语",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写入反馈意见开头；不填则按轮次、巡察组和进驻时间自动生成。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class ProblemForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(
        label="具体表现",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="被巡察单位看到的文字：只写问题事实，不写定性依据、责任人和线索来源。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class MeetingForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    date = forms.DateField(label="反馈会日期", widget=DateInput())
    place = forms.CharField(label="地点", required=False, max_length=100)
    attendees = forms.CharField(
        label="参会人员",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：县委第一巡察组全体成员，县委巡察办负责同志，被巡察单位领导班子成员及中层干部。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)
