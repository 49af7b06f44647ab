"""Forms of the cadre pool (巡察干部库)."""

import datetime
import re

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Q

from rounds.models import Unit
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter
from xuncha.core.forms import BoundedFormMixin

from ..models import SPECIALTY_SEPARATOR, Cadre, Specialty, parse_specialties
from ..selectors import cadre_home_units, linkable_users


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class CadreForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    # Cadres were born well before BoundedFormMixin's default earliest date.
    date_ranges = {"birth_month": (datetime.date(1940, 1, 1), datetime.date(2010, 12, 31))}
    specialty_list = forms.MultipleChoiceField(
        label="专长",
        choices=Specialty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="可多选；干部库按专长筛选。",
    )

    class Meta:
        model = Cadre
        fields = [
            "name",
            "gender",
            "birth_month",
            "home_unit",
            "post",
            "specialty_list",
            "specialty",
            "phone",
            "is_available",
            "user",
            "past_teams_note",
            "note",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control", "autofocus": True}),
            "gender": forms.Select(attrs={"class": "form-select"}),
            "home_unit": forms.Select(attrs={"class": "form-select"}),
            "post": forms.TextInput(attrs={"class": "form-control", "placeholder": "例如：纪检监察室主任"}),
            "birth_month": MonthInput(attrs={"class": "form-control", "placeholder": "1980-05"}),
            "specialty": forms.TextInput(attrs={"class": "form-control", "list": "specialty-options"}),
            "past_teams_note": forms.Textarea(attrs={"class": "form-control", "rows": 2}),
            "phone": forms.TextInput(attrs={"class": "form-control"}),
            "is_available": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "user": forms.Select(attrs={"class": "form-select"}),
            "note": forms.TextInput(attrs={"class": "form-control"}),
        }
        help_texts = {
            "user": "巡察组成员登录后，只能看到本组被分配的被巡察单位。只列出“巡察组”角色中尚未关联干部的账号。",
            "is_available": "不可抽调的干部不能加入巡察组。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True)
        if self.instance.home_unit_id:
            units = units | Unit.objects.filter(pk=self.instance.home_unit_id)
        self.fields["home_unit"].queryset = units.order_by("unit_type", "name")
        self.fields["home_unit"].empty_label = "请选择所在单位"
        self.fields["gender"].choices = [("", "—")] + list(Cadre.Gender.choices)
        self.fields["birth_month"].input_formats = ["%Y-%m", "%Y-%m-%d", "%Y/%m", "%Y.%m"]
        self.fields["birth_month"].error_messages["invalid"] = "请按“年-月”填写出生年月，例如 1980-05"
        self.fields["specialty"].required = False
        self.initial.setdefault("specialty_list", self.instance.specialty_list)
        user_field = self.fields["user"]
        user_field.queryset = linkable_users(self.instance if self.instance.pk else None)
        user_field.empty_label = "不关联登录账号"
        user_field.label_from_instance = lambda u: f"{u.display_name}（{u.organization or u.username}）"

    def clean_birth_month(self):
        month = self.cleaned_data.get("birth_month")
        return month.replace(day=1) if month else month

    def save(self, commit=True):
        self.instance.specialty_list = self.cleaned_data.get("specialty_list") or []
        return super().save(commit=commit)


class SpecialtyField(django_filters.fields.ChoiceField):
    """A specialty of the list; an older link's word (纪检监察, 组织人事) names the one it means."""

    def to_python(self, value):
        value = super().to_python(value)
        if value and value not in Specialty.values:
            codes, unknown = parse_specialties(value)
            if len(codes) == 1 and not unknown:
                return codes[0]
        return value


class SpecialtyFilter(django_filters.ChoiceFilter):
    field_class = SpecialtyField


class CadreFilter(ListFilter):
    """Search and filters above the cadre pool."""

    widget_style = ""
    placeholders = {"q": "姓名、专长或职务"}

    q = django_filters.CharFilter(method="search", label="关键词")
    home_unit = django_filters.ModelChoiceFilter(
        queryset=lambda request: cadre_home_units(), empty_label="全部所在单位", label="所在单位"
    )
    specialty = SpecialtyFilter(
        choices=Specialty.choices, method="has_specialty", empty_label="全部专长", label="专长"
    )
    available = django_filters.ChoiceFilter(
        choices=[("yes", "可抽调"), ("no", "不可抽调")], method="availability", empty_label="全部状态", label="可否抽调"
    )

    class Meta:
        model = Cadre
        fields = ["q", "home_unit", "specialty", "available"]


    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(specialty__icontains=value)
            | Q(specialties__icontains=value)
            | Q(post__icontains=value)
        )

    def has_specialty(self, queryset, name, value):
        # Stored as “财务、审计” in the list's order: a whole item, not a part of one.
        return queryset.filter(specialties__regex=rf"(^|{SPECIALTY_SEPARATOR}){re.escape(value)}({SPECIALTY_SEPARATOR}|$)")

    def availability(self, queryset, name, value):
        return queryset.filter(is_available=(value == "yes"))

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name, "").strip() for name in self.filters)
