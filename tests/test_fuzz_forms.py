"""Hostile input to every form: each page of the permission matrix that the office, a team's 组长 and
组员, and an inspected unit's principal open is read, every POST form on it is filled the way its page
fills it (what an edit form shows, the first choice of a select), and then every text, number and date
field of it is posted with each value of a hostile corpus: empty, 10,000 characters, a NUL, emoji and
rare CJK (𠮷), script and attribute-breaking HTML, formula prefixes, numbers past any integer, dates
0001-01-01 and 9999-12-31.

For every post: no 500; no page afterwards carries the HTML unescaped; and either the text was refused
(the form comes back with a message) or it is stored exactly as typed (found in the database
unchanged — nothing truncated). Each post runs in a savepoint rolled back afterwards, on the matrix's
world (tests/permission_world.py)."""

import itertools
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.apps import apps
from django.db import models, transaction

from tests.test_permission_matrix import MATRIX, _url, _world, world  # noqa: F401 - the shared world

ROLES = ("office", "team_leader", "member", "unit")
TOKENS = (f"ZQX{i:03d}" for i in itertools.count())

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'


def corpus(token: str) -> list[tuple[str, str, str, str]]:
    """(what, text, number, date) per post; the token finds the text again in the database."""
    return [
        ("empty", "", "", ""),
        ("long", token + "长" * 10_000, "9" * 26, "0001-01-01"),
        ("nul", token + "理由\x00", "-9" * 13, "9999-12-31"),
        ("emoji", token + "😀𠮷䶮鿏", "1e309", "1999-12-31"),
        ("script", token + SCRIPT, "12abc", "2026-02-30"),
        ("attribute", token + ATTRIBUTE, "7", "2026-05-01"),
        ("formula", "=HYPERLINK(\"http://evil.example\")+@SUM(1)-1+" + token, "3", "2101-01-01"),
    ]


TEXT_TYPES = {"text", "search", "email", "tel", "url", None, ""}
ERROR_MARKERS = ("errorlist", "invalid-feedback", "alert-danger", "is-invalid", "text-danger")


def _text_fields() -> list[tuple[type, str]]:
    out = []
    for model in apps.get_models():
        if model._meta.app_label in {"contenttypes", "sessions", "admin", "auth", "axes", "guardian"}:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                out.append((model, field.name))
    return out


def _stored(fields, token: str) -> list[str]:
    values = []
    for model, name in fields:
        values += [v for v in model.objects.filter(**{f"{name}__contains": token}).values_list(name, flat=True)]
    return values


def _forms(html: str, page_url: str):
    doc = lxml.html.fromstring(html)
    for form in doc.forms:
        if (form.method or "get").lower() != "post":
            continue
        action = form.get("action") or page_url
        if urlsplit(action).path in ("/accounts/logout/",):
            continue
        yield action, form


def _payload(form, text: str, number: str, date: str) -> tuple[dict, int]:
    """The form's values as its page fills them, every text/number/date field set to the corpus value."""
    data: dict[str, list[str]] = {}
    hostile = 0
    for element in form.inputs:
        name = element.get("name")
        if not name:
            continue
        tag = element.tag
        kind = (element.get("type") or "").lower() if tag == "input" else tag
        if kind in ("submit", "button", "image", "reset", "file", "password"):
            continue
        if kind in ("checkbox", "radio"):
            if element.checked:
                data.setdefault(name, []).append(element.get("value") or "on")
            continue
        if kind == "select":
            options = [o.get("value", o.text_content()) for o in element.iter("option")]
            chosen = [
                v for v in (o.get("value", o.text_content()) for o in element.iter("option") if o.get("selected") is not None) if v
            ]
            value = chosen or [next((o for o in options if o), "")]
            data.setdefault(name, []).extend(value)
            continue
        if kind == "hidden":
            data.setdefault(name, []).append(element.get("value") or "")
            continue
        if kind in ("tel", "email") or any(w in name for w in ("phone", "email", "password")):
            # Formatted fields would refuse any hostile text and with it the whole form: a valid value,
            # so that the other fields' hostile text is stored (or refused for itself).
            data.setdefault(name, []).append("a@example.org" if "email" in (kind, name) else "0731-8321234")
        elif kind in TEXT_TYPES or tag == "textarea":
            data.setdefault(name, []).append(text)
            hostile += 1
        elif kind == "number":
            data.setdefault(name, []).append(number)
            hostile += 1
        elif kind == "date":
            data.setdefault(name, []).append(date)
            hostile += 1
    # Radio groups with nothing checked: the first choice, as a person would pick one.
    for element in form.inputs:
        if element.tag == "input" and (element.get("type") or "").lower() == "radio":
            data.setdefault(element.get("name"), [element.get("value") or "on"])
    return data, hostile


