"""The office's bulk forms on a round: a town with its villages in one step (乡镇连同所属村/社区),
and the announcements of a team or the round from one template (批量生成公告)."""

from django import forms

from rounds.forms.rounds import DateInput, TeamChoiceField, _style
from rounds.models import DEFAULT_ACCEPTED_SCOPE, Assignment, AssignmentMode, Round, Unit, UnitType
from rounds.selectors.rounds import assignable_teams, assignable_units
from xuncha.core.bulk import BulkSelectionForm
from xuncha.core.concurrency import OnceFormMixin
from xuncha.core.forms import BoundedFormMixin

M = AssignmentMode
TOWN_MODES = [(M.REGULAR.value, M.REGULAR.label), (M.TARGETED.value, M.TARGETED.label)]
VILLAGE_MODES = [(m.value, m.label) for m in (M.REGULAR, M.ELEVATED, M.EXTENDED, M.TARGETED)]
VILLAGE_DEFAULT = M.EXTENDED


def towns(round: Round):
    """The townships the office may pick: active ones (their villages are listed once one is chosen)."""
    return Unit.objects.filter(unit_type=UnitType.TOWNSHIP, is_active=True).order_by("name")


class TownPickForm(BoundedFormMixin, forms.Form):
    """Step one (GET): which team goes to which town."""

    team = TeamChoiceField(label="巡察组", queryset=None, empty_label="请选择巡察组")
    town = forms.ModelChoiceField(label="乡镇", queryset=None, empty_label="请选择乡镇")

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = assignable_teams(round)
        self.fields["town"].queryset = towns(round)
        self.fields["town"].widget.attrs["data-searchable"] = "1"
        _style(self.fields)


class TownRow:
    """One row of the table: the unit, its check box and mode (or why it cannot be chosen)."""

    def __init__(self, unit, include=None, mode=None, taken_by: str = ""):
        self.unit, self.include, self.mode, self.taken_by = unit, include, mode, taken_by


class TownAssignForm(OnceFormMixin, BoundedFormMixin, forms.Form):
    """Step two (POST): the town and each of its villages, each with a check box and a mode; one
    on-site period for all."""

    team = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    town = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    onsite_start = forms.DateField(label="进驻开始", required=False, widget=DateInput())
    onsite_end = forms.DateField(label="进驻结束", required=False, widget=DateInput())
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, round: Round, town: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.round, self.town = round, town
        self.town_unit = town
        self.fields["team"].queryset = assignable_teams(round)
        self.fields["town"].queryset = towns(round)
        free = set(assignable_units(round).filter(pk__in=[town.pk, *town.children.values_list("pk", flat=True)]).values_list("pk", flat=True))
        taken = {
            a.unit_id: a.team.name
            for a in Assignment.objects.filter(round=round, unit__in=[town, *town.children.all()]).select_related("team")
        }
        self.rows: list[TownRow] = []
        villages = town.children.filter(is_active=True).order_by("name")
        for unit in [town, *villages]:
            if unit.pk not in free:
                self.rows.append(TownRow(unit, taken_by=taken.get(unit.pk, "")))
                continue
            is_town = unit.pk == town.pk
            choices = TOWN_MODES if is_town else VILLAGE_MODES
            self.fields[f"include_{unit.pk}"] = forms.BooleanField(
                required=False, initial=True, label=f"巡察{unit.name}"
            )
            self.fields[f"mode_{unit.pk}"] = forms.ChoiceField(
                choices=choices,
                required=False,  # only a ticked row needs one (see clean)
                initial=M.REGULAR if is_town else VILLAGE_DEFAULT,
                label=f"{unit.name}的巡察方式",
            )
            self.rows.append(TownRow(unit, self[f"include_{unit.pk}"], self[f"mode_{unit.pk}"]))
        _style(self.fields)

    def clean(self):
        data = super().clean()
        if data.get("town") and data["town"].pk != self.town.pk:
            raise forms.ValidationError("乡镇已变更，请重新选择")
        for row in self.rows:
            if row.include is not None and data.get(f"include_{row.unit.pk}") and not data.get(f"mode_{row.unit.pk}"):
                self.add_error(f"mode_{row.unit.pk}", f"请选择{row.unit.name}的巡察方式")
        if not self.chosen():
            raise forms.ValidationError("请至少勾选一个单位")
        return data

    def chosen(self) -> list[tuple[Unit, str]]:
        data = getattr(self, "cleaned_data", {})
        return [
            (row.unit, data.get(f"mode_{row.unit.pk}"))
            for row in self.rows
            if row.include is not None and data.get(f"include_{row.unit.pk}")
        ]


class AnnouncementTemplateForm(BulkSelectionForm):
    """批量生成公告: one template for the chosen assignments' announcements."""

    start_date = forms.DateField(label="受理开始", required=False, widget=DateInput(), help_text="留空则按各任务的进驻开始日期")
    end_date = forms.DateField(label="受理截止", required=False, widget=DateInput(), help_text="留空则按各任务的进驻结束日期")
    phone = forms.CharField(label="值班电话", max_length=50)
    mailbox = forms.CharField(label="邮政信箱", max_length=100, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    accepted_scope = forms.CharField(
        label="受理范围", initial=DEFAULT_ACCEPTED_SCOPE, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    publish = forms.BooleanField(
        label="生成后立即发布（不勾选则保存为草稿，可逐个修改后再发布）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "受理截止日期不能早于受理开始日期")
        return data

    def template(self) -> dict:
        keys = ("start_date", "end_date", "phone", "mailbox", "email", "accepted_scope")
        return {k: self.cleaned_data.get(k) for k in keys}
