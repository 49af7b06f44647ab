"""Forms of the cadre pool (巡察干部库)."""

import django_filters
from django import forms
from django.db.models import Q

from rounds.models import Unit
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter

from ..models import Cadre
from ..selectors import cadre_home_units, cadre_specialties, linkable_users


class CadreForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Cadre
        fields = ["name", "gender", "home_unit", "post", "specialty", "phone", "is_available", "user", "note"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control", "autofocus": True}),
            "gender": forms.Select(attrs={"class": "form-select"}),
            "home_unit": forms.Select(attrs={"class": "form-select"}),
            "post": forms.TextInput(attrs={"class": "form-control", "placeholder": "例如：纪检监察室主任"}),
            "specialty": forms.TextInput(attrs={"class": "form-control", "list": "specialty-options"}),
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
        user_field = self.fields["user"]
        user_field.queryset = linkable_users(self.instance if self.instance.pk else None)
        user_field.empty_label = "不关联登录账号"
        user_field.label_from_instance = lambda u: f"{u.display_name}（{u.username}）"


class CadreFilter(ListFilter):
    """Search and filters above the cadre pool."""

    widget_style = ""
    placeholders = {"q": "姓名、专长或职务"}

    q = django_filters.CharFilter(method="search", label="关键词")
    home_unit = django_filters.ModelChoiceFilter(
        queryset=lambda request: cadre_home_units(), empty_label="全部所在单位", label="所在单位"
    )
    specialty = django_filters.ChoiceFilter(
        choices=lambda: [(s, s) for s in cadre_specialties()], empty_label="全部专长", label="专长"
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
        return queryset.filter(Q(name__icontains=value) | Q(specialty__icontains=value) | Q(post__icontains=value))

    def availability(self, queryset, name, value):
        return queryset.filter(is_available=(value == "yes"))

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name, "").strip() for name in self.filters)
