"""Forms of the ledger (对账销号), closing and rating, 问责, 双公开 and their filter bars.

They check the shape of the input; whether the thing may be done is the services' answer (a DomainError
the view shows as a form error or a message), so a refused form keeps what the user typed.
"""

from django import forms

from rectification.models import (
    Accountability,
    MeasureStatus,
    Publication,
    PublicationScope,
    Rating,
)
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


DEADLINE_FILTERS = [("overdue", "已逾期"), ("due-soon", "7日内到期"), ("normal", "未到期或已销号")]


class LedgerFilterForm(FilterForm):
    q = forms.CharField(required=False, label="搜索", max_length=100)
    status = forms.ChoiceField(required=False, choices=_any("全部状态", MeasureStatus.choices))
    deadline = forms.ChoiceField(required=False, choices=_any("全部时限", DEADLINE_FILTERS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, small=True)
        self.fields["q"].widget.attrs["placeholder"] = "措施、问题或责任部门"


class RectCloseForm(forms.Form):
    rating = forms.ChoiceField(
        label="整改评估",
        choices=_any("请选择评估等次", Rating.choices),
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


class AccountabilityForm(forms.ModelForm):
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
        self.fields["target"].choices = _any("请选择", Accountability.Target.choices)
        self.fields["reason"].choices = _any("请选择", Accountability._meta.get_field("reason").choices)
        style_fields(self.fields)


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["scope", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "scope": "党内公开：全县登录用户可见；社会公开：在整改公开页面向社会公开，无需登录。",
            "text": "每段一行。不得含有身份证号码、电话号码、电子邮箱和人员姓名等个人信息。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = _any("请选择", PublicationScope.choices)
        style_fields(self.fields)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=200)


class PublicationFilterForm(FilterForm):
    q = forms.CharField(required=False, label="搜索", max_length=100)
    scope = forms.ChoiceField(required=False, choices=_any("全部范围", PublicationScope.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, small=True)
        self.fields["q"].widget.attrs["placeholder"] = "标题、单位名称"


class PublicFilterForm(FilterForm):
    q = forms.CharField(required=False, label="搜索", max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, small=True)
        self.fields["q"].widget.attrs["placeholder"] = "标题、单位名称"
