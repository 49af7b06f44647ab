"""Forms of the working-paper pages, the ledger's filter bar and the taxonomy.

They check the shape of the input; whether it may be saved is the services' answer (a DomainError
the view shows on the form, with what the user typed kept).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.forms.models import construct_instance

from clues.forms import ListFilter
from clues.models import Category, Finding, FindingStatus, Severity
from rounds.models import AssignmentUserObjectPermission, Round, Term, Unit
from teams.models import Team, TeamMember
from xuncha.core.bulk import BulkSelectionForm
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.forms import BoundedFormMixin, MultipleFileField, cache_model_choices


def _style(fields, *, small: bool = False) -> None:
    for f in fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm" if small else "form-select"
        else:
            css = "form-control form-control-sm" if small else "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def grouped_category_choices(categories) -> list:
    """Choices for a select: one optgroup per area holding its sub-categories; areas without
    sub-categories are offered under their scheme's name."""
    categories = list(categories)
    with_children = {c.parent_id for c in categories if c.parent_id}
    groups: dict[tuple, tuple[str, list]] = {}
    for c in categories:
        if c.parent_id:
            key, label = ("area", c.parent_id), f"{c.scheme} · {c.parent.name}"
        elif c.pk not in with_children:
            key, label = ("scheme", c.scheme), c.scheme
        else:
            continue
        groups.setdefault(key, (label, []))[1].append((c.pk, c.name))
    return list(groups.values())


# --- a finding ----------------------------------------------------------------------------------------


class LeadChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, lead):
        who = f"（被反映人：{lead.subject_name}）" if lead.subject_name else ""
        return f"{lead.number} {lead.summary}{who}"


class FindingForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    leads = LeadChoiceField(
        label="关联线索",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="本巡察任务登记的信访件、问题线索",
    )
    evidence = MultipleFileField(
        label="证据材料",
        required=False,
        help_text="可多选；支持PDF、Word、Excel、图片、音视频和ZIP，单个文件不超过20MB，系统保存每个文件的SHA-256校验值",
    )

    class Meta:
        model = Finding
        fields = [
            "category",
            "title",
            "severity",
            "responsible_persons",
            "manifestation",
            "basis",
            "is_key",
            "fixed_on_site",
            "on_site_action",
        ]
        widgets = {
            "manifestation": forms.Textarea(attrs={"rows": 6}),
            "basis": forms.Textarea(attrs={"rows": 4}),
            "on_site_action": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": "概括问题，例如：违规发放津补贴",
            "manifestation": "写明时间、地点、人员、金额等具体事实",
            "basis": "违反的党纪法规条款，例如：《中国共产党纪律处分条例》第×条",
            "responsible_persons": "多人用顿号分隔，写明职务",
            "on_site_action": "勾选“立行立改”时必填：被巡察单位已采取的整改措施",
        }
        error_messages = {
            "category": {"required": "请选择问题类别", "invalid_choice": "所选问题类别已停用或不存在，请重新选择"},
            "title": {"required": "请填写问题标题"},
            "manifestation": {"required": "请填写问题表现"},
            "basis": {"required": "请填写定性依据"},
        }

    def __init__(self, *args, leads, categories, **kwargs):
        """`categories`: those a finding can be filed under now (selectors.findings.active_categories)."""
        super().__init__(*args, **kwargs)
        categories = list(categories)
        current = self.instance.category if self.instance.pk and self.instance.category_id else None
        if current is not None and current not in categories:
            # A category deactivated after the finding was filed still shows as chosen.
            categories.append(current)
        field = self.fields["category"]
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])
        field.choices = [("", "请选择问题类别"), *grouped_category_choices(categories)]
        self.fields["leads"].queryset = leads
        if self.instance.pk:
            self.fields["evidence"].label = "追加证据材料"
        _style(self.fields)

    def clean(self):
        data = super().clean()
        if data.get("fixed_on_site") and not (data.get("on_site_action") or "").strip():
            self.add_error("on_site_action", "立行立改的问题须填写立行立改情况")
        return data

    def _post_clean(self):
        # The service saves and decides; the form only builds no instance-level checks of its own.
        pass

    LAYOUT = (
        ("title", "col-12"),
        ("category", "col-md-8"),
        ("severity", "col-md-4"),
        ("responsible_persons", "col-12"),
        ("manifestation", "col-12"),
        ("basis", "col-12"),
    )

    def main_fields(self):
        """The fields of the 问题 card with their column widths, in the order a writer fills them."""
        return [(self[name], width) for name, width in self.LAYOUT]

    def finding_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ReviewForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(label="意见或理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class BulkReviewForm(BulkSelectionForm):
    """批量审核 on the ledger: approve or return the chosen findings, each at its own step."""

    ACTIONS = [("approve", "通过"), ("return", "退回修改")]
    action = forms.ChoiceField(label="操作", choices=ACTIONS, error_messages={"required": "请选择批量操作"})
    reason = forms.CharField(label="意见或理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "批量退回须填写退回理由（将记入每份底稿的审核记录）")
        return data


# --- the ledger's filter bar --------------------------------------------------------------------------


YES_NO = [("yes", "是"), ("no", "否")]
# The findings' to-do queues (`clues.selectors.queues`), as the ledger's `?queue=` offers them.
QUEUES = [("my_review", "待我审核"), ("office_review", "待巡察办审定")]


def _category_label(c) -> str:
    return f"　{c.name}" if c.parent_id else f"{c.name}（{c.scheme}）"


# What the ledger's filter options are made of (with who sees them): cached until one changes.
FILTER_TRACKED = (Finding, Category, Round, Term, Team, TeamMember, Unit, AssignmentUserObjectPermission)


class LedgerFilter(ListFilter):
    """The ledger's filter bar. A category takes an area with all its sub-categories; `fixed` and
    `key` are "yes" or "no"; `q` searches the titles."""

    q = django_filters.CharFilter(label="问题标题", method="search")
    round = django_filters.ModelChoiceFilter(label="轮次", queryset=Round.objects.none(), empty_label="全部轮次")
    team = django_filters.ModelChoiceFilter(label="巡察组", queryset=Team.objects.none(), empty_label="全部巡察组")
    unit = django_filters.ModelChoiceFilter(label="被巡察单位", queryset=Unit.objects.none(), empty_label="全部单位")
    category = django_filters.ModelChoiceFilter(
        label="问题类别", queryset=Category.objects.none(), empty_label="全部类别", method="in_category"
    )
    severity = django_filters.ChoiceFilter(label="严重程度", choices=Severity.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=FindingStatus.choices, empty_label="全部状态")
    fixed = django_filters.ChoiceFilter(label="立行立改", choices=YES_NO, empty_label="全部", method="yes_no")
    key = django_filters.ChoiceFilter(label="重点问题", choices=YES_NO, empty_label="全部", method="yes_no")
    # 待办 (the workbench's links): who waits is the user's, so `clues.selectors.queues` narrows by it.
    queue = django_filters.ChoiceFilter(label="待办", choices=QUEUES, empty_label="全部", method="by_selector")

    YES_NO_FIELDS = {"fixed": "fixed_on_site", "key": "is_key"}

    class Meta:
        model = Finding
        fields = ["q", "round", "team", "unit", "category", "severity", "status", "fixed", "key", "queue"]

    def __init__(self, data=None, *args, choices: dict | None = None, cache_key=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if choices is None:
            return
        fields = self.form.fields
        fields["round"].queryset = choices["rounds"]
        fields["round"].label_from_instance = str
        fields["team"].queryset = choices["teams"]
        fields["team"].label_from_instance = lambda t: f"{t.round.short_name}{t.name}"
        fields["unit"].queryset = choices["units"]
        fields["category"].queryset = choices["categories"]
        fields["category"].label_from_instance = _category_label
        cache_model_choices(self.form, ["round", "team", "unit", "category"], tracked=FILTER_TRACKED, key=cache_key)
        _style(fields, small=True)
        fields["q"].widget.attrs["placeholder"] = "按问题标题搜索"

    def search(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(title__icontains=value) if value else queryset

    def by_selector(self, queryset, name, value):
        return queryset  # the queue depends on the user: `clues.selectors.findings.finding_list` applies it

    def in_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def yes_no(self, queryset, name, value):
        if value not in ("yes", "no"):
            return queryset
        return queryset.filter(**{self.YES_NO_FIELDS[name]: value == "yes"})


# --- the taxonomy -------------------------------------------------------------------------------------


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, c):
        return f"{c.scheme} · {c.name}"


class CategoryForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    parent = AreaChoiceField(
        label="上级类别（领域）",
        queryset=None,
        required=False,
        empty_label="（无，本身即为领域）",
        help_text="具体类别选择所属领域；新增领域时留空",
    )

    class Meta:
        model = Category
        fields = ["scheme", "parent", "name", "order", "is_active"]
        help_texts = {
            "scheme": "例如：三个聚焦、四个方面；选择了上级类别时自动沿用其分类体系",
            "order": "同级类别按此数字从小到大排列",
            "is_active": "停用后撰写底稿时不再可选，已归入该类别的底稿不受影响",
        }
        error_messages = {"name": {"required": "请填写类别名称"}}

    def __init__(self, *args, areas, schemes, **kwargs):
        """`areas`: the areas it may be filed under (selectors.findings.category_area_choices, without
        itself); `schemes`: the schemes in use, offered as suggestions."""
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = areas
        self.fields["scheme"].required = False
        self.fields["scheme"].widget.attrs["list"] = "category-schemes"
        _style(self.fields)
        self.schemes = schemes

    def _post_clean(self):
        # The service checks the tree and uniqueness, in the words of the work.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
