"""Forms of the plan pages: a measure, a commitment, the Excel import, the review, and the ledger's filters.

They check the shape of the input; whether the thing may be done is the services' answer (a DomainError
the view shows as a form error), so a refused form keeps everything the user typed.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from rectification.models import Measure, MeasureKind, MeasureStatus, measure_deadline_q
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter
from xuncha.core.forms import BoundedFormMixin, style_fields

DUE_CHOICES = [("", "全部时限"), ("soon", "7日内到期"), ("overdue", "已逾期")]


class MeasureForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "content",
            "goal",
            "deadline",
            "kind",
            "responsible_leader",
            "responsible_branch",
            "responsible_person",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "goal": forms.Textarea(attrs={"rows": 2}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "content": "写明具体做法，一条措施解决一个方面的问题；一个问题可有多条措施。",
            "goal": "写明整改要达到的效果，便于对账销号。",
            "kind": "立行立改：立即改到位；限期整改：在完成时限前改到位；长期坚持：需持续推进并建立长效机制。",
        }

    def __init__(self, *args, rect=None, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)
        self.fields["kind"].choices = MeasureKind.choices
        if rect is not None:
            low = rect.meeting_date.isoformat() if rect.meeting_date else ""
            self.fields["deadline"].widget.attrs.update({"min": low, "max": rect.deadline.isoformat()})
            self.fields["deadline"].help_text = (
                f"不能早于反馈会日期（{low}），不能晚于整改期限（{rect.deadline:%Y-%m-%d}）。"
                if low
                else f"不能晚于整改期限（{rect.deadline:%Y-%m-%d}）。"
            )


class CommitmentForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    text = forms.CharField(
        label="承诺内容",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=10000,
        help_text="已按本单位情况生成初稿，可修改完善。签署后不能再修改。",
    )
    members = forms.CharField(
        label="领导班子成员",
        required=False,
        max_length=300,
        help_text="填写领导班子全体成员姓名，用顿号分隔，例如：王某某、李某某、张某某。",
    )

    def __init__(self, *args, leadership: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if leadership:
            self.fields["members"].required = True
        else:
            del self.fields["members"]
        style_fields(self.fields)


class CommitmentSignForm(BoundedFormMixin, forms.Form):
    password = forms.CharField(
        label="登录密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="再次输入您的登录密码以确认签署。签署后承诺书不能修改。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, small=True)


class PlanImportForm(BoundedFormMixin, forms.Form):
    file = forms.FileField(
        label="整改台账 Excel 文件",
        help_text="请先导出整改台账模板，在模板上填写后上传（.xlsx，不超过 5 MB）。",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class PlanReturnForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="单位将看到该理由，请写明需要修改的问题和措施。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


def search_measures(queryset, value: str):
    """Measures whose content, goal, problem or any responsible party contains the text (the plan page's
    and the ledger's search box)."""
    q = (value or "").strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(content__icontains=q)
        | Q(goal__icontains=q)
        | Q(problem__title__icontains=q)
        | Q(responsible_leader__icontains=q)
        | Q(responsible_branch__icontains=q)
        | Q(responsible_person__icontains=q)
    )


class MeasureFilter(ListFilter):
    """The plan page's filter bar (the measures; the problems follow them)."""

    placeholders = {"q": "问题、措施、责任人"}

    q = django_filters.CharFilter(label="搜索", max_length=100, method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=MeasureStatus.choices, empty_label="全部状态")
    kind = django_filters.ChoiceFilter(label="整改类型", choices=MeasureKind.choices, empty_label="全部类型")
    due = django_filters.ChoiceFilter(label="完成时限", choices=DUE_CHOICES[1:], empty_label="全部时限", method="due_in")

    class Meta:
        model = Measure
        fields = ["q", "status", "kind", "due"]

    def search(self, queryset, name, value):
        return search_measures(queryset, value)

    def due_in(self, queryset, name, value):
        state = "due-soon" if value == "soon" else "overdue"
        return queryset.filter(measure_deadline_q(state, timezone.localdate()))

