"""Forms of the quality evaluation: the filter bar, the weights, the score sheet of a team.

They check the shape of the input; the rules are the services' (a DomainError shown as a form error)."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from rounds.models import Round, Term
from xuncha.core.concurrency import VERSION_FIELD, ChangedField, Conflict, VersionedFormMixin
from xuncha.core.forms import BoundedFormMixin, style_fields

HUNDRED = Decimal(100)


def _percent(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.short_name}巡察（{obj.get_status_display()}）"


class QualityFilterForm(BoundedFormMixin, forms.Form):
    """届次 and 轮次: a round ranks its teams; "全部轮次" ranks every evaluated team of the term."""

    term = forms.ModelChoiceField(
        label="届次", queryset=Term.objects.none(), required=False, empty_label=None
    )
    round = RoundChoiceField(
        label="轮次", queryset=Round.objects.none(), required=False, empty_label="全部轮次（全届排名）"
    )

    def __init__(self, *args, terms, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["round"].queryset = rounds
        style_fields(self.fields, small=True)

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v}


class QualitySettingsForm(BoundedFormMixin, VersionedFormMixin, forms.Form):
    leadership_weight = _percent("巡察工作领导小组评分权重（%）")
    office_weight = _percent("巡察办评分权重（%）")
    unit_weight = _percent("被巡察单位评分权重（%）")
    talk_threshold = _percent(
        "约谈线（分）", help_text="评分齐全且综合得分低于此分的巡察组，标注“建议约谈”，约谈相关责任人。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self.fields)

    def clean(self):
        data = super().clean()
        weights = [data.get(k) for k in ("leadership_weight", "office_weight", "unit_weight")]
        if all(w is not None for w in weights):
            total = sum(weights, Decimal(0))
            if total != HUNDRED:
                raise forms.ValidationError(f"三项评分权重之和应为100%，当前为{total.normalize():f}%")
        return data


class TeamScoresForm(BoundedFormMixin, forms.Form):
    """The leadership group's and the office's score, and one score per inspected unit, each with a note.
    A blank score is no score (an existing one is removed).

    The sheet carries the stamp of the scores it was loaded with (its hidden `version`): a save over another
    office user's change is refused by the service and shown here (`refuse_stale`) with their values
    beside the ones typed, which stay in the form; saving again applies them knowingly."""

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = list(units)
        self.conflict: Conflict | None = None
        for prefix, label in (("leadership", "领导小组评分"), ("office", "巡察办评分")):
            self.fields[f"{prefix}_score"] = _percent(label, required=False)
            self.fields[f"{prefix}_note"] = self._note()
        for unit in self.units:
            self.fields[f"unit_{unit.pk}_score"] = _percent(f"{unit.name}评分", required=False)
            self.fields[f"unit_{unit.pk}_note"] = self._note()
        style_fields(self.fields)
        for name, f in self.fields.items():
            if name.endswith("_score"):
                f.widget.attrs.update({"placeholder": "0–100", "class": "form-control text-end"})
            else:
                f.widget.attrs["placeholder"] = "评价意见（选填）"
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    @staticmethod
    def _note() -> forms.CharField:
        return forms.CharField(
            required=False, max_length=300, label="评价意见", widget=forms.Textarea(attrs={"rows": 1})
        )

    def clean(self):
        data = super().clean()
        for name in list(self.fields):
            if name.endswith("_note") and data.get(name):
                score_name = name.removesuffix("_note") + "_score"
                if data.get(score_name) is None and score_name not in self.errors:
                    self.add_error(score_name, "填写了评价意见，请同时填写评分")
        return data

    @property
    def expected_stamp(self) -> str | None:
        """The stamp the page was loaded with; None if the post carried none (nothing to check)."""
        return (self.cleaned_data.get(VERSION_FIELD) or "").strip() or None

    def refuse_stale(self, current_stamp: str, scores, last_change) -> None:
        """Show what the other person saved beside what the user typed, for each entry that differs,
        and carry the fresh stamp so that saving again applies the typed sheet over theirs."""
        saved = {(s.source, s.unit_id): s for s in scores}
        entries = [("leadership", "领导小组评分", ("leadership", None)), ("office", "巡察办评分", ("office", None))]
        entries += [(f"unit_{u.pk}", f"{u.name}评分", ("unit", u.pk)) for u in self.units]
        changed = []
        for prefix, label, key in entries:
            row = saved.get(key)
            theirs = _sheet_entry(row.score if row else None, row.note if row else "")
            yours = _sheet_entry(self.cleaned_data.get(f"{prefix}_score"), self.cleaned_data.get(f"{prefix}_note"))
            if theirs != yours:
                changed.append(ChangedField(label, theirs, yours))
        who, when = "他人", "刚才"
        if last_change is not None:
            user, moment = last_change
            if user is not None:
                who = getattr(user, "display_name", "") or user.get_username()
            when = date_format(timezone.localtime(moment), "Y-m-d H:i:s")
        self.conflict = Conflict(who=who, when=when, fields=changed)
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = current_stamp
        self.add_error(None, f"保存未成功：在您打开此页面之后，{who}于{when}修改了本组的评分")

    def unit_rows(self):
        """(unit, score field, note field) for the template."""
        return [(u, self[f"unit_{u.pk}_score"], self[f"unit_{u.pk}_note"]) for u in self.units]

    def entries(self) -> dict:
        """The scores as the service takes them (the stamp is passed on its own)."""
        data = self.cleaned_data
        return {
            "leadership": (data.get("leadership_score"), data.get("leadership_note", "")),
            "office": (data.get("office_score"), data.get("office_note", "")),
            "units": {
                u: (data.get(f"unit_{u.pk}_score"), data.get(f"unit_{u.pk}_note", "")) for u in self.units
            },
        }


def _sheet_entry(score, note) -> str:
    if score is None:
        return "（无评分）"
    text = f"{Decimal(score).normalize():f}分"
    return f"{text}：{note}" if note else text
