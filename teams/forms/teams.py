"""Forms of the team pages. They parse input; the rules (recusal, one team per round, one 组长) are the
services' and come back as messages with every reason."""

from django import forms
from django.core.exceptions import ValidationError

from xuncha.core.concurrency import OnceFormMixin, VersionedFormMixin
from xuncha.core.forms import BoundedFormMixin

from ..models import Cadre, MemberRole, Team, TeamMember
from ..selectors import (
    cadres_to_add,
    earlier_inspections,
    noted_cadre_ids,
    recusal_unit_ids,
    team_assignments,
)


class CadreChoiceField(forms.ModelChoiceField):
    """Offers the cadres that fit, but accepts any cadre, so that a choice made stale by a colleague (he
    has since joined another team) reaches the service, whose refusal names the other team."""

    def __init__(self, *args, lookup_queryset, **kwargs):
        self.lookup_queryset = lookup_queryset
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.lookup_queryset.get(pk=value)
        except (ValueError, TypeError, Cadre.DoesNotExist) as exc:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from exc


class TeamMemberAddForm(BoundedFormMixin, OnceFormMixin, forms.Form):
    cadre = CadreChoiceField(
        label="巡察干部",
        queryset=Cadre.objects.none(),
        lookup_queryset=Cadre.objects.select_related("home_unit"),
        empty_label="请选择干部",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        label="组内职务",
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    duty = forms.CharField(
        label="任务分工",
        max_length=TeamMember._meta.get_field("duty").max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "例如：负责财务资料查阅"}),
    )

    def __init__(self, *args, team: Team, assigned_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assigned_units is None:
            assigned_units = [a.unit for a in team_assignments(team)]
        recused = recusal_unit_ids(assigned_units)
        field = self.fields["cadre"]
        field.queryset = cadres_to_add(team)
        inspected_before = set(
            earlier_inspections(assigned_units, exclude_round_id=team.round_id).values_list("cadre_id", flat=True)
        ) | set(noted_cadre_ids(assigned_units))

        def label(cadre: Cadre) -> str:
            text = f"{cadre.name}（{cadre.home_unit.name}）"
            if cadre.post:
                text += f" {cadre.post}"
            if cadre.specialty_list or cadre.specialty:
                text += f" · {'、'.join(cadre.specialty_list) or cadre.specialty}"
            # in front, so a narrow select still shows it
            if cadre.home_unit_id in recused:
                return f"〔须回避〕{text}"
            return f"〔曾巡察〕{text}" if cadre.pk in inspected_before else text

        field.label_from_instance = label


class TeamMemberForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    """A member's role and duty (a plain form: the member is changed only by the service)."""

    role = forms.ChoiceField(
        label="组内职务", choices=MemberRole.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    duty = forms.CharField(
        label="任务分工",
        max_length=TeamMember._meta.get_field("duty").max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class TeamNoteForm(BoundedFormMixin, VersionedFormMixin, OnceFormMixin, forms.Form):
    note = forms.CharField(
        label="任务分工说明",
        required=False,
        widget=forms.Textarea(
            attrs={
                "class": "form-control",
                "rows": 5,
                "placeholder": "例如：组长负责全面工作，副组长负责谈话和信访……",
            }
        ),
    )
