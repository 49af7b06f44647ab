"""Nothing lost, nothing twice: optimistic locking of edit forms and one-time tokens of create forms.

Edits. A model that users edit inherits `VersionedModel`: a `version` column that every save raises by
one (a form's, a service's, a transition's). Its edit form mixes in `VersionedFormMixin`, which carries
the version the page was loaded at as a hidden field; the save then is an
`UPDATE … SET version = v+1 WHERE pk = … AND version = v`, and a save over someone else's change is
refused (`StaleObject`). The form shows, in words, who changed the record and when (from its history),
the other person's value beside the user's for each changed field, keeps what the user typed, and
carries the fresh version, so that saving again deliberately applies the user's text over the change.

Creates. A create form mixes in `OnceFormMixin`: a random token issued with the page (hidden field).
`save_form(request, form, save, url=…)` claims the token in the same transaction as the create (a row
of `SubmissionToken`, unique): a second POST of the same page (a double click, a reload, a retry of a
slow request) waits for the first, finds the token claimed and is sent to what the first one created.

Both: `save_form` turns a unique-constraint race (IntegrityError) into a form error on the field, a
service's refusal (`DomainError`) into the form's error, and a stale save into the conflict page.
"""

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.forms.utils import ErrorDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format

from xuncha.errors import DomainError

from .models import SubmissionToken

VERSION_FIELD = "version"
TOKEN_FIELD = "submission_token"
_TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


# The versions the forms being saved were loaded at, by (model label, pk): a service that locks and
# saves a fresh copy of the object is held to them too (see `expecting`).
_EXPECTED: ContextVar[dict | None] = ContextVar("xuncha_expected_versions", default=None)


@contextmanager
def expecting(obj, version: int | None):
    """While saving a form: the first save of this row must find it at `version`."""
    if obj is None or obj.pk is None or version is None:
        yield
        return
    expected = dict(_EXPECTED.get() or {})
    expected[(obj._meta.label_lower, obj.pk)] = version
    token = _EXPECTED.set(expected)
    try:
        yield
    finally:
        _EXPECTED.reset(token)


def _pop_expected(obj) -> int | None:
    version = getattr(obj, "_expected_version", None)
    expected = _EXPECTED.get()
    key = (obj._meta.label_lower, obj.pk)
    if expected and key in expected:
        version = expected.pop(key) if version is None else version
        expected.pop(key, None)
    return version


class StaleObject(DomainError):
    """A save over a change someone else made after the form was loaded."""

    def __init__(self, obj, expected: int, current: int):
        self.obj, self.expected, self.current = obj, expected, current
        super().__init__("保存未成功：在您打开此页面之后，这条记录已被他人修改")


class VersionedModel(models.Model):
    """A `version` raised by one on every save of an existing row; a save carrying the version it was
    loaded at (`obj._expected_version`, set by `VersionedFormMixin`) is refused when the row moved on."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        expected = _pop_expected(self)
        rows = type(self)._base_manager.using(kwargs.get("using") or self._state.db).filter(pk=self.pk)
        with transaction.atomic(using=rows.db):
            if expected is not None:
                # The row lock of this UPDATE holds until the commit: a concurrent save waits, then finds
                # the version moved on and is refused.
                if not rows.filter(version=expected).update(version=expected + 1):
                    current = rows.values_list(VERSION_FIELD, flat=True).first()
                    if current is None:
                        raise DomainError("保存未成功：这条记录已被删除")
                    raise StaleObject(self, expected, current)
                self.version = expected + 1
            else:
                rows.update(version=F(VERSION_FIELD) + 1)
                self.version = rows.values_list(VERSION_FIELD, flat=True).first() or self.version + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, VERSION_FIELD}
            super().save(*args, **kwargs)
        self._expected_version = None
        return None


def current_version(obj) -> int | None:
    return type(obj)._base_manager.filter(pk=obj.pk).values_list(VERSION_FIELD, flat=True).first()


def carry_version(source, target) -> None:
    """A service that locks and saves a fresh copy of the object keeps the version the form was loaded
    at, so the save is still refused when someone else saved in between."""
    expected = getattr(source, "_expected_version", None)
    if expected is not None:
        target._expected_version = expected
        source._expected_version = None


def parse_version(value) -> int | None:
    """The version a button's form posted (`<input type=hidden name=version>`), or None."""
    value = str(value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


# --- the conflict page ----------------------------------------------------------------------------


@dataclass
class ChangedField:
    label: str
    theirs: str
    yours: str


@dataclass
class Conflict:
    who: str
    when: str
    fields: list[ChangedField]

    @property
    def message(self) -> str:
        return f"保存未成功：在您打开此页面之后，{self.who}于{self.when}修改了这条记录"


def _display(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, models.QuerySet | list | tuple | set):
        return "、".join(str(v) for v in value) or "（空）"
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _model_value(obj, name: str):
    """A field of the model as a form would show it: the choice's label, the related rows' names."""
    try:
        field = obj._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a form field the model does not have
        return getattr(obj, name, None)
    if field.many_to_many:
        return list(getattr(obj, name).all()) if obj.pk else []
    if field.choices:
        value = getattr(obj, field.attname)
        return dict(field.flatchoices).get(value, value)
    return getattr(obj, name)


def _form_value(form: forms.BaseForm, name: str):
    field = form.fields[name]
    if name in getattr(form, "cleaned_data", {}):
        value = form.cleaned_data[name]
    else:
        value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField) and isinstance(value, str):
        value = dict((str(k), v) for k, v in choices).get(value, value)
    return value


