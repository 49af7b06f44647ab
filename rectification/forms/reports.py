"""Forms of the report pages: the draft (with a row per measure), correction, signing, supervision
comments, the two meetings, and the supervision list's filter bar.

They check the shape of the input; whether the thing may be done is the services' answer (a DomainError
the view shows as a form error or a message), so a refused form keeps what the user typed.
"""

import django_filters
from django import forms

from rectification.models import ProgressLevel, ReportVersion, VersionStatus
from rounds.models import Round
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter
from xuncha.core.forms import BoundedFormMixin, MultipleFileField, style_fields


class VersionForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    """A draft: the summary, the principal's report, and per entry its progress, narrative and new files.

    The per-entry fields are named after the measure: progress_<id>, narrative_<id>, files_<id>; an
    evidence file already attached is removed by ticking `remove` (its id)."""

    summary = forms.CharField(
        label="整改工作情况",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="本期整改工作总体情况：组织领导、推进措施、取得成效、存在问题和下一步打算。报送时必填。",
    )
    principal_report = forms.CharField(
        label="主要负责人组织落实整改情况",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="主要负责人履行整改第一责任人职责、亲自部署推动整改的情况（双报告）。报送时必填。",
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        for entry in self.entries:
            mid = entry.measure_id
            self.fields[f"progress_{mid}"] = forms.ChoiceField(
                label=f"措施{entry.measure.number}进展", choices=ProgressLevel.choices, initial=entry.progress
            )
            self.fields[f"narrative_{mid}"] = forms.CharField(
                label=f"措施{entry.measure.number}进展情况",
                required=False,
                max_length=10000,
                initial=entry.narrative,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"files_{mid}"] = MultipleFileField(label="上传佐证材料", required=False)
        style_fields(self.fields)

    def rows(self):
        """(entry, progress field, narrative field, files field) per measure, for the template."""
        return [
            (
                e,
                self[f"progress_{e.measure_id}"],
                self[f"narrative_{e.measure_id}"],
                self[f"files_{e.measure_id}"],
            )
            for e in self.entries
        ]

    def entry_values(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            e.measure_id: (data[f"progress_{e.measure_id}"], data[f"narrative_{e.measure_id}"])
            for e in self.entries
        }

    def entry_files(self) -> list[tuple[object, list]]:
        return [(e, self.cleaned_data.get(f"files_{e.measure_id}") or []) for e in self.entries]


class CorrectionForm(BoundedFormMixin, forms.Form):
    correction_note = forms.CharField(
        label="更正原因",
        max_length=300,
        error_messages={"required": "请说明更正原因"},
        widget=forms.TextInput(attrs={"placeholder": "例如：措施2.1的完成情况填写有误"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, small=True)


class SignForm(BoundedFormMixin, forms.Form):
    password = forms.CharField(
        label="登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "请输入登录密码"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields, small=True)


class CommentForm(BoundedFormMixin, OnceFormMixin, forms.Form):
    body = forms.CharField(
        label="监督意见",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "对本期报告的监督意见、督促事项或要求"}),
        error_messages={"required": "请填写监督意见"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class MeetingForm(BoundedFormMixin, OnceFormMixin, forms.Form):
    date = forms.DateField(
        label="会议日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    participants = forms.CharField(
        label="参加人员",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="列明参加会议的单位和人员",
    )
    minutes = forms.CharField(
        label="会议纪要",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="会议主要内容、听取或查摆的问题、提出的意见和整改要求",
    )
    date_note = forms.CharField(
        label="日期说明",
        max_length=200,
        required=False,
        help_text="会议日期距集中整改第二个月月末超过10天的，须说明原因",
    )

    def __init__(self, *args, hearing: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not hearing:
            del self.fields["date_note"]
        style_fields(self.fields)


class SupervisionFilter(ListFilter):
    """整改监督: the filter bar over the latest sent versions (the unit and the round also narrow the
    overdue reports and the count above the list, see `selectors.reports.supervision_rects`)."""

    placeholders = {"q": "被巡察单位名称"}

    q = django_filters.CharFilter(label="单位", field_name="report__rectification__unit__name", lookup_expr="icontains")
    round = django_filters.ModelChoiceFilter(
        label="轮次", queryset=Round.objects.none(), empty_label="全部轮次", field_name="report__rectification__round"
    )
    signed = django_filters.ChoiceFilter(
        label="签字",
        choices=[("yes", "已签字背书"), ("no", "已报送待签字")],
        empty_label="全部签字状态",
        method="signed_in",
    )
    commented = django_filters.ChoiceFilter(
        label="监督意见",
        choices=[("mine", "我已提出意见"), ("not_mine", "我未提出意见")],
        empty_label="全部",
        method="commented_in",
    )

    class Meta:
        model = ReportVersion
        fields = ["q", "round", "signed", "commented"]

    def __init__(self, data=None, *args, rounds, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["round"].queryset = rounds

    def signed_in(self, queryset, name, value):
        return queryset.filter(status=VersionStatus.SIGNED if value == "yes" else VersionStatus.SUBMITTED)

    def commented_in(self, queryset, name, value):
        """On a queryset annotated with `commented_by_me` (the selector's)."""
        return queryset.filter(commented_by_me=value == "mine")
