"""Forms of the round, milestone, assignment and announcement pages, and their list filters.

The forms check the shape of the input only; whether the thing may be done is the services' answer
(a DomainError the view turns into a form error), so model-level uniqueness and constraint checks are
left to the services too.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.forms.models import construct_instance

from rounds.models import (
    MILESTONE_ORDER,
    Announcement,
    Assignment,
    Milestone,
    Round,
    RoundKind,
    RoundStatus,
    Term,
)
from rounds.selectors.rounds import (
    assignable_teams,
    assignable_units,
    lookback_candidates,
    public_rounds,
    round_filter_choices,
    round_search,
    team_filter_choices,
)
from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.filters import ListFilter
from xuncha.core.forms import BoundedFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _style(fields, *, small: bool = False) -> None:
    """Bootstrap classes on every widget."""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm" if small else "form-select")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm" if small else "form-control")


class ServiceModelForm(BoundedFormMixin, forms.ModelForm):
    """A ModelForm whose instance is saved by a service, which also decides uniqueness and constraints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.fields)

    def _post_clean(self):
        # ModelForm's, without its uniqueness and constraint checks: the service answers those, in the
        # words of the work ("第十五届县委已有第3轮"), where Django would name the constraint.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            self._update_errors(exc)


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


# --- rounds -----------------------------------------------------------------------------------------


