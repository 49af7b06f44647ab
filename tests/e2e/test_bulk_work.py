"""Bulk work in a real browser (issue 14 §2): the office assigns a town with its villages in one table,
then generates and publishes their announcements from one template; the tick-all box and the count work
under the Content-Security-Policy (no inline script), the confirmation comes before anything is saved,
and the outcome lists every row."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rounds.models import Announcement, AnnouncementStatus, Assignment, AssignmentMode, UnitType
from rounds.tests.factories import UnitFactory
from teams.tests.factories import TeamFactory
from tests.e2e.steps import PASSWORD
from tests.e2e.steps import login as _login
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role, role_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_assigns_a_town_with_its_villages_and_publishes_their_announcements(page, live_server, shot):
    office = User.objects.create_user("e2e_office", password=PASSWORD, name="巡察办", email="o@example.org")
    office.groups.add(role_group(Role.OFFICE))
    team = TeamFactory()
    town = UnitFactory(name="白沙镇", unit_type=UnitType.TOWNSHIP)
    villages = [UnitFactory(name=f"白沙镇{n}村", unit_type=UnitType.VILLAGE, parent=town) for n in "东西南北"]

    _login(page, live_server, "e2e_office")
    page.goto(f"{live_server.url}{reverse('rounds:round_detail', args=[team.round_id])}")
    page.get_by_test_id("town-assign-link").click()
    page.select_option("#id_team", str(team.pk))
    page.select_option("#id_town", str(town.pk))
    page.get_by_role("button", name="列出乡镇及所属村/社区").click()
    rows = page.get_by_test_id("town-rows").locator("tbody tr")
    expect(rows).to_have_count(5)
    page.fill("#id_onsite_start", "2026-04-01")
    page.fill("#id_onsite_end", "2026-05-15")
    # 北村 left out; 东村 提级.
    page.locator(f"input[name=include_{villages[3].pk}]").uncheck()
    page.select_option(f"select[name=mode_{villages[0].pk}]", AssignmentMode.ELEVATED)
    shot(page, "bulk-town")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("town-save").click()
    expect(page.locator(".app-messages")).to_contain_text("已安排")
    assert dict(Assignment.objects.filter(team=team).values_list("unit__name", "mode")) == {
        "白沙镇": AssignmentMode.REGULAR,
        "白沙镇东村": AssignmentMode.ELEVATED,
        "白沙镇西村": AssignmentMode.EXTENDED,
        "白沙镇南村": AssignmentMode.EXTENDED,
    }

    # Sent on to the announcements of this team: the four are ticked, and the count says so.
    expect(page.locator("h1")).to_have_text("批量生成巡察公告")
    expect(page.locator("[data-bulk-count=announcement-bulk]")).to_have_text("4")
    page.locator("[data-bulk-all=announcement-bulk]").uncheck()
    expect(page.locator("[data-bulk-count=announcement-bulk]")).to_have_text("0")
    page.locator("[data-bulk-all=announcement-bulk]").check()
    expect(page.locator("[data-bulk-count=announcement-bulk]")).to_have_text("4")
    page.fill("input[name=phone]", "0797-8123456")
    page.fill("input[name=mailbox]", "青山县邮政信箱001号")
    page.check("input[name=publish]")
    page.get_by_test_id("bulk-submit").click()
    expect(page.locator("h1")).to_have_text("确认批量生成巡察公告")
    assert not Announcement.objects.exists()  # nothing before the confirmation
    page.get_by_test_id("bulk-confirm").click()
    expect(page.get_by_test_id("bulk-summary")).to_contain_text("已办理 4 行")
    shot(page, "bulk-announcements-result")
    assert list(Announcement.objects.values_list("status", flat=True).distinct()) == [AnnouncementStatus.PUBLISHED]
