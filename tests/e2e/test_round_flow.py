"""The office plans a round in a real browser; the team member and the public see what they should."""

import re

import pytest
from playwright.sync_api import expect

from rounds.models import Announcement, AnnouncementStatus, Assignment, Round, UnitType
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, TermFactory, UnitFactory
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from tests.e2e.steps import login as _login
from tests.e2e.steps import logout as _logout
from tests.e2e.steps import make_user as _user
from xuncha.accounts.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _choose(page, select, text):
    """Select the option of `select` whose label contains `text`."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value=value)


def test_office_plans_a_round_member_sees_his_assignment_and_public_sees_the_announcement(
    page, live_server, shot
):
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before publishing
    _user("e2e_office", Role.OFFICE, "办公室干部")
    member_user = _user("e2e_member", Role.TEAM, "组员甲")
    TermFactory(name="第十五届县委")
    finance = UnitFactory(name="县财政局", unit_type=UnitType.DEPARTMENT)
    target = UnitFactory(name="县文化旅游广电局", unit_type=UnitType.DEPARTMENT)
    CadreFactory(name="王组长", home_unit=finance, specialty="纪检监察")
    CadreFactory(name="李组员", home_unit=finance, user=member_user, specialty="财务审计")
    # Another team's assignment in an earlier round: the member must not see it.
    other_team = TeamFactory(round__number=1, round__term=TermFactory(name="第十五届县委"))
    TeamMemberFactory(team=other_team, role=MemberRole.LEADER)
    AnnouncementFactory(assignment=AssignmentFactory(team=other_team, unit=UnitFactory(name="县水利局")))

    # The office creates the round.
    _login(page, live_server, "e2e_office")
    page.click("text=巡察轮次")
    page.click("text=新建轮次")
    page.select_option("#id_term", label="第十五届县委")
    page.fill("#id_number", "2")
    page.select_option("#id_kind", label="常规巡察")
    page.fill("#id_planned_start", "2026-12-01")
    page.fill("#id_planned_end", "2027-02-28")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("第十五届县委第二轮巡察")
    round = Round.objects.get(number=2)

    # It forms a team with a leader and a member.
    page.get_by_role("button", name="新建巡察组").click()
    expect(page.locator("h1")).to_contain_text("第一巡察组")
    for name, role, duty in [("王组长", "组长", "主持全面工作"), ("李组员", "组员", "负责查阅财务资料")]:
        _choose(page, "#id_cadre", name)
        page.select_option("#id_role", label=role)
        page.fill("#id_duty", duty)
        page.get_by_role("button", name="添加", exact=True).click()
        expect(page.locator("table").first).to_contain_text(name)
    shot(page, "e2e-team")

    # It assigns a unit to the team.
    page.goto(f"{live_server.url}/rounds/{round.pk}/")
    page.get_by_role("link", name="分配被巡察单位").click()
    _choose(page, "#id_team", "第一巡察组")
    page.select_option("#id_unit", label="县文化旅游广电局")
    page.fill("#id_onsite_start", "2026-12-10")
    page.fill("#id_onsite_end", "2027-01-20")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("县文化旅游广电局")
    assignment = Assignment.objects.get(round=round, unit=target)

    # It writes and publishes the announcement.
    page.get_by_role("link", name=re.compile("编写公告|编辑公告")).click()
    page.fill("#id_phone", "0749-8321234")
    page.fill("#id_mailbox", "青山县邮政888号信箱")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Announcement.objects.get(assignment=assignment).status == AnnouncementStatus.PUBLISHED
    shot(page, "e2e-assignment")
    _logout(page)

    # The member sees exactly that assignment.
    _login(page, live_server, "e2e_member")
    page.click("text=我的巡察任务")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("县文化旅游广电局")
    expect(page.locator("table").first).not_to_contain_text("县水利局")
    shot(page, "e2e-member-assignments")
    other = Assignment.objects.get(unit__name="县水利局")
    response = page.goto(f"{live_server.url}/assignments/{other.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("页面不存在")
    _logout(page)

    # The public finds the announcement without logging in.
    page.goto(f"{live_server.url}/gonggao/")
    expect(page.locator("body")).to_contain_text("县文化旅游广电局")
    page.get_by_role("link", name=re.compile("县文化旅游广电局")).first.click()
    expect(page.locator("body")).to_contain_text("0749-8321234")
    expect(page.locator("body")).to_contain_text("青山县邮政888号信箱")
    expect(page.locator("body")).not_to_contain_text("李组员")
    shot(page, "e2e-public")
