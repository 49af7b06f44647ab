"""Bulk actions (批量办理): the office (or a team's reviewer) acts on many rows at once, and each row is
still acted on by the one per-object service, so access checks, transitions, history rows and
notifications stay one way.

Two ways to run, and the page says which one it uses:

- `EACH` (逐条办理): every row in its own savepoint. A refused row is rolled back alone and reported
  with its reason; the others are done. Used on the ledgers (approve or return findings, close
  measures, remind units), where each row is its own decision.
- `ALL` (全部成功才保存): the rows are all tried (so every refusal is reported at once), and if any is
  refused nothing is saved. Used where the rows make one plan (a town with its villages).

A bulk page is three steps: the selection is posted to the action's view, which answers with a
confirmation page (what will be done to which rows, a fresh one-time token); the confirmation is
posted again and runs (`save_form` claims the token, so a double click or a reload runs once); the
outcome is kept in the session and shown on its own page (`bulk_result`), which a repeated post is
also sent to.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from xuncha.errors import DomainError

from .concurrency import TOKEN_FIELD, _new_token, save_form
from .forms import BoundedFormMixin, style_fields

EACH = "each"
ALL = "all"
MODE_TEXT = {
    EACH: "逐条办理：每一行单独保存，未通过的行不影响其他行，并逐行说明原因。",
    ALL: "全部成功才保存：任一行未通过，全部不保存，并逐行说明原因。",
}
MAX_ROWS = 200
SESSION_KEY = "bulk_outcomes"
KEEP_OUTCOMES = 10


@dataclass
class BulkRow:
    """One row of an outcome: what it was, whether it was done, and why not."""

    label: str
    ok: bool
    message: str = ""
    url: str = ""


@dataclass
class BulkOutcome:
    title: str
    mode: str
    rows: list[BulkRow] = field(default_factory=list)
    back_url: str = ""
    back_label: str = "返回"

    @property
    def done(self) -> list[BulkRow]:
        return [r for r in self.rows if r.ok]

    @property
    def refused(self) -> list[BulkRow]:
        return [r for r in self.rows if not r.ok]


class Caution(str):
    """A confirmation page's note on a row that will be done but deserves a look (no evidence attached),
    as opposed to a plain string: the refusal the row will likely meet."""

    caution = True


class BulkRefused(DomainError):
    """An all-or-nothing bulk action with refused rows: nothing was saved; every reason is listed."""

    def __init__(self, rows: list[BulkRow]):
        refused = [r for r in rows if not r.ok]
        super().__init__(
            f"共{len(rows)}项，其中{len(refused)}项未通过，全部未保存",
            reasons=[f"{r.label}：{r.message}" for r in refused],
        )
        self.rows = rows


def run_each(
    items: Iterable,
    act: Callable,
    *,
    label: Callable = str,
    url: Callable | None = None,
    note: Callable | None = None,
    mode: str = EACH,
) -> list[BulkRow]:
    """Call `act(item)` for each item in its own savepoint; a `DomainError` refuses that row only.
    `label`, `url` and `note` (what became of a done row, e.g. "已发布") are asked of what `act` returned
    (of the item when it returned None), `label` and `url` of the item for a refused row.
    With `mode=ALL`, any refusal raises `BulkRefused` after every row was tried, so the caller's
    transaction (e.g. `save_form`'s) rolls everything back."""
    rows: list[BulkRow] = []
    with transaction.atomic():
        for item in items:
            try:
                with transaction.atomic():
                    result = act(item)
            except DomainError as exc:
                rows.append(BulkRow(label=label(item), ok=False, message=exc.full_message(), url=url(item) if url else ""))
            else:
                target = result if result is not None else item
                rows.append(
                    BulkRow(label=label(target), ok=True, url=url(target) if url else "", message=note(target) if note else "")
                )
        if mode == ALL and any(not r.ok for r in rows):
            raise BulkRefused(rows)
    return rows


# --- the pages ------------------------------------------------------------------------------------------


class BulkSelectionForm(BoundedFormMixin, forms.Form):
    """The rows chosen (only among those the user may see: `queryset`), and whether the confirmation
    page was seen. A subclass adds the action's own fields (an action, a reason). The one-time token
    is the `submission_token` field, filled on the confirmation page."""

    ids = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "请先勾选要批量办理的行",
            "invalid_choice": "所选的行中有已不存在或无权查看的记录，请刷新页面后重新选择",
            "invalid_pk_value": "所选的行无效，请刷新页面后重新选择",
        },
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    submission_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = queryset
        style_fields(self.fields, small=True)

    def clean_ids(self):
        rows = self.cleaned_data["ids"]
        if len(rows) > MAX_ROWS:
            raise forms.ValidationError(f"一次最多批量办理{MAX_ROWS}行，请分批办理")
        return rows

    def clean_submission_token(self):
        token = (self.cleaned_data.get("submission_token") or "").strip().lower()
        self.submission_token = token if len(token) == 32 and all(c in "0123456789abcdef" for c in token) else ""
        return token