def build_conflict(form: forms.BaseForm, obj, expected: int) -> Conflict:
    """Who changed the row and when (its history), and for each field of the form the other person
    changed since `expected` (or, without history, that differs from what the user typed), both values."""
    model = type(obj)
    fresh = model._base_manager.get(pk=obj.pk)
    who, when = "他人", ""
    loaded = None
    history = getattr(fresh, "history", None)
    if history is not None:
        latest = history.select_related("history_user").first()
        if latest is not None:
            user = latest.history_user
            if user is not None:
                who = getattr(user, "display_name", "") or user.get_username()
            when = date_format(timezone.localtime(latest.history_date), "Y-m-d H:i:s")
            loaded = history.filter(version=expected).order_by("history_date").first()
    if not when and getattr(fresh, "updated_at", None):
        when = date_format(timezone.localtime(fresh.updated_at), "Y-m-d H:i:s")
    mapping = getattr(form, "conflict_fields", None) or {}
    exclude = set(getattr(form, "conflict_exclude", ()))
    changed = []
    for name, field in form.fields.items():
        if name in (VERSION_FIELD, TOKEN_FIELD) or name in exclude or isinstance(field.widget, forms.HiddenInput):
            continue
        attr = mapping.get(name, name)
        if not _has_field(model, attr) or _is_secret(model, attr):
            continue
        theirs = _display(_model_value(fresh, attr))
        yours = _display(_form_value(form, name))
        if loaded is not None and not _is_m2m(model, attr):
            before = _display(_model_value(loaded.instance, attr))
            if before == theirs:
                continue
        elif theirs == yours:
            continue
        changed.append(ChangedField(str(field.label or name), theirs, yours))
    return Conflict(who=who, when=when or "刚才", fields=changed)


