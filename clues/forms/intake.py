"""Forms of the intake pages: recording a lead, triage, reveal, reply, the department's outcome, the
public report and receipt query, and the ledger's filter bar.

They check the shape of the input; whether it may be done is the services' answer (a DomainError the
view shows on the form, with everything the user typed kept).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from clues.forms import ListFilter
from clues.models import (
    Channel,
    Lead,
    LeadStatus,
    LeadUserObjectPermission,
    OutOfScope,
    PartnerDepartment,
    ScopeStatus,
    TransferBatch,
    TransferBatchUserObjectPermission,
    TransferItem,
)
from clues.services.intake import IDENTITY_FIELDS, LEAD_FIELDS
from clues.services.public import PUBLIC_CONTENT_MAX, PUBLIC_MAX_ATTACHMENTS
from rounds.models import AssignmentUserObjectPermission, Round, Term, Unit
from teams.models import Team, TeamMember
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.forms import BoundedFormMixin, MultipleFileField, cache_model_choices, with_blank


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _style(fields, *, small: bool = False) -> None:
    for f in fields.values():
        widget = f.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.Select):
            css = "form-select form-select-sm" if small else "form-select"
        else:
            css = "form-control form-control-sm" if small else "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    for f in fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs.setdefault("class", "form-check-input")


# --- files ----------------------------------------------------------------------------------------------


# --- recording a lead -------------------------------------------------------------------------------------


class LeadForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.Form):
    channel = forms.ChoiceField(label="来源渠道", choices=with_blank("请选择", Channel.choices))
    conflict_exclude = IDENTITY_FIELDS  # a reporter's identity is never shown to whoever edits
    partner_department = forms.ChoiceField(
        label="移送部门",
        choices=with_blank("—", PartnerDepartment.choices),
        required=False,
        help_text="来源为“部门移送”（情况通报）时必选",
    )
    received_on = forms.DateField(label="收到日期", widget=DateInput())
    date_note = forms.CharField(
        label="日期说明", max_length=200, required=False, help_text="收到日期早于本届开始日期的，须说明原因"
    )
    subject_name = forms.CharField(
        label="被反映人",
        max_length=50,
        required=False,
        help_text="同一轮次、同一单位反映同一人的线索将标注“疑似重复”",
    )
    subject_post = forms.CharField(label="被反映人职务", max_length=100, required=False)
    subject_rank = forms.CharField(label="被反映人职级", max_length=50, required=False)
    subject_is_principal = forms.BooleanField(label="主要负责人", required=False)
    subject_is_leadership = forms.BooleanField(label="班子成员", required=False)
    summary = forms.CharField(
        label="摘要", max_length=200, required=False, help_text="留空则取反映内容的前40字"
    )
    content = forms.CharField(label="反映内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    reporter_name = forms.CharField(label="姓名", max_length=50, required=False)
    reporter_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    reporter_id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    reporter_work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可多选；支持PDF、Word、Excel、WPS、文本、图片、音视频和ZIP，单个文件不超过20MB，系统保存每个文件的SHA-256校验值",
    )

    def __init__(self, *args, editing: bool = False, public_report: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if not self.is_bound and not editing:
            self.initial.setdefault("received_on", timezone.localdate())
        if editing:
            # The identity is changed only through LeadIdentityForm, by those who may reveal it, with a reason.
            for name in IDENTITY_FIELDS:
                del self.fields[name]
        if public_report:
            # The citizen's own words and channel stay as he sent them.
            self.fields["content"].disabled = True
            self.fields["channel"].disabled = True
            self.fields["channel"].required = False
        _style(self.fields)

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.HANDOVER and not data.get("partner_department"):
            self.add_error("partner_department", "部门移送的线索须选择移送部门")
        return data

    def lead_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in LEAD_FIELDS if name in self.cleaned_data}

    def identity(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in IDENTITY_FIELDS}

    def subject_fields(self):
        return [self[n] for n in ("subject_name", "subject_post", "subject_rank")]

    def identity_fields(self):
        return [self[n] for n in IDENTITY_FIELDS if n in self.fields]


class LeadIdentityForm(forms.Form):
    """Correcting the reporter's identity (office and 组长 only): write-only, with a reason."""

    reporter_name = forms.CharField(label="姓名", max_length=50, required=False)
    reporter_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    reporter_id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    reporter_work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    clear = forms.MultipleChoiceField(
        label="清空",
        required=False,
        choices=[
            ("reporter_name", "姓名"),
            ("reporter_phone", "联系电话"),
            ("reporter_id_number", "身份证号"),
            ("reporter_work_unit", "工作单位"),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选的项目将被清空（例如登记有误的信息）",
    )
    reason = forms.CharField(
        label="修改事由",
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "例如：举报人来电更正联系电话"}),
        help_text="修改记录查看人、时间、修改的项目和事由（不记录内容）",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in IDENTITY_FIELDS:
            self.fields[name].help_text = "原登记内容不在此显示；留空则保持不变，填写即覆盖"
        _style(self.fields)
        self.fields["clear"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        clear = set(data.get("clear") or ())
        if not clear and not any((data.get(name) or "").strip() for name in IDENTITY_FIELDS):
            raise forms.ValidationError("请填写要修改的举报人信息，或勾选要清空的项目")
        for name in clear:
            if (data.get(name) or "").strip():
                self.add_error(name, "同一项目不能既填写又勾选清空")
        return data

    def identity(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in IDENTITY_FIELDS}

    def identity_fields(self):
        return [self[n] for n in IDENTITY_FIELDS]


# --- triage, reveal, reply, outcome -----------------------------------------------------------------------


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.name if getattr(unit, "staff_count", 0) else f"{unit.name}（无经办人账号）"


class TriageForm(BoundedFormMixin, forms.Form):
    scope = forms.ChoiceField(
        label="受理范围",
        choices=[
            (ScopeStatus.IN_SCOPE, ScopeStatus.IN_SCOPE.label),
            (ScopeStatus.OUT_OF_SCOPE, ScopeStatus.OUT_OF_SCOPE.label),
        ],
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label="不属受理范围类别", choices=with_blank("请选择", OutOfScope.choices), required=False
    )
    handed_to = DepartmentChoiceField(
        label="归口办理部门",
        queryset=None,
        required=False,
        empty_label="请选择部门",
        help_text="有经办人账号的部门排在前面，其经办人可在系统中查看并反馈办理结果",
    )
    explanation = forms.CharField(
        label="向反映人所作解释（答复）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="网上举报件的解释将作为答复，举报人凭查询码可见",
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handed_to"].queryset = departments
        _style(self.fields)

    def clean(self):
        data = super().clean()
        if data.get("scope") == ScopeStatus.OUT_OF_SCOPE:
            if not data.get("category"):
                self.add_error("category", "请选择不属受理范围的类别")
            if not data.get("handed_to"):
                self.add_error("handed_to", "不属巡察受理范围的信访件须移交归口部门办理")
            if not (data.get("explanation") or "").strip():
                self.add_error("explanation", "请填写向反映人所作的解释")
        return data


class RevealForm(BoundedFormMixin, forms.Form):
    reason = forms.CharField(
        label="查看事由",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "例如：核实线索需联系举报人"}),
        help_text="每次查看均记录查看人、时间和事由",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)


class PublicReplyForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    conflict_fields = {"reply": "public_reply"}
    reply = forms.CharField(
        label="答复举报人",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="举报人凭查询码可见；请勿写入涉密内容或他人信息",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)


class PublicOutcomeForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    conflict_fields = {"text": "public_outcome"}
    text = forms.CharField(
        label="向举报人公开的办理结果",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="审定后举报人凭查询码可见；已按归口部门的办理结果预填，请删去涉密内容和他人信息",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)


class OutcomeForm(BoundedFormMixin, forms.Form):
    outcome = forms.CharField(
        label="办理结果",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="提交后该件即为办结，巡察组可见办理结果",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)


# --- the public report (开门巡察) ---------------------------------------------------------------------------


class PublicReportForm(BoundedFormMixin, forms.Form):
    content = forms.CharField(
        label="反映的问题",
        max_length=PUBLIC_CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": PUBLIC_CONTENT_MAX}),
        help_text=f"请写明被反映人的姓名、职务和具体问题（时间、地点、经过），不超过{PUBLIC_CONTENT_MAX}字",
    )
    name = forms.CharField(label="您的姓名", max_length=50, required=False, help_text="可不填（匿名反映）")
    phone = forms.CharField(
        label="联系电话", max_length=30, required=False, help_text="可不填；便于巡察组核实情况"
    )
    attachments = MultipleFileField(
        label="附件",
        required=False,
        public=True,
        help_text=f"最多{PUBLIC_MAX_ATTACHMENTS}个；支持PDF、Word、文本和JPG/PNG图片，单个文件不超过10MB",
    )
    # A trap for bots: hidden from people by CSS, filled in by scripts that fill in everything.
    website = forms.CharField(label="网址", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)
        self.fields["attachments"].widget.attrs["accept"] = ".pdf,.doc,.docx,.txt,.jpg,.jpeg,.png"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > PUBLIC_MAX_ATTACHMENTS:
            raise forms.ValidationError(f"最多上传{PUBLIC_MAX_ATTACHMENTS}个附件")
        return files

    @property
    def is_trap(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class ReceiptQueryForm(BoundedFormMixin, forms.Form):
    code = forms.CharField(
        label="查询码",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "例如：ABCD-EFGH-JKLM-NPQR", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)
        self.fields["code"].widget.attrs["class"] += " form-control-lg receipt-input"


# --- list filters ------------------------------------------------------------------------------------------


def _team_label(team) -> str:
    return f"{team.round.short_name}{team.name}"


# What the lead lists' filter options are made of (with who sees them: the `clues.lead` scope of xuncha.access).
FILTER_TRACKED = (
    Lead, Round, Term, Team, TeamMember, Unit, TransferItem, TransferBatch, LeadUserObjectPermission,
    TransferBatchUserObjectPermission, AssignmentUserObjectPermission,
)  # fmt: skip


class LeadFilter(ListFilter):
    """The lead list's filter bar: `q` searches the summary and the person reported on; `duplicates`
    keeps the leads flagged 疑似重复 (the selector annotates `is_duplicate`)."""

    q = django_filters.CharFilter(label="搜索", method="search")
    round = django_filters.ModelChoiceFilter(label="轮次", queryset=Round.objects.none(), empty_label="全部轮次")
    team = django_filters.ModelChoiceFilter(label="巡察组", queryset=Team.objects.none(), empty_label="全部巡察组")
    unit = django_filters.ModelChoiceFilter(label="被巡察单位", queryset=Unit.objects.none(), empty_label="全部单位")
    channel = django_filters.ChoiceFilter(label="来源渠道", choices=Channel.choices, empty_label="全部渠道")
    scope = django_filters.ChoiceFilter(label="受理范围", choices=ScopeStatus.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="状态", choices=LeadStatus.choices, empty_label="全部状态")
    duplicates = django_filters.BooleanFilter(
        label="只看疑似重复", widget=forms.CheckboxInput, method="only_duplicates"
    )
    # 待办 (the workbench's links): whose it is depends on the user, so `clues.selectors.queues` narrows.
    queue = django_filters.ChoiceFilter(
        label="待办", choices=[("triage", "待甄别")], empty_label="全部", method="by_selector"
    )

    class Meta:
        model = Lead
        fields = ["q", "round", "team", "unit", "channel", "scope", "status", "duplicates", "queue"]

    def __init__(self, data=None, *args, rounds=None, teams=None, units=None, cache_key=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        if rounds is None:
            return
        fields = self.form.fields
        fields["round"].queryset = rounds
        fields["round"].label_from_instance = str
        fields["team"].queryset = teams
        fields["team"].label_from_instance = _team_label
        fields["unit"].queryset = units
        cache_model_choices(self.form, ["round", "team", "unit"], tracked=FILTER_TRACKED, key=cache_key)
        _style(fields, small=True)
        fields["q"].widget.attrs["placeholder"] = "摘要或被反映人"

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(summary__icontains=value) | Q(subject_name__icontains=value))

    def only_duplicates(self, queryset, name, value):
        return queryset.filter(is_duplicate=True) if value else queryset

    def by_selector(self, queryset, name, value):
        return queryset  # `clues.selectors.intake.lead_list` applies the queue, with the user


class HandoverFilter(ListFilter):
    """归口办理's filter bar: `q` searches the summary and the inspected unit's name."""

    q = django_filters.CharFilter(label="搜索", method="search")
    status = django_filters.ChoiceFilter(
        label="办理状态",
        choices=[(LeadStatus.HANDED_OVER, "待办理"), (LeadStatus.CLOSED, "已办结")],
        empty_label="全部",
    )

    class Meta:
        model = Lead
        fields = ["q", "status"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        _style(self.form.fields, small=True)
        self.form.fields["q"].widget.attrs["placeholder"] = "摘要或被巡察单位"

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(summary__icontains=value) | Q(unit__name__icontains=value))
