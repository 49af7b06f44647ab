"""Form pieces every app's forms share."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
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


def _no_maxlength(context) -> None:
    """Text is never cut by the browser: a `maxlength` would silently shorten a pasted text to the limit,
    and the shortened text would be saved. The limit goes to `data-maxlength` instead, where
    static/js/forms.js shows a live count; the server refuses an over-long text and keeps it."""
    widget = context.get("widget") if isinstance(context, dict) else None
    attrs = widget.get("attrs") if isinstance(widget, dict) else None
    if attrs and "maxlength" in attrs:
        attrs = dict(attrs)
        attrs.setdefault("data-maxlength", attrs.pop("maxlength"))
        widget["attrs"] = attrs


class FormRenderer(DjangoTemplates):
    """Django's form renderer, except that a plain <select> is written in Python (the template renders
    every <option> through two included templates, about 0.1 ms each: the filter bars' lists of 300
    units and 60 teams cost more than the rest of a ledger page; the markup is the template's), and that
    no widget carries `maxlength` (see `_no_maxlength`)."""

    def render(self, template_name, context, request=None):
        _no_maxlength(context)
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


# Plausible ranges, for every number and date a form takes (BoundedFormMixin): beyond them a value is a
# typo or an attack, and a number past the database's integer would be a 500.
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
INTEGER_MIN = -2_147_483_648
INTEGER_MAX = 2_147_483_647
NUMBER_LIMIT = 1_000_000_000
NUL_VALIDATOR = ProhibitNullCharactersValidator(message="内容中含有无法保存的空字符（\\0），请删除后再提交")


def _bound(field: forms.Field, low, high, message_low: str, message_high: str) -> None:
    field.validators.append(MinValueValidator(low, message=message_low))
    field.validators.append(MaxValueValidator(high, message=message_high))


class BoundedFormMixin:
    """Every number and date field of the form gets a plausible range unless it has its own: dates
    2000-01-01 … 2100-12-31, integers within the database's integer, other numbers within ±10⁹. The
    browser's date picker is given the same range. Text: Django's CharField already refuses NUL
    characters (PostgreSQL cannot store them); the message is made clear. Put it first:
    `class UnitForm(BoundedFormMixin, forms.ModelForm)`."""

    # {field name: (earliest, latest)} for a date field whose plausible range is another one (a birth month).
    date_ranges: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.date_ranges.items():
            if name in self.fields:
                bound_date_field(self.fields[name], low, high)
        for field in self.fields.values():
            bound_field(field)

    def full_clean(self):
        for field in self.fields.values():  # fields a subclass added after __init__
            bound_field(field)
        super().full_clean()


def bound_date_field(field: forms.Field, low: datetime.date, high: datetime.date) -> None:
    """A date field's own plausible range, instead of BoundedFormMixin's default."""
    field._xuncha_bounded = True
    _bound(field, low, high, f"日期不能早于{low:%Y年%m月%d日}", f"日期不能晚于{high:%Y年%m月%d日}")
    field.widget.attrs.setdefault("min", low.isoformat()[: 7 if field.widget.input_type == "month" else 10])
    field.widget.attrs.setdefault("max", high.isoformat()[: 7 if field.widget.input_type == "month" else 10])


DJANGO_BLANK = "---------"
BLANK_LABEL = "请选择"


def blank_label(field: forms.Field, label: str = BLANK_LABEL) -> None:
    """A select's empty option says "请选择" (a filter bar's: "全部"), not Django's "---------" (a
    model choice field's `empty_label`, or the blank first choice a model field with choices gets).
    Called for every field of every form (`bound_field`) and filter bar (`xuncha.core.filters`)."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and choices[0][1] == DJANGO_BLANK:
            field.choices = [(choices[0][0], label), *choices[1:]]


def bound_field(field: forms.Field) -> None:
    """Give one field the plausible range of BoundedFormMixin (idempotent), and a select its
    "请选择" (`blank_label`)."""
    if getattr(field, "_xuncha_bounded", False):
        return
    field._xuncha_bounded = True
    blank_label(field)
    field.validators = [
        NUL_VALIDATOR if isinstance(v, ProhibitNullCharactersValidator) else v for v in field.validators
    ]
    if isinstance(field, forms.DateField | forms.DateTimeField):
        _bound(
            field,
            datetime.datetime.combine(DATE_MIN, datetime.time.min) if isinstance(field, forms.DateTimeField) else DATE_MIN,
            datetime.datetime.combine(DATE_MAX, datetime.time.max) if isinstance(field, forms.DateTimeField) else DATE_MAX,
            f"日期不能早于{DATE_MIN:%Y年%m月%d日}",
            f"日期不能晚于{DATE_MAX:%Y年%m月%d日}",
        )
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
            field.widget.attrs.setdefault("min", DATE_MIN.isoformat())
            field.widget.attrs.setdefault("max", DATE_MAX.isoformat())
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        low = INTEGER_MIN if field.min_value is None else None
        high = INTEGER_MAX if field.max_value is None else None
        if low is not None:
            field.validators.append(MinValueValidator(low, message=f"数值不能小于{low}"))
        if high is not None:
            field.validators.append(MaxValueValidator(high, message=f"数值不能大于{high}"))
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        if field.min_value is None:
            field.validators.append(MinValueValidator(-NUMBER_LIMIT, message=f"数值不能小于{-NUMBER_LIMIT}"))
        if field.max_value is None:
            field.validators.append(MaxValueValidator(NUMBER_LIMIT, message=f"数值不能大于{NUMBER_LIMIT}"))


class ReasonForm(BoundedFormMixin, forms.Form):
    """The one text box of an action posted from a button on a list (a reason, an opinion): read through
    a form like every other write, so that a NUL character or a missing field is refused with a message
    and never reaches the database. Length and whether it is required are the service's to decide."""

    reason = forms.CharField(label="理由", required=False)

    def error_text(self) -> str:
        return "；".join(str(e) for errors in self.errors.values() for e in errors)


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
