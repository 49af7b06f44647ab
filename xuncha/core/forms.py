"""Form pieces every app's forms share."""

from django import forms

from .errors import DomainError


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """A service's refusal as form errors: the message, then every reason on its own line."""
    form.add_error(None, exc.message)
    for reason in exc.reasons:
        form.add_error(None, reason)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, cleaned to a list; each is checked (size, type, content) by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def style_fields(fields, *, small: bool = False) -> None:
    """Bootstrap classes on a form's widgets: form-select on selects, form-control on the rest; check
    boxes and radio buttons keep their own markup. `small` for the compact filter bars."""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm" if small else "form-select")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm" if small else "form-control")