def _through_confirmation(client, response, page_url: str):
    """A bulk action answers its first post with a confirmation page carrying what was typed (hidden):
    confirmed as a person would, its outcome is what the typed values came to."""
    if response.status_code != 200 or 'name="confirmed"' not in response.content.decode(errors="replace"):
        return response
    for action, form in _forms(response.content.decode(), page_url):
        if "confirmed" in form.inputs.keys():
            data: dict[str, list[str]] = {}
            for name, value in form.form_values():
                data.setdefault(name, []).append(value)
            return client.post(action, data, follow=True)
    return response


# Pages without a form of their own to fuzz (files, figures, public pages): not read, to keep this quick.
SKIP = ("export", "pdf", "download", "template", "status", "dashboards:", "public", "coverage", "gonggao", "login")


def _page_urls(objects, role):
    seen = set()
    for name, key, method, expected in MATRIX:
        if method != "get" or expected[role] != 200 or any(s in name for s in SKIP):
            continue
        url = _url(name, key, objects)
        if url not in seen:
            seen.add(url)
            yield url


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_every_form(world, client, role):  # noqa: F811 - the fixture imported above
    users, objects = world
    client.force_login(users[role])
    fields = _text_fields()
    posted_actions = set()
    problems = []
    posts = stored_count = 0
    for page_url in _page_urls(objects, role):
        page = client.get(page_url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        for action, form in _forms(page.content.decode(), page_url):
            if action in posted_actions:
                continue
            posted_actions.add(action)
            for what, text, number, date in corpus(next(TOKENS)):
                data, hostile = _payload(form, text, number, date)
                if not hostile:
                    break  # a button form (publish, delete…): nothing typed, nothing to fuzz
                with transaction.atomic():
                    response = _through_confirmation(client, client.post(action, data, follow=True), action)
                    posts += 1
                    label = f"{role} {action} ({page_url}) [{what}]"
                    body = response.content.decode(errors="replace")
                    if response.status_code >= 500:
                        problems.append(f"{label}: HTTP {response.status_code}")
                    if SCRIPT in body or ATTRIBUTE in body:
                        problems.append(f"{label}: the HTML is shown unescaped")
                    token = text[:6] if text.startswith("ZQX") else text[-6:]
                    if what in ("long", "emoji", "script", "attribute", "formula"):
                        stored = _stored(fields, token)
                        stored_count += bool(stored)
                        if stored and text.strip() not in stored:
                            problems.append(f"{label}: stored changed ({len(stored[0])} of {len(text)} characters)")
                        if not stored and response.status_code == 200 and not any(m in body for m in ERROR_MARKERS):
                            if response.redirect_chain == []:
                                problems.append(f"{label}: neither stored nor refused with a message")
                    transaction.set_rollback(True)
    print(f"{role}: {len(posted_actions)} forms, {posts} posts, {stored_count} stored as typed")
    assert posts > (5 if role == "unit" else 20), f"{role}: only {posts} posts — the pages lost their forms?"
    assert not problems, "\n".join(problems)
