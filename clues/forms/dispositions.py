"""Forms of the disposition pages (线索处置) and the queue's filter bar.

They check the shape of the input; whether the thing may be done is the services' answer (a
DomainError the view shows as a form error), so a refused form keeps everything the user typed.
"""

from django import forms

from clues.forms.transfers import FilterForm, RoundChoiceField, TeamChoiceField, _any
from clues.models import Disposition
from rounds.models import Round
from teams.models import Team
from xuncha.core.forms import style_fields

# --- dispositions -------------------------------------------------------------------------------------


class DispositionProposeForm(forms.Form):
    disposition = forms.ChoiceField(label="处置方式", choices=_any("请选择", Disposition.choices))
    reason = forms.CharField(
        label="处置理由",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="说明提出该处置方式的依据，例如问题性质、涉及人员层级、已掌握的证据情况。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class DispositionConfirmForm(forms.Form):
    """The office confirms (possibly another disposition) or returns with a reason."""

    disposition = forms.ChoiceField(label="确认处置方式", choices=Disposition.choices)
    reason = forms.CharField(
        label="退回理由",
        required=False,
        max_length=95,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回时必填，组长将看到该理由。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class DispositionQueueFilterForm(FilterForm):
    q = forms.CharField(required=False, label="搜索")
    round = RoundChoiceField(queryset=Round.objects.none(), required=False, empty_label="全部轮次")
    team = TeamChoiceField(queryset=Team.objects.none(), required=False, empty_label="全部巡察组")
    disposition = forms.ChoiceField(required=False, choices=_any("全部处置方式", Disposition.choices))

    def __init__(self, *args, rounds, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["team"].queryset = teams
        style_fields(self.fields, small=True)
        self.fields["q"].widget.attrs["placeholder"] = "摘要、被反映人或单位"
