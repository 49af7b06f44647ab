"""Issue 14 §1, every role starts from its to-do list: for each demo account, the 工作台's queues are
read (each a count and a link), every link is followed, and the list it opens shows exactly that many
rows — the count and the list are one query. The tiles' red / yellow marks agree with the rows' too.
A receiver reads a batch sent to it as 待签收, not the office's 已移交. Screenshots of every role's
工作台 go to test-artifacts/workbench-<account>.png.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from demo.county import DEMO_PASSWORD
from demo.data import UNIT_ACCOUNTS
from rectification.models import (
    MeasureStatus,
    ProgressLevel,
    Publication,
    PublicationScope,
    Rectification,
    ReportEntry,
    ReportEvidence,
    VersionStatus,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE_SIZE = 20

# The rows of each list a queue opens, by the list's path.
ROWS = {
    reverse("clues:finding_list"): "[data-testid=ledger] tbody tr",
    reverse("clues:lead_list"): "[data-testid=lead-table] tbody tr",
    reverse("clues:disposition_queue"): "table[data-testid=queue] > tbody > tr",
    reverse("clues:batch_create"): "[data-testid=pending-leads] tbody tr",
    reverse("clues:batch_list"): "[data-testid=batch-row]",
    reverse("clues:handover_list"): "[data-testid=handover-table] tbody tr",
    reverse("rectification:rect_list"): "[data-testid=rect-row]",
    reverse("rectification:measure_queue"): "[data-testid=queue-row]",
    reverse("rectification:report_queue"): "[data-testid=queue-row]",
    reverse("rectification:supervision"): "[data-testid=supervision-row]",
}
# The lists whose rows carry the deadline colour (the class overdue / due-soon on the row).
COLOURED = {
    reverse("clues:batch_list"),
    reverse("rectification:measure_queue"),
    reverse("rectification:report_queue"),
}

# Who must find which queues on his workbench (the demo county has each of these roles).
EXPECTED = {
    "office": {
        "findings_office_review", "dispositions_pending", "leads_to_transfer", "plans_to_review",
        "measures_to_close", "publications_to_approve", "reports_overdue", "transfers_overdue",
    },
    "zuzhang1": {"findings_my_review", "leads_to_triage", "leads_to_propose"},
    "unit1": {"reports_to_sign", "commitments_to_sign", "measures_due"},
    "unit1lx": {"reports_to_fill", "measures_due"},
    "jiwei": {
        "batches_to_acknowledge", "batches_results_due", "batches_overdue", "handover_open", "reports_to_comment",
        "reports_overdue",
    },
    "zuzhibu": {
        "batches_to_acknowledge", "batches_results_due", "batches_overdue", "handover_open", "reports_to_comment",
        "reports_overdue",
    },
    "xinfang": {"batches_to_acknowledge", "batches_results_due", "batches_overdue", "handover_open"},
    "leader": set(),
    "zuyuan1": set(),
}  # fmt: skip


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".app-header .inbox-link")).to_be_visible()


def _tiles(page) -> list[dict]:
    tiles = []
    for tile in page.locator("[data-testid=queue]").all():
        text = tile.inner_text()
        overdue = re.search(r"(\d+)项已逾期", text)
        soon = re.search(r"(\d+)项7日内到期", text)
        tiles.append(
            {
                "key": tile.get_attribute("data-queue"),
                "href": tile.get_attribute("href"),
                "count": int(tile.locator("[data-testid=queue-count]").inner_text()),
                "overdue": int(overdue.group(1)) if overdue else 0,
                "due_soon": int(soon.group(1)) if soon else 0,
            }
        )
    return tiles


def _more_for_the_office():
    """The demo leaves the office's 待销号 and 待审批公开 empty: one measure the unit reported done with
    evidence, one 双公开 draft."""
    rect = Rectification.objects.filter(unit__name=UNIT_ACCOUNTS["unit"]).latest("pk")
    entry = (
        ReportEntry.objects.filter(
            version__report__rectification=rect,
            version__status__in=(VersionStatus.SUBMITTED, VersionStatus.SIGNED),
        )
        .exclude(measure__status=MeasureStatus.CLOSED)
        .first()
    )
    ReportEntry.objects.filter(pk=entry.pk).update(progress=ProgressLevel.DONE)
    ReportEvidence.objects.create(
        entry=entry, file=ContentFile(b"%PDF-1.4", name="evidence.pdf"), name="evidence.pdf", size=8, sha256="0" * 64
    )
    Publication.objects.create(rectification=rect, scope=PublicationScope.PARTY, title="整改进展情况", text="……")


def test_every_roles_queue_counts_what_its_list_shows(page, live_server, shot):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    _more_for_the_office()
    followed = 0
    nonzero = 0
    counts = {}
    for username, expected in EXPECTED.items():
        _login(page, live_server, username)
        page.goto(f"{live_server.url}{reverse('home')}")
        shot(page, f"workbench-{username}")
        tiles = _tiles(page)
        assert {t["key"] for t in tiles} == expected, username
        for tile in tiles:
            path = tile["href"].split("?")[0]
            assert path in ROWS, f"{username}: {tile['key']} opens {tile['href']}, a list the test does not know"
            page.goto(f"{live_server.url}{tile['href']}")
            rows = page.locator(ROWS[path])
            shown = rows.count()
            assert shown == min(tile["count"], PAGE_SIZE), (username, tile, shown)
            if tile["count"] <= PAGE_SIZE and path in COLOURED:
                assert page.locator(f"{ROWS[path]}.overdue").count() == tile["overdue"], (username, tile)
                assert page.locator(f"{ROWS[path]}.due-soon").count() == tile["due_soon"], (username, tile)
            followed += 1
            nonzero += bool(tile["count"])
            counts[username, tile["key"]] = tile["count"]
    assert followed >= 25 and nonzero >= 14  # the demo gives most queues something to count
    assert counts["office", "measures_to_close"] >= 1 and counts["office", "publications_to_approve"] == 1


def test_a_receiver_reads_a_batch_sent_to_it_as_waiting_for_its_signature(page, live_server):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    _login(page, live_server, "zuzhibu")
    page.goto(f"{live_server.url}{reverse('home')}")
    tile = page.locator("[data-queue=batches_to_acknowledge]")
    assert int(tile.locator("[data-testid=queue-count]").inner_text()) >= 1
    tile.click()
    row = page.locator("[data-testid=batch-row]").first
    expect(row).to_contain_text("待签收")
    expect(row).not_to_contain_text("已移交")
    row.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text("待签收")
    # The office, which sent it, still reads 已移交.
    number = page.locator("h1").inner_text().split()[0]
    _login(page, live_server, "office")
    page.goto(f"{live_server.url}{reverse('clues:batch_list')}?status=sent")
    expect(page.locator("[data-testid=batch-row]", has_text=number)).to_contain_text("已移交")