def remember(request, token: str, outcome: BulkOutcome) -> str:
    """Keep the outcome in the session (the last few) and return the page that shows it."""
    kept = dict(request.session.get(SESSION_KEY) or {})
    kept[token] = asdict(outcome)
    while len(kept) > KEEP_OUTCOMES:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return reverse("bulk_result", args=[token])


def _safe_back(request, url: str, fallback: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return fallback


class BulkActionView(LoginRequiredMixin, View):
    """POST only. Subclasses give the rows the user may see (`get_queryset`), the form, what the
    confirmation page says (`describe`, `preview`), and `act(obj, form)` calling the per-object service."""

    http_method_names = ["post"]
    form_class = BulkSelectionForm
    mode = EACH
    title = "批量办理"
    back_label = "返回列表"
    back_fallback = "home"  # a URL name

    def get_queryset(self):
        raise NotImplementedError

    def describe(self, form) -> str:
        """The sentence above the confirmation table: what will be done."""
        return self.title

    def preview(self, obj, form) -> str:
        """What the confirmation table says of one row: '' when it looks fine, a `Caution` to look at, else
        the likely refusal."""
        return ""

    def act(self, obj, form):
        raise NotImplementedError

    def label(self, obj) -> str:
        return str(obj)

    def url(self, obj) -> str:
        return ""

    def order(self, rows):
        return rows

    def note(self, result) -> str:
        """What the outcome says of a done row (what `act` returned): "" unless a subclass says more."""
        return ""

    def back_url(self) -> str:
        return _safe_back(self.request, self.request.POST.get("next", ""), reverse(self.back_fallback))

    def post(self, request, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        form = self.form_class(request.POST, queryset=self.get_queryset(), **self.get_form_kwargs())
        back = self.back_url()
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        rows = list(self.order(form.cleaned_data["ids"]))
        if not form.cleaned_data.get("confirmed"):
            data = form.data.copy()
            data[TOKEN_FIELD] = _new_token()
            data["confirmed"] = "True"
            confirm = self.form_class(data, queryset=self.get_queryset(), **self.get_form_kwargs())
            previews = [(obj, self.label(obj), self.url(obj), self.preview(obj, form)) for obj in rows]
            return render(
                request,
                "core/bulk_confirm.html",
                {
                    "form": confirm,
                    "title": self.title,
                    "description": self.describe(form),
                    "mode_text": MODE_TEXT[self.mode],
                    "rows": previews,
                    "likely_refused": sum(1 for p in previews if p[3] and not isinstance(p[3], Caution)),
                    "cautions": sum(1 for p in previews if isinstance(p[3], Caution)),
                    "action_url": request.path,
                    "back": back,
                    "back_label": self.back_label,
                    "nav_active": getattr(self, "nav_active", ""),
                    **self.confirm_context(form),
                },
            )
        if not form.submission_token:
            messages.error(request, "确认页面已失效，请重新选择后再办理")
            return redirect(back)
        token = form.submission_token

        def perform():
            result_rows = run_each(
                rows, lambda obj: self.act(obj, form), label=self.label, url=self.url, note=self.note, mode=self.mode
            )
            return BulkOutcome(title=self.title, mode=self.mode, rows=result_rows, back_url=back, back_label=self.back_label)

        saved = save_form(request, form, perform, url=lambda _outcome: reverse("bulk_result", args=[token]))
        if saved.response is not None:
            return saved.response
        if not saved.ok:
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect(back)
        return redirect(remember(request, token, saved.result))

    def get_form_kwargs(self) -> dict:
        return {}

    def confirm_context(self, form) -> dict:
        return {}


def bulk_result(request, token: str):
    """The outcome of a bulk action, from the session of the user who ran it."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    data = (request.session.get(SESSION_KEY) or {}).get(token)
    if data is None:
        raise Http404
    outcome = BulkOutcome(
        title=data["title"],
        mode=data["mode"],
        rows=[BulkRow(**r) for r in data["rows"]],
        back_url=data["back_url"],
        back_label=data["back_label"],
    )
    return render(
        request,
        "core/bulk_result.html",
        {"outcome": outcome, "mode_text": MODE_TEXT[outcome.mode], "done": outcome.done, "refused": outcome.refused},
    )
