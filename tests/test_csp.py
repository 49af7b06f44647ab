"""The Content-Security-Policy: every response carries it, and no template holds what it would block
(an inline <script>, an on*= handler attribute, a javascript: URL), so the pages work under it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "static", "var", ".git", "test-artifacts"}

SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"""<[a-z][^>]*\son[a-z]+\s*=""", re.I | re.S)
JS_URL = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def templates():
    for path in ROOT.rglob("*.html"):
        if not any(part in SKIP for part in path.relative_to(ROOT).parts):
            if "templates" in path.parts:
                yield path


def test_the_scan_finds_the_templates():
    names = {p.relative_to(ROOT).as_posix() for p in templates()}
    assert "templates/base.html" in names
    assert "rounds/templates/rounds/round_form.html" in names
    assert "clues/templates/clues/lead_triage_form.html" in names


def test_no_template_holds_inline_script_handlers_or_javascript_urls():
    problems = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for match in SCRIPT.finditer(text):
            attrs = match.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                problems.append(f"{name}: inline <script{attrs}>")
        problems += [f"{name}: handler attribute {m.group(0)[-30:]!r}" for m in HANDLER.finditer(text)]
        problems += [f"{name}: javascript: URL" for _ in JS_URL.finditer(text)]
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/no-such-page/"])
def test_every_response_carries_the_policy(url):
    response = Client().get(url)
    policy = response.headers["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in directives["default-src"]
