"""The office imports two past rounds (历史轮次录入) in a real browser: the dry run shows how the dashboard's
figures would change, the confirmation imports, and the coverage and a 回头看 comparison use them."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from archive.tests.world import World, sheets_two_rounds, workbook_bytes
from rounds.models import Assignment, Round
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role, role_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-pass-2026"


def test_office_imports_two_past_rounds(page, live_server, shot, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before importing
    office = User.objects.create_user("e2e_office", password=PASSWORD, name="办公室干部", email="o@example.org")
    office.groups.add(role_group(Role.OFFICE))
    world = World()
    path = tmp_path / "第十五届县委历史轮次.xlsx"
    path.write_bytes(workbook_bytes(sheets_two_rounds()))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "e2e_office")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".app-user .user-name")).to_be_visible()

    # Coverage before: nothing inspected in the term.
    page.goto(live_server.url + reverse("rounds:term_coverage", args=[world.term.pk]))
    expect(page.get_by_test_id("covered-count")).to_have_text("0")

    page.goto(live_server.url + reverse("rounds:round_list"))
    page.get_by_role("link", name="历史轮次录入").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并试导入").click()

    # The dry run: nothing saved yet, the figures before and after.
    expect(page.get_by_test_id("dry-run-note")).to_be_visible()
    figures = page.get_by_test_id("figure-changes")
    expect(figures.locator("tr[data-figure=units_covered] td").nth(3)).to_have_text("+2")
    expect(figures.locator("tr[data-figure=findings] td").nth(3)).to_have_text("+4")
    expect(figures.locator("tr[data-figure=cases] td").nth(3)).to_have_text("+1")
    expect(figures.locator("tr[data-figure=persons] td").nth(3)).to_have_text("+2")
    expect(figures.locator("tr[data-figure=completion_rate] td").nth(2)).to_have_text("80.0")
    assert not Round.objects.exists()
    shot(page, "archive-dry-run")

    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("已导入")
    assert Round.objects.filter(archive_import__isnull=False).count() == 2

    # The coverage counts the archival rounds.
    page.goto(live_server.url + reverse("rounds:term_coverage", args=[world.term.pk]))
    expect(page.get_by_test_id("covered-count")).to_have_text("2")

    # 回头看: round 2 revisits round 1; its page shows round 1's ledger beside the current state.
    lookback = Assignment.objects.get(round__number=2, unit=world.finance)
    page.goto(live_server.url + reverse("rectification:lookback", args=[lookback.pk]))
    expect(page.get_by_text("修订政府采购内控制度")).to_be_visible()
    expect(page.get_by_test_id("archive-banner").first).to_be_visible()
    shot(page, "archive-lookback")

    # The round's page shows its source and offers no edit.
    round = Round.objects.get(number=1)
    page.goto(live_server.url + reverse("rounds:round_detail", args=[round.pk]))
    expect(page.get_by_test_id("archive-banner")).to_contain_text("第十五届县委历史轮次.xlsx")
    expect(page.get_by_role("link", name="编辑方案")).to_have_count(0)
    expect(page).to_have_title(re.compile("第十五届县委第一轮巡察"))
    shot(page, "archive-round")
