"""Forms of the unit registry, the terms and the coverage page; the unit list's filter."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from rounds.models import Term, Unit, UnitType
from rounds.selectors.units import COVERAGE_STATUSES, unit_parent_choices_for
from rounds.services.unit_import import MAX_FILE_SIZE, phone_problem
from rounds.services.units import unit_lineage
from xuncha.access.rules.rounds import staff_accounts, unit_accounts
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter
from xuncha.core.forms import BoundedFormMixin


def bootstrap(form: forms.Form) -> None:
    """Give every widget its Bootstrap class (form-select for selects, form-check-input for boxes)."""
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def account_label(user) -> str:
    """An account in a picker: 姓名（单位）, the login name when no work unit is recorded."""
    return f"{user.display_name}（{user.organization or user.username}）"


class UnitAccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return account_label(user)


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return account_label(user)


class UnitForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "unit_type",
            "parent",
            "principal_name",
            "principal_post",
            "principal_phone",
            "liaison_name",
            "liaison_phone",
            "office_phone",
            "address",
            "principal_user",
            "liaison_user",
            "staff",
            "is_active",
            "note",
        ]
        field_classes = {
            "principal_user": UnitAccountChoiceField,
            "liaison_user": UnitAccountChoiceField,
            "staff": StaffChoiceField,
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "staff": forms.SelectMultiple(attrs={"size": 4})}
        help_texts = {
            "name": "单位全称，例如：县财政局、青山镇、青山镇石门村",
            "parent": "村/社区填所属乡镇，下属单位填主管部门；没有可不填",
            "principal_user": "关联“被巡察单位”角色的登录账号后，该账号可查看本单位的巡察信息",
            "liaison_user": "关联后，联络员账号可查看本单位的巡察信息",
            "is_active": "停用的单位不能再安排巡察，也不计入全覆盖",
        }
        error_messages = {
            "name": {"required": "请填写单位名称", "unique": "已有同名的单位，请核对是否重复录入"},
            "unit_type": {"required": "请选择单位类型", "invalid_choice": "请从列表中选择单位类型"},
            "parent": {"invalid_choice": "所选上级单位不存在，请重新选择"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.order_by("unit_type", "name")
        if self.instance.pk:
            # A unit cannot sit below itself or below one of its own subordinate units.
            below = unit_lineage(self.instance).descendants
            parents = parents.exclude(pk__in={self.instance.pk, *below})
        # Inactive units are offered only when already chosen, so old records still display.
        parents = parents.filter(Q(is_active=True) | Q(pk=self.instance.parent_id))
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "（无上级单位）"
        self.fields["unit_type"].choices = [("", "请选择")] + list(UnitType.choices)
        accounts = unit_accounts().order_by("name", "username")
        for name in ("principal_user", "liaison_user"):
            self.fields[name].queryset = accounts
            self.fields[name].empty_label = "（不关联账号）"
        # Staff: the accounts of a receiving role, and whoever is staff already (kept on a save).
        current = self.instance.staff.values("pk") if self.instance.pk else []
        self.fields["staff"].queryset = (
            get_user_model().objects.filter(Q(pk__in=staff_accounts().values("pk")) | Q(pk__in=current))
            .order_by("name", "username")
        )
        bootstrap(self)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def _clean_phone(self, name):
        value = self.cleaned_data.get(name, "").strip()
        problem = phone_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_principal_phone(self):
        return self._clean_phone("principal_phone")

    def clean_liaison_phone(self):
        return self._clean_phone("liaison_phone")

    def clean_office_phone(self):
        return self._clean_phone("office_phone")


class UnitFilter(ListFilter):
    """Search and filters above the unit list."""

    widget_style = None  # styled by bootstrap() below
    placeholders = {"q": "单位名称、负责人或联络员"}

    q = django_filters.CharFilter(method="search", label="关键词")
    unit_type = django_filters.ChoiceFilter(
        choices=UnitType.choices, empty_label="全部类型", label="单位类型"
    )
    parent = django_filters.ModelChoiceFilter(
        queryset=lambda request: unit_parent_choices_for(request.user) if request else Unit.objects.none(),
        empty_label="全部上级单位",
        label="上级单位",
    )
    is_active = django_filters.ChoiceFilter(
        choices=[("1", "在用"), ("0", "停用")], method="active", empty_label="全部状态", label="状态"
    )

    class Meta:
        model = Unit
        fields = ["q", "unit_type", "parent", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(principal_name__icontains=value) | Q(liaison_name__icontains=value)
        )

    def active(self, queryset, name, value):
        return queryset.filter(is_active=(value == "1"))


class UnitImportForm(BoundedFormMixin, forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text="仅支持 .xlsx 格式，不超过 5 MB；请使用导入模板填写",
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "上传的文件是空的"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_FILE_SIZE:
            raise forms.ValidationError(f"文件过大（{file.size / 1024 / 1024:.1f} MB），不能超过 5 MB")
        return file


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TermForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Term
        fields = ["name", "start_date", "end_date", "is_current"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "name": "例如：第十五届县委",
            "is_current": "全覆盖进度默认按本届统计；设为本届后，原来的本届自动取消",
        }
        error_messages = {
            "name": {"required": "请填写届次名称", "unique": "已有同名的届次"},
            "start_date": {"required": "请填写开始日期", "invalid": "请填写正确的日期"},
            "end_date": {"required": "请填写结束日期", "invalid": "请填写正确的日期"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def _get_validation_exclusions(self):
        # "One current term" is kept by term_save, which unmarks the previous one; the form must not
        # refuse a new current term because an old one is still marked.
        return super()._get_validation_exclusions() | {"is_current"}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "结束日期须晚于开始日期")
        return data


class CoverageFilter(ListFilter):
    """Search and filters above a term's coverage list (the units annotated by `coverage_units`)."""

    widget_style = None  # styled by bootstrap() below
    placeholders = {"q": "单位或上级单位名称"}

    q = django_filters.CharFilter(method="search", label="关键词")
    unit_type = django_filters.ChoiceFilter(choices=UnitType.choices, empty_label="全部类型", label="单位类型")
    status = django_filters.ChoiceFilter(
        field_name="coverage_status", choices=COVERAGE_STATUSES, empty_label="全部情况", label="巡察情况"
    )

    class Meta:
        model = Unit
        fields = ["q", "unit_type", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self.form)

    def filter_queryset(self, queryset):
        # A stale link with one invalid value shows the whole list, not a partly filtered one.
        if self.form.errors:
            return queryset
        return super().filter_queryset(queryset)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(parent__name__icontains=value))

    @property
    def chosen_status(self) -> str:
        return "" if self.form.errors else self.form.cleaned_data.get("status") or ""

    @property
    def filtered(self) -> bool:
        return not self.form.errors and any(self.form.cleaned_data.get(name) for name in self.filters)
