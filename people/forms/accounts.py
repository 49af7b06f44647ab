"""The forms of the account pages and the account list's filter."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from rounds.services.unit_import import MAX_FILE_SIZE
from xuncha.accounts.roles import Role
from xuncha.core.filters import ListFilter
from xuncha.core.forms import style_fields

from ..selectors.accounts import scope_cadres, scope_units, search
from ..services.accounts import locked_usernames, normalize_phone, phone_problem, username_problem
from ..services.bindings import BUSINESS_KINDS, PRIVILEGED_KINDS, Kind, scope_problem, taken_problem

User = get_user_model()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.name


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cadre):
        suffix = f"，已关联{cadre.user.display_name}" if cadre.user_id else ""
        return f"{cadre.name}（{cadre.home_unit.name}{suffix}）"


class AccountChoiceField(forms.ModelChoiceField):
    """An account as the pickers show it: 姓名（单位）, the login name when there is no unit."""

    def label_from_instance(self, user):
        return f"{user.display_name}（{user.organization or user.username}）"


class RoleScopeMixin:
    """One role and its scope: a unit for the unit and staff roles, a cadre for the cadre role."""

    kind_required = True

    def _add_scope_fields(self, kinds):
        choices = [("", "请选择角色")] if self.kind_required else [("", "暂不授予角色")]
        self.fields["kind"] = forms.ChoiceField(
            label="角色",
            choices=choices + [(k.value, k.label) for k in kinds],
            required=self.kind_required,
            error_messages={"required": "请选择角色", "invalid_choice": "请从列表中选择角色"},
        )
        self.fields["unit"] = UnitChoiceField(
            label="所在单位（部门）",
            queryset=scope_units(),
            required=False,
            empty_label="请选择单位",
            help_text="单位主要负责人、联络员须选所在单位；经办人须选所在的部门或受理单位（纪委监委、组织部、信访局等）",
            error_messages={"invalid_choice": "所选单位不存在或已停用，请重新选择"},
        )
        self.fields["cadre"] = CadreChoiceField(
            label="干部库中的干部",
            queryset=scope_cadres(),
            required=False,
            empty_label="请选择干部",
            help_text="巡察干部的账号与干部库中的一名干部对应，编入巡察组后即可查看本组任务",
            error_messages={"invalid_choice": "所选干部不存在，请重新选择"},
        )

    def _clean_scope(self, data, account=None):
        kind = data.get("kind")
        if not kind:
            return data
        unit, cadre = data.get("unit"), data.get("cadre")
        problem = scope_problem(kind, unit, cadre)
        if problem:
            self.add_error("cadre" if kind == Kind.CADRE else "unit", problem)
            return data
        problem = taken_problem(kind, unit, cadre, account)
        if problem:
            self.add_error("cadre" if kind == Kind.CADRE else "unit", problem)
        return data


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名"})
    phone = forms.CharField(
        label="手机", max_length=30, required=False, help_text="同一手机号码只能开通一个账号"
    )
    organization = forms.CharField(label="工作单位", max_length=100, required=False)
    post = forms.CharField(label="职务", max_length=100, required=False)

    def __init__(self, *args, account=None, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data.get("phone", ""))
        problem = phone_problem(phone, exclude_pk=getattr(self.account, "pk", None))
        if problem:
            raise forms.ValidationError(problem)
        return phone


class AccountCreateForm(RoleScopeMixin, PersonForm):
    username = forms.CharField(
        label="登录名",
        max_length=150,
        required=False,
        help_text="英文字母、数字和 @ . + - _；不填则以手机号码作为登录名",
    )
    kind_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_scope_fields(BUSINESS_KINDS)
        style_fields(self.fields)

    def clean(self):
        data = super().clean()
        username = (data.get("username") or "").strip() or data.get("phone") or ""
        if username or "phone" in data:
            problem = username_problem(username)
            if problem:
                self.add_error("username", problem)
            data["username"] = username
        return self._clean_scope(data)


class AccountEditForm(PersonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class RoleAddForm(RoleScopeMixin, forms.Form):
    def __init__(self, *args, account, business: bool, privileged: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        kinds = (BUSINESS_KINDS if business else []) + (
            [k for k in Kind if k in PRIVILEGED_KINDS] if privileged else []
        )
        self._add_scope_fields(kinds)
        style_fields(self.fields)

    def clean(self):
        return self._clean_scope(super().clean(), self.account)


class TransferForm(forms.Form):
    to = AccountChoiceField(
        label="接收人员",
        queryset=User.objects.none(),
        empty_label="请选择已有账号的人员",
        error_messages={"required": "请选择接收该角色的人员", "invalid_choice": "所选人员不存在或已停用"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = candidates
        style_fields(self.fields)


class DisableForm(forms.Form):
    reason = forms.CharField(label="停用原因", max_length=100, required=False, help_text="例如：调离、退休")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class AccountImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text="仅支持 .xlsx 格式，不超过 5 MB；请使用导入模板填写",
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "上传的文件是空的"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_FILE_SIZE:
            raise forms.ValidationError(f"文件过大（{file.size / 1024 / 1024:.1f} MB），不能超过 5 MB")
        return file


STATUS_CHOICES = [
    ("active", "在用"),
    ("disabled", "已停用"),
    ("locked", "已锁定"),
    ("first_login", "待首次登录改密"),
]


class AccountFilter(ListFilter):
    placeholders = {"q": "姓名、登录名、手机或单位"}

    q = django_filters.CharFilter(method="filter_q", label="关键词")
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_role", empty_label="全部角色", label="角色"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", empty_label="全部状态", label="状态"
    )

    class Meta:
        model = User
        fields = ["q", "role", "status"]

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_role(self, queryset, name, value):
        return queryset.filter(groups__name=value).distinct()

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(is_active=True)
        if value == "disabled":
            return queryset.filter(is_active=False)
        if value == "locked":
            return queryset.filter(locked_usernames())
        if value == "first_login":
            return queryset.filter(is_active=True, must_change_password=True)
        return queryset
