"""Forms of the transfer pages, and their filter bars.

They check the shape of the input; whether the thing may be done is the services' answer (a
DomainError the view shows as a form error), so a refused form keeps everything the user typed.
"""

from django import forms
from django.forms import formset_factory

from clues.models import (
    DisciplineForm,
    HandlingResult,
    Lead,
    Sanction,
    TransferStatus,
)
from clues.models.intake import TRANSFER_DISPOSITIONS
from clues.services.transfers import DEFAULT_DEADLINE_DAYS, MAX_DEADLINE_DAYS
from rounds.models import Round, Unit
from xuncha.core.forms import style_fields


def _any(label: str, choices) -> list:
    return [("", label), *choices]


class FilterForm(forms.Form):
    def filters(self) -> dict:
        """The valid filters; an invalid one (a stale link) is ignored, not the others."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v}


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.round.short_name}{obj.name}"


# --- transfers ----------------------------------------------------------------------------------------


class LeadChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.number


class BatchCreateForm(forms.Form):
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


class PendingLeadFilterForm(FilterForm):
    round = RoundChoiceField(queryset=Round.objects.none(), required=False, empty_label="全部轮次")
    disposition = forms.ChoiceField(
        required=False,
        choices=_any("全部移交方式", [(d.value, d.label) for d in TRANSFER_DISPOSITIONS]),
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        style_fields(self.fields, small=True)


class BatchFilterForm(FilterForm):
    status = forms.ChoiceField(required=False, choices=_any("全部状态", TransferStatus.choices))
    receiver = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, empty_label="全部接收单位"
    )
    round = RoundChoiceField(queryset=Round.objects.none(), required=False, empty_label="全部轮次")
    due = forms.ChoiceField(
        required=False, choices=[("", "全部期限"), ("soon", "7日内到期"), ("overdue", "已逾期")]
    )

    def __init__(self, *args, receivers, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receivers
        self.fields["round"].queryset = rounds
        style_fields(self.fields, small=True)


class ItemResultForm(forms.Form):
    result = forms.ChoiceField(label="办理结果", choices=_any("请选择", HandlingResult.choices))
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


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", required=False, max_length=50)
    post = forms.CharField(label="职务", required=False, max_length=100)
    form = forms.TypedChoiceField(
        label="四种形态",
        required=False,
        coerce=int,
        empty_value=None,
        choices=_any("请选择", FORM_CHOICES),
    )
    sanction = forms.ChoiceField(label="处理方式", required=False, choices=_any("请选择", Sanction.choices))
    detail = forms.CharField(label="具体处理", required=False, max_length=200)

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
    """The persons dealt with: the ones already reported, and two empty rows (one if some are listed)."""
    extra = 1 if initial else 2
    formset_class = formset_factory(PersonForm, extra=extra, can_delete=True, max_num=50, validate_max=True)
    return formset_class(data=data, initial=initial, prefix="persons")


def persons_from(formset) -> list[dict]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


class FiguresFilterForm(FilterForm):
    round = RoundChoiceField(queryset=Round.objects.none(), required=False, empty_label="全部轮次")

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        style_fields(self.fields, small=True)
