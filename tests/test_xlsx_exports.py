"""Every Excel export (16) writes user text as text: names and texts starting with = + - @ (or a tab or a
carriage return) come out as string cells exactly as typed, never as formulas; numbers, percentages and
dates keep their types (xuncha.core.xlsx)."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.urls import reverse
from openpyxl import load_workbook

from clues.models import Category, Finding
from dashboards.documents.exports import TABLES
from dashboards.tests.test_dashboard_views_queries import World
from rectification.models import Measure, Problem, Rectification
from rounds.models import Term, Unit
from teams.models import Cadre, MemberRole
from teams.tests.factories import TeamMemberFactory
from xuncha.accounts.roles import Role
from xuncha.audit.log import EventKind, record
from xuncha.core import xlsx

pytestmark = pytest.mark.django_db

# What a hostile (or careless) user types: each would be a formula, a DDE call or an error in Excel.
HOSTILE = {
    (Unit, "name"): '=HYPERLINK("http://evil.example/","点我")',
    (Category, "name"): "+1+cmd|' /C calc'!A0",
    (Finding, "title"): "-2+3",
    (Finding, "manifestation"): "@SUM(1,2)",
    (Problem, "title"): "=1+1",
    (Measure, "content"): "\t=1+1",
    (Measure, "goal"): "\r=1+1",
    (Measure, "responsible_person"): "#N/A",
    (Term, "name"): "=届次",
    (Cadre, "name"): "=组长",
}
PREFIXES = tuple(HOSTILE.values())


@pytest.fixture
def world():
    w = World()
    w.add(1)
    for teams in w.teams.values():
        TeamMemberFactory(team=teams[0], role=MemberRole.LEADER)
    for (model, field), prefix in HOSTILE.items():
        model.objects.update(**{field: Concat(Value(prefix), F(field))})
    return w


def export_urls(world) -> dict[str, str]:
    term, round = world.term, world.rectifying
    rect = Rectification.objects.filter(round=round).first()
    urls = {
        "units": reverse("rounds:unit_export"),
        "unit_template": reverse("rounds:unit_import_template"),
        "coverage": reverse("rounds:coverage_export", args=[term.pk]),
        "findings": reverse("clues:finding_export"),
        "quality": f"{reverse('dashboards:quality_export')}?term={term.pk}",
        "plan": reverse("rectification:plan_export", args=[rect.pk]),
        "dashboard_all": f"{reverse('dashboards:export')}?term={term.pk}&table=all",
        "drilldown": f"{reverse('dashboards:drilldown', args=['findings'])}?term={term.pk}&export=xlsx",
    }
    for name in TABLES:
        urls[f"dashboard_{name}"] = f"{reverse('dashboards:export')}?round={round.pk}&table={name}"
    return urls


def test_there_are_sixteen_exports(world):
    assert len(export_urls(world)) == 16


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_no_export_writes_a_formula(client_for, make_user, world):
    client = client_for(make_user(Role.OFFICE))
    found = {}
    for name, url in export_urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == xlsx.XLSX, name
        content = b"".join(response.streaming_content) if response.streaming else response.content
        cells = list(_cells(content))
        formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
        assert formulas == [], name
        hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith(PREFIXES)]
        assert all(c.data_type == "s" for c in hostile), name
        found[name] = len(hostile)
    # Every export that shows user text showed the hostile text as typed (the blank template has none).
    assert [name for name, n in found.items() if not n] == ["unit_template"], found


def test_the_writer_types_values_by_their_python_type():
    book = xlsx.new_workbook()
    sheet = xlsx.add_sheet(book, "测试", headers=["文本", "数", "百分比", "日期"])
    hostile = ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "#DIV/0!", "普通\x00文本"]
    for text in hostile:
        xlsx.append(sheet, [text, 12, xlsx.Percent(33.3), datetime.date(2026, 5, 1)])
    sheet = load_workbook(io.BytesIO(xlsx.to_bytes(book)))["测试"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[0].value for r in rows] == [t.replace("\x00", "") for t in hostile]
    assert all(r[0].data_type == "s" for r in rows)
    assert all(r[1].value == 12 and r[1].data_type == "n" for r in rows)
    assert all(abs(r[2].value - 0.333) < 1e-9 and r[2].number_format == "0.0%" for r in rows)
    assert all(r[3].is_date and r[3].value.date() == datetime.date(2026, 5, 1) for r in rows)
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_dashboard_percentages_are_numbers(client_for, make_user, world):
    client = client_for(make_user(Role.OFFICE))
    response = client.get(f"{reverse('dashboards:export')}?term={world.term.pk}&table=summary")
    percents = [c for c in _cells(response.content) if c.number_format == "0.0%"]
    assert percents and all(isinstance(c.value, int | float) for c in percents)


def test_the_later_exports_write_user_text_as_text_too(client_for, make_user, world):
    """The templates of the cadre and account imports, the archive layout of a round, and the auditor's
    export of the security log go through the same writer."""
    record(EventKind.LOGIN_FAILED, username='=HYPERLINK("http://evil.example/")', success=False)
    office = client_for(make_user(Role.OFFICE))
    urls = {
        "cadre_template": reverse("teams:cadre_import_template"),
        "account_template": reverse("people:account_import_template"),
        "archive_template": reverse("archive:template"),
        "archive_round": reverse("archive:round_export", args=[world.rectifying.pk]),
    }
    found = {}
    for name, url in urls.items():
        response = office.get(url)
        assert response.status_code == 200, name
        found[name] = list(_cells(response.content))
    auditor = client_for(make_user(Role.AUDITOR))
    found["audit_log"] = list(_cells(auditor.get(reverse("security:audit_export")).content))
    for name, cells in found.items():
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], name
    hostile = [
        c for c in found["archive_round"] + found["audit_log"] if str(c.value).startswith(PREFIXES + ("=HY",))
    ]
    assert hostile and all(c.data_type == "s" for c in hostile)


def test_only_the_writer_makes_workbooks():
    """A new export cannot bypass xuncha.core.xlsx: no other production module builds an openpyxl Workbook."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".venv/", "node_modules/", "bench/", "tests/")) or "/tests/" in relative:
            continue
        if relative == "xuncha/core/xlsx.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bWorkbook\(", text):
            offenders.append(relative)
    assert offenders == []


