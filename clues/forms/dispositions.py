"""Forms of the disposition pages (线索处置) and the queue's filter bar.

They check the shape of the input; whether the thing may be done is the services' answer (a
DomainError the view shows as a form error), so a refused form keeps everything the user typed.
"""

import django_filters
from django import forms
from django.db.models import Q

from clues.forms import ListFilter
from clues.models import Disposition, Lead
from rounds.models import Round
from teams.models import Team
from xuncha.core.forms import BoundedFormMixin, style_fields, with_blank

# --- dispositions -------------------------------------------------------------------------------------


class DispositionProposeForm(BoundedFormMixin, forms.Form):
    disposition = forms.ChoiceField(label="处置方式", choices=with_blank("请选择", Disposition.choices))
    reason = forms.CharField(
        label="处置理由",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="说明提出该处置方式的依据，例如问题性质、涉及人员层级、已掌握的证据情况。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)


class DispositionConfirmForm(BoundedFormMixin, forms.Form):
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


class DispositionQueueFilter(ListFilter):
    """The queue's filter bar. `q` searches the summary, the person reported on and the unit;
    `disposition` is the confirmed one on the 已确认处置 tab, the proposed one on the others."""

    q = django_filters.CharFilter(label="搜索", method="search")
    round = django_filters.ModelChoiceFilter(label="轮次", queryset=Round.objects.none(), empty_label="全部轮次")
    team = django_filters.ModelChoiceFilter(label="巡察组", queryset=Team.objects.none(), empty_label="全部巡察组")
    disposition = django_filters.ChoiceFilter(
        label="处置方式", choices=Disposition.choices, empty_label="全部处置方式", method="disposed_as"
    )

    class Meta:
        model = Lead
        fields = ["q", "round", "team", "disposition"]

    def __init__(self, data=None, *args, rounds=None, teams=None, tab: str = "", **kwargs):
        super().__init__(data, *args, **kwargs)
        self.tab = tab
        if rounds is None:
            return
        fields = self.form.fields
        fields["round"].queryset = rounds
        fields["round"].label_from_instance = str
        fields["team"].queryset = teams
        fields["team"].label_from_instance = lambda t: f"{t.round.short_name}{t.name}"
        style_fields(fields, small=True)
        fields["q"].widget.attrs["placeholder"] = "摘要、被反映人或单位"

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(summary__icontains=value) | Q(subject_name__icontains=value) | Q(unit__name__icontains=value)
        )

    def disposed_as(self, queryset, name, value):
        return queryset.filter(**{"disposition" if self.tab == "confirmed" else "proposed_disposition": value})
