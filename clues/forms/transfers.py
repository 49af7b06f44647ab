"""Forms of the transfer pages, and their filter bars.

They check the shape of the input; whether the thing may be done is the services' answer (a
DomainError the view shows as a form error), so a refused form keeps everything the user typed.
"""

from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone

from clues.forms import ListFilter
from clues.models import (
    DisciplineForm,
    HandlingResult,
    Lead,
    Sanction,
    TransferBatch,
    TransferStatus,
)
from clues.models.intake import TRANSFER_DISPOSITIONS
from clues.services.transfers import DEFAULT_DEADLINE_DAYS, DUE_SOON_DAYS, MAX_DEADLINE_DAYS, OPEN_STATUSES
from rounds.models import Round, Unit
from xuncha.core.forms import BoundedFormMixin, style_fields, with_blank


def _round_label(round) -> str:
    return str(round)


# --- transfers ----------------------------------------------------------------------------------------


class LeadChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.number


class BatchCreateForm(BoundedFormMixin, forms.Form):
    receiver = forms.ModelChoiceField(
        label="接收单位",
        queryset=Unit.objects.none(),
        empty_label="请选择接收单位",
        help_text="只列出已设置经办人账号的单位（在单位信息中维护）。",
    )
    deadline_days = forms.IntegerField(
        label="反馈时限（天）",
        min_value=1,
        max_value=MAX_DEADLINE_DAYS,
        initial=DEFAULT_DEADLINE_DAYS,
        help_text="自移交之日起计算，默认30天。",
    )
    note = forms.CharField(
        label="移交说明", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    leads = LeadChoiceField(
        label="移交线索",
        queryset=Lead.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一条线索"},
    )

    def __init__(self, *args, receivers, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receivers
        self.fields["leads"].queryset = leads
        style_fields(self.fields)

    def checked_ids(self) -> set[str]:
        """The leads ticked in the submitted form, to keep them ticked when it is shown again."""
        if not self.is_bound:
            return set()
        return set(self.data.getlist("leads"))


class PendingLeadFilter(ListFilter):
    """The leads waiting for a batch, by round and by the kind of transfer."""

    round = django_filters.ModelChoiceFilter(label="轮次", queryset=Round.objects.none(), empty_label="全部轮次")
    disposition = django_filters.ChoiceFilter(
        label="处置方式",
        choices=[(d.value, d.label) for d in TRANSFER_DISPOSITIONS],
        empty_label="全部移交方式",
    )

    class Meta:
        model = Lead
        fields = ["round", "disposition"]

    def __init__(self, data=None, *args, rounds=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if rounds is None:
            return
        self.form.fields["round"].queryset = rounds
        self.form.fields["round"].label_from_instance = _round_label
        style_fields(self.form.fields, small=True)


class BatchFilter(ListFilter):
    """The batch list's filter bar; `due` is 'soon' (within DUE_SOON_DAYS) or 'overdue', for the batches
    whose results are not all in."""

    status = django_filters.ChoiceFilter(label="状态", choices=TransferStatus.choices, empty_label="全部状态")
    receiver = django_filters.ModelChoiceFilter(
        label="接收单位", queryset=Unit.objects.none(), empty_label="全部接收单位"
    )
    round = django_filters.ModelChoiceFilter(label="轮次", queryset=Round.objects.none(), empty_label="全部轮次")
    due = django_filters.ChoiceFilter(
        label="反馈期限", choices=[("soon", "7日内到期"), ("overdue", "已逾期")], empty_label="全部期限", method="due_by"
    )

    class Meta:
        model = TransferBatch
        fields = ["status", "receiver", "round", "due"]

    def __init__(
        self, data=None, *args, receivers=None, rounds=None, statuses=None, today: date | None = None, **kwargs
    ):
        super().__init__(data, *args, **kwargs)
        self.today = today
        if statuses is not None:  # in the reader's words: a receiver reads 已移交 as 待签收
            self.form.fields["status"].choices = [("", "全部状态"), *statuses]
        if receivers is None:
            return
        self.form.fields["receiver"].queryset = receivers
        self.form.fields["round"].queryset = rounds
        self.form.fields["round"].label_from_instance = _round_label
        style_fields(self.form.fields, small=True)

    def due_by(self, queryset, name, value):
        today = self.today or timezone.localdate()
        open_ = Q(status__in=OPEN_STATUSES)
        if value == "overdue":
            return queryset.filter(open_, deadline__lt=today)
        if value == "soon":
            return queryset.filter(open_, deadline__gte=today, deadline__lte=today + timedelta(days=DUE_SOON_DAYS))
        return queryset


class ItemResultForm(BoundedFormMixin, forms.Form):
    result = forms.ChoiceField(label="办理结果", choices=with_blank("请选择", HandlingResult.choices))
    note = forms.CharField(
        label="办理情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="简要写明核查、谈话函询或审查调查的情况和结论。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


# Short labels for the select; the page explains each form above the table.
FORM_CHOICES = [(value, label.split("（")[0]) for value, label in DisciplineForm.choices]


class PersonForm(BoundedFormMixin, forms.Form):
    name = forms.CharField(label="姓名", required=False, max_length=50)
    post = forms.CharField(label="职务", required=False, max_length=100)
    form = forms.TypedChoiceField(
        label="四种形态",
        required=False,
        coerce=int,
        empty_value=None,
        choices=with_blank("请选择", FORM_CHOICES),
    )
    sanction = forms.ChoiceField(label="处理方式", required=False, choices=with_blank("请选择", Sanction.choices))
    detail = forms.CharField(
        label="具体处理", required=False, max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, small=True)
        self.fields["detail"].widget.attrs["placeholder"] = "如：党内严重警告"

    def clean(self):
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        filled = any(data.get(k) for k in ("name", "post", "form", "sanction", "detail"))
        if filled:
            if not data.get("name"):
                self.add_error("name", "请填写姓名")
            if not data.get("form"):
                self.add_error("form", "请选择四种形态")
            if not data.get("sanction"):
                self.add_error("sanction", "请选择处理方式")
        return data


def person_formset(*, data=None, initial=None):
    """The persons dealt with: the ones already reported, and three empty rows (a batch often deals
    with several persons; one blank row made the receiver save and come back for each)."""
    extra = 3
    formset_class = formset_factory(PersonForm, extra=extra, can_delete=True, max_num=50, validate_max=True)
    return formset_class(data=data, initial=initial, prefix="persons")


def persons_from(formset) -> list[dict]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


class FiguresFilter(ListFilter):
    """The figures page's round (the figures are computed per round, not filtered rows)."""

    round = django_filters.ModelChoiceFilter(label="轮次", queryset=Round.objects.none(), empty_label="全部轮次")

    class Meta:
        model = TransferBatch
        fields = ["round"]

    def __init__(self, data=None, *args, rounds=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if rounds is None:
            return
        self.form.fields["round"].queryset = rounds
        self.form.fields["round"].label_from_instance = _round_label
        style_fields(self.form.fields, small=True)