def test_numbers_carry_number_formats():
    """Counts, fractions and percentages are numbers with a number format, never text."""
    from decimal import Decimal

    book = xlsx.new_workbook()
    sheet = xlsx.add_sheet(book, "测试", headers=["件数", "均数", "得分", "百分比"])
    xlsx.append(sheet, [12, 2.5, Decimal("85.50"), xlsx.Percent(75)])
    row = list(load_workbook(io.BytesIO(xlsx.to_bytes(book)))["测试"].iter_rows(min_row=2))[0]
    assert [c.data_type for c in row] == ["n"] * 4
    assert [c.number_format for c in row] == ["0", "0.0#", "0.0#", "0.0%"]
    assert row[3].value == 0.75


# A percentage, or a count (a phone number or an ID of 11+ digits is an identifier, text on purpose).
NUMBER_AS_TEXT = re.compile(r"^-?\d+(\.\d+)?\s*%$|^-?\d{1,6}$")


def test_no_export_stores_a_count_or_a_percentage_as_text(client_for, make_user, world):
    client = client_for(make_user(Role.OFFICE))
    found = {}
    for name, url in export_urls(world).items():
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        texts = [
            (c.coordinate, c.value)
            for c in _cells(content)
            if c.data_type == "s" and isinstance(c.value, str) and NUMBER_AS_TEXT.match(c.value.strip())
        ]
        if texts:
            found[name] = texts[:5]
    assert found == {}