class RoundForm(VersionedFormMixin, OnceFormMixin, ServiceModelForm):
    revisit_of = RoundChoiceField(
        label="回头看的轮次",
        queryset=Round.objects.none(),
        required=False,
        help_text="回头看必选：选择所回头看的、已进驻的轮次",
    )

    class Meta:
        model = Round
        fields = [
            "term",
            "number",
            "kind",
            "theme",
            "revisit_of",
            "planned_start",
            "planned_end",
            "plan_note",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "plan_note": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"number": "本届的第几轮巡察"}

    number_note = forms.CharField(
        label="轮次号说明", max_length=200, required=False, help_text="轮次号跳过本届未用的轮次号时须说明原因"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["number_note"]  # asked when a round is created
        self.fields["term"].queryset = Term.objects.order_by("-start_date")
        self.fields["revisit_of"].queryset = lookback_candidates(exclude=self.instance)
        self.fields["number"].widget.attrs["min"] = 1


# --- milestones -------------------------------------------------------------------------------------


class MilestoneForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    planned_date = forms.DateField(label="计划日期", required=False, widget=DateInput())
    actual_date = forms.DateField(label="实际日期", required=False, widget=DateInput())
    note = forms.CharField(label="备注", max_length=200, required=False)

    only_when_changed = True

    def __init__(self, *args, milestone: Milestone, **kwargs):
        self.milestone = milestone
        super().__init__(*args, versioned=milestone, **kwargs)
        _style(self.fields, small=True)


class BaseMilestoneFormSet(BaseFormSet):
    """One row per milestone of the round, in the order of the work; the rows are fixed, not added."""

    def __init__(self, *args, milestones: list[Milestone], **kwargs):
        self.milestones = sorted(milestones, key=lambda m: MILESTONE_ORDER.index(m.kind))
        kwargs.setdefault(
            "initial",
            [
                {"planned_date": m.planned_date, "actual_date": m.actual_date, "note": m.note}
                for m in self.milestones
            ],
        )
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        return len(self.milestones)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["milestone"] = self.milestones[index]
        return kwargs


MilestoneFormSet = formset_factory(MilestoneForm, formset=BaseMilestoneFormSet, extra=0)


# --- assignments ------------------------------------------------------------------------------------


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _unit_label(unit) -> str:
    return f"{unit.name}（{unit.parent.name}下属）" if unit.parent_id else unit.name


class AssignmentForm(VersionedFormMixin, OnceFormMixin, ServiceModelForm):
    team = TeamChoiceField(label="巡察组", queryset=None, empty_label="请选择巡察组")

    class Meta:
        model = Assignment
        fields = ["team", "unit", "mode", "onsite_start", "onsite_end", "note"]
        widgets = {"onsite_start": DateInput(), "onsite_end": DateInput()}
        help_texts = {"mode": "提级巡察的对象须为村/社区；延伸巡察的对象须为有上级单位的下属单位"}

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.round = round
        self.fields["team"].queryset = assignable_teams(round)
        keep = self.instance.unit if self.instance.pk else None
        units = assignable_units(round, keep=keep)
        field = self.fields["unit"]
        field.queryset = units
        # Grouped by unit type (optgroups); the queryset still decides what is valid.
        groups: dict[str, list] = {}
        for unit in units:
            groups.setdefault(unit.get_unit_type_display(), []).append((unit.pk, _unit_label(unit)))
        field.choices = [("", "请选择被巡察单位"), *groups.items()]
        field.help_text = "仅列出在用且本轮尚未安排巡察的单位" + (
            f"（回头看：限于{round.revisit_of}巡察过的单位）"
            if round.kind == RoundKind.LOOKBACK and round.revisit_of_id
            else ""
        )
        field.widget.attrs["data-searchable"] = "1"
        if not units:
            field.help_text = "没有可安排的单位：在用单位均已在本轮安排巡察"


# --- announcements ----------------------------------------------------------------------------------


class AnnouncementForm(VersionedFormMixin, ServiceModelForm):
    class Meta:
        model = Announcement
        fields = ["start_date", "end_date", "phone", "mailbox", "email", "accepted_scope"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "accepted_scope": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "start_date": "默认为进驻开始日期",
            "end_date": "默认为进驻结束日期，即受理截止日期",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft may be saved without the contacts; publishing requires them (the service checks).
        self.fields["phone"].required = False
        self.fields["phone"].help_text = "发布前必填"
        self.fields["mailbox"].help_text = "邮政信箱和电子邮箱发布前至少填写一项"


# --- list filters -----------------------------------------------------------------------------------
# An invalid value (a stale link) is dropped from the form's cleaned data, so the other filters still
# apply: the way the hand-written filter forms behaved.


class _Filter(ListFilter):
    widget_style = None  # full-size widgets, check boxes styled too (_style)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.form.fields)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(**{self.search_path: value}) if value else queryset


class RoundFilter(_Filter):
    q = django_filters.CharFilter(method="search_rounds", label="关键词")
    term = django_filters.ModelChoiceFilter(
        queryset=Term.objects.order_by("-start_date"), empty_label="全部届次", label="届次"
    )
    kind = django_filters.ChoiceFilter(choices=RoundKind.choices, empty_label="全部类型", label="巡察类型")
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, empty_label="全部阶段", label="阶段")
    placeholders = {"q": "轮次、主题或单位名称"}

    class Meta:
        model = Round
        fields = ["q", "term", "kind", "status"]

    def search_rounds(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(round_search(self.request.user, value)) if value else queryset


class AssignmentFilter(_Filter):
    q = django_filters.CharFilter(method="search", label="被巡察单位")
    round = django_filters.ModelChoiceFilter(
        queryset=lambda request: round_filter_choices(request.user), empty_label="全部轮次", label="轮次"
    )
    team = django_filters.ModelChoiceFilter(
        queryset=lambda request: team_filter_choices(request.user, round=_digits(request.GET.get("round"))),
        empty_label="全部巡察组",
        label="巡察组",
    )
    status = django_filters.ChoiceFilter(
        field_name="round__status", choices=RoundStatus.choices, empty_label="全部阶段", label="阶段"
    )
    search_path = "unit__name__icontains"
    placeholders = {"q": "被巡察单位名称"}

    class Meta:
        model = Assignment
        fields = ["q", "round", "team", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["round"].label_from_instance = str
        self.form.fields["team"].label_from_instance = lambda t: f"{t.round.short_name}{t.name}"


class PublicFilter(_Filter):
    q = django_filters.CharFilter(method="search", label="被巡察单位")
    round = django_filters.ModelChoiceFilter(
        field_name="assignment__round", queryset=lambda request: public_rounds(), empty_label="全部轮次", label="轮次"
    )
    search_path = "assignment__unit__name__icontains"
    placeholders = {"q": "按被巡察单位名称搜索"}

    class Meta:
        model = Announcement
        fields = ["q", "round"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["round"].label_from_instance = str


def _digits(value) -> str | None:
    return value if value and str(value).isdigit() else None
