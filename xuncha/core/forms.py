"""Form pieces every app's forms share."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from xuncha.errors import DomainError

from . import aggregates
from .concurrency import add_form_refusal
from .uploads import upload_accept

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html renders: True as a bare name, False left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


class FormRenderer(DjangoTemplates):
    """Django's form renderer, except that a plain <select> is written in Python. The template renders
    every <option> through two included templates, about 0.1 ms each: the filter bars' lists of 300
    units and 60 teams cost more than the rest of a ledger page. The markup is the template's."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is None or any(
            option["template_name"] != OPTION_TEMPLATE for _, options, _ in widget["optgroups"] for option in options
        ):
            return super().render(template_name, context, request)
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """A service's refusal as form errors: the message, then every reason on its own line; a save over
    someone else's change shows both versions (xuncha.core.concurrency)."""
    add_form_refusal(form, exc)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, cleaned to a list; each is checked (size, type, content) by the service.
    The input offers what check_upload accepts (`public` for a citizen's upload), photos from the camera
    included."""

    def __init__(self, *args, public: bool = False, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": upload_accept(public=public)}))
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


class PrerenderedSelect(forms.Select):
    """A <select> whose options were rendered once (`cache_model_choices`); rendering marks the selected
    one in that markup instead of building every option again."""

    options_html = ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        needle = f'<option value="{conditional_escape("" if value is None else value)}">'
        options = self.options_html.replace(needle, needle[:-1] + " selected>", 1)
        return mark_safe(f'<select name="{conditional_escape(name)}"{_attrs(attrs)}>{options}\n</select>')  # noqa: S308


def _options_html(choices) -> str:
    parts = []
    for value, label in choices:
        parts.append(f'\n  <option value="{conditional_escape(value)}">{conditional_escape(label)}</option>')
    return "".join(parts)


def cache_model_choices(form: forms.BaseForm, names, *, tracked, key=None) -> None:
    """Render the named ModelChoiceFields' options once per query and keep them in the cache
    (xuncha.core.aggregates) until a tracked model changes. A filter bar lists every unit and team the
    user may see: hundreds of rows to load, label and escape on each page view otherwise. Validation
    still reads the field's queryset, so a stale option can never select a row the user may not see.
    `key`: what decides the querysets (aggregates.visibility_key(user)); by default their compiled SQL."""
    for name in names:
        field = form.fields[name]
        if key is None:
            sql, params = field.queryset.query.sql_with_params()
            parts = (sql, repr(params))
        else:
            parts = tuple(key)

        def compute(field=field):
            return _options_html(("" if value == "" else str(value), str(label)) for value, label in field.choices)

        widget = PrerenderedSelect(attrs=field.widget.attrs)
        widget.is_required = field.widget.is_required
        widget.options_html = aggregates.cached(
            f"options:{type(form).__module__}.{type(form).__name__}.{name}",
            (*parts, field.empty_label),
            tracked=tracked,
            today=timezone.localdate(),
            compute=compute,
        )
        field.widget = widget


def with_blank(label: str, choices) -> list:
    """Choices with an empty first option ("请选择", "全部…") for a select."""
    return [("", label), *choices]