def _has_field(model, name: str) -> bool:
    """A field the model declares (not a reverse relation: a form's "attachments" are files to add)."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return False
    return not (field.auto_created and not field.concrete)


def _is_secret(model, name: str) -> bool:
    """An encrypted field (a reporter's identity) never appears on the conflict page."""
    return "encrypt" in type(model._meta.get_field(name)).__name__.lower()


def _is_m2m(model, name: str) -> bool:
    return model._meta.get_field(name).many_to_many


# --- the form mixins --------------------------------------------------------------------------------


class VersionedFormMixin:
    """An edit form that carries the version its object was loaded at. A ModelForm uses its instance;
    a plain form is given the object as `versioned=obj`. `conflict_fields` maps a form field to the
    model field it edits when the names differ, `conflict_exclude` names fields the conflict page must
    not show (an encrypted field is never shown)."""

    conflict_fields: dict[str, str] = {}
    conflict_exclude: tuple[str, ...] = ()
    # A row of a formset the user did not touch is not saved, and needs no check.
    only_when_changed = False

    def __init__(self, *args, versioned=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.versioned = versioned if versioned is not None else getattr(self, "instance", None)
        self.expected_version: int | None = None
        self.conflict: Conflict | None = None
        # Text, parsed by hand: a tampered value is no version (never an error nobody sees on the page).
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, strip=True)
        if self.versioned is not None and self.versioned.pk:
            self.fields[VERSION_FIELD].initial = self.versioned.version

    def _clean_form(self):
        # After the form's own clean(), whatever it calls: the version leaves cleaned_data (services
        # take `**form.cleaned_data`) and is checked against the row.
        super()._clean_form()
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None:
            return
        expected = parse_version(cleaned.pop(VERSION_FIELD, None))
        obj = self.versioned
        if obj is None or not obj.pk or expected is None:
            return
        if self.only_when_changed and not self.has_changed():
            return
        obj._expected_version = expected
        self.expected_version = expected
        current = current_version(obj)
        if current is not None and current != expected:
            self.refuse_stale(StaleObject(obj, expected, current))

    def refuse_stale(self, exc: StaleObject) -> None:
        """Show the conflict, keep what the user typed, and carry the fresh version: saving again
        applies the user's text over the other person's change, knowingly."""
        self.conflict = build_conflict(self, exc.obj, exc.expected)
        if self.versioned is not None:
            self.versioned._expected_version = None
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = str(exc.current)
        self.add_error(None, self.conflict.message)


def _new_token() -> str:
    return uuid.uuid4().hex


class OnceFormMixin:
    """A create form with a one-time submission token (see `save_form`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission_token = ""
        self.fields[TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, initial=_new_token)

    def _clean_form(self):
        super()._clean_form()
        cleaned = getattr(self, "cleaned_data", None)
        token = ((cleaned or {}).pop(TOKEN_FIELD, "") or "").strip().lower()
        self.submission_token = token if _TOKEN_RE.match(token) else ""

    def full_clean(self):
        super().full_clean()
        if self._errors and self.submission_token and SubmissionToken.objects.filter(
            token=self.submission_token
        ).exclude(url="").exists():
            # This page was submitted and saved already (its "已有同名" error is about the row it made):
            # `save_form` finds the token claimed and sends the user to that row instead.
            self._errors = ErrorDict()


def add_form_refusal(form: forms.BaseForm, exc: DomainError) -> None:
    """A service's refusal on the form: the conflict page for a stale save, else message and reasons."""
    if isinstance(exc, StaleObject) and hasattr(form, "refuse_stale"):
        form.refuse_stale(exc)
        return
    form.add_error(None, exc.message)
    for reason in exc.reasons:
        form.add_error(None, reason)


def _unique_sets(model) -> list[tuple[str, ...]]:
    sets = [(f.name,) for f in model._meta.fields if f.unique and not f.primary_key]
    sets += [tuple(t) for t in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ]
    return sets


def add_unique_error(form: forms.BaseForm, model, *, exclude_pk=None, instance=None) -> None:
    """An IntegrityError of a race on a unique field (two saves of the same name at once): the error on
    the field, in the words the form uses for a duplicate, instead of a 500."""
    data = getattr(form, "cleaned_data", {}) or {}

    def value(name):
        if instance is not None:
            field = model._meta.get_field(name)
            return getattr(instance, field.attname)
        return data.get(name)

    for names in _unique_sets(model):
        if instance is None and not all(n in data for n in names):
            continue
        lookup = {model._meta.get_field(n).attname: value(n) for n in names}
        if any(v is None for v in lookup.values()):
            continue
        others = model._base_manager.filter(**lookup)
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        if not others.exists():
            continue
        on = next((n for n in reversed(names) if n in form.fields), None)
        labels = "、".join(str(model._meta.get_field(n).verbose_name) for n in names)
        message = (form.fields[on].error_messages.get("unique") if on else None) or (
            f"已有{labels}相同的记录（可能是他人刚刚保存的），请修改后再保存"
        )
        form.add_error(on, message)
        return
    form.add_error(None, "保存未成功：他人同时保存了相同的记录，请核对后再保存")


@dataclass
class Saved:
    """What `save_form` did: `ok` and the service's `result`, or a `response` to return as it is (the
    first submission's result, for a repeated token); when neither, the form holds the errors."""

    ok: bool = False
    result: Any = None
    response: Any = None


def _duplicate(request, token: str):
    claim = SubmissionToken.objects.filter(token=token).first()
    if claim is None or claim.user_id != getattr(request.user, "pk", None) or not claim.url:
        messages.warning(request, "此表单已提交过，请刷新页面查看结果")
        return redirect(request.get_full_path())
    messages.info(request, "此表单已经提交过，没有重复创建；以下是第一次提交的结果")
    return redirect(claim.url)


def save_form(request, form: forms.BaseForm, save, *, url=None, model=None, as_message: bool = False) -> Saved:
    """Call `save()` (the service) for a valid form, in one transaction with the form's token claimed
    when it carries one. `url(result)` is where a repeated submission of the same page is sent. A
    refusal, a stale version or a unique race become the form's errors (`Saved.ok` False); with
    `as_message` a refusal is a message above the page instead (the pages that always showed it so)."""
    token = getattr(form, "submission_token", "")
    model = model or getattr(getattr(form, "_meta", None), "model", None)
    instance = getattr(form, "versioned", None) or getattr(form, "instance", None)
    try:
        with transaction.atomic():
            claim = None
            if token:
                try:
                    with transaction.atomic():
                        user = request.user if request.user.is_authenticated else None
                        claim = SubmissionToken.objects.create(token=token, user=user)
                except IntegrityError:
                    return Saved(response=_duplicate(request, token))
            with expecting(instance, getattr(form, "expected_version", None)):
                result = save()
            if claim is not None and url is not None:
                claim.url = str(url(result))[:300]
                claim.save(update_fields=["url"])
    except DomainError as exc:
        if as_message and not isinstance(exc, StaleObject):
            messages.error(request, exc.full_message())
        else:
            add_form_refusal(form, exc)
        return Saved()
    except IntegrityError:
        if model is None:
            form.add_error(None, "保存未成功：他人同时保存了相同的记录，请核对后再保存")
        else:
            add_unique_error(
                form, model, exclude_pk=getattr(instance, "pk", None), instance=getattr(form, "instance", None)
            )
        return Saved()
    return Saved(ok=True, result=result)


def forget_old_tokens(*, days: int = 7) -> int:
    """Tokens older than a week: a page that old is submitted again as a new one."""
    cutoff = timezone.now() - timedelta(days=days)
    return SubmissionToken.objects.filter(created_at__lt=cutoff).delete()[0]
