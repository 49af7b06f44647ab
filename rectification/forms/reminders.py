"""The office's 催办 of units, from the list of rectifications."""

from django import forms

from xuncha.core.bulk import BulkSelectionForm


class BulkRemindForm(BulkSelectionForm):
    note = forms.CharField(label="催办说明（选填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
