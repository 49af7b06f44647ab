"""A citizen's online report becomes a case at the discipline commission, driven in a real browser.

The citizen reports from the public announcement page and keeps his receipt code; 组员 zuyuan1 triages the
report and drafts a finding from it; 副组长 fuzuzhang1 and 组长 zuzhang1 approve the finding; zuzhang1
proposes 移交纪委监委 and writes the reply to the reporter; the office confirms and sends a transfer batch to
县纪委监委; jiwei acknowledges it and reports 立案 with one person under the third form; the citizen's
code then shows 已办结 and the reply, and the office's figures count the case and the person.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clues.models import DisciplineForm, Finding, FindingStatus, Lead, LeadStatus, PersonDealt, TransferItem
from clues.tests.factories import CategoryFactory
from rounds.models import Round, RoundStatus
from rounds.services import announcement_publish, unit_set_staff
from rounds.tests.factories import (
    AnnouncementFactory,
    AssignmentFactory,
    RoundFactory,
    TermFactory,
    UnitFactory,
)
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from tests.e2e.steps import login as _login
from tests.e2e.steps import logout as _logout
from tests.e2e.steps import make_user as _user
from xuncha.accounts.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"
REPORT = f"反映县住房和城乡建设局副局长钱某某2025年春节期间收受施工企业礼金2万元。{SCRIPT}"
REPLY = "您反映的问题已移交县纪委监委依规依纪处理，现已办结。感谢您对巡察工作的支持。"


def _nav(page, label):
    page.locator(".app-nav").get_by_role("link", name=label, exact=True).click()


def _success(page, text):
    expect(page.locator(".app-messages .alert-success")).to_contain_text(text)


def _open_lead(page, lead_number):
    _nav(page, "问题线索")
    page.get_by_test_id("lead-table").get_by_role("link", name=lead_number).click()
    expect(page.locator("h1")).to_have_text(lead_number)


def _open_finding(page, title):
    _nav(page, "问题台账")
    page.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)


def _make_county():
    """The office, a stationed round whose 第一巡察组 inspects 县住房和城乡建设局 under a published
    announcement, and 县纪委监委 with its receiving account jiwei."""
    today = timezone.localdate()
    office = _user("office", Role.OFFICE, "巡察办干部")
    team_users = {
        MemberRole.LEADER: _user("zuzhang1", Role.TEAM, "王组长"),
        MemberRole.DEPUTY: _user("fuzuzhang1", Role.TEAM, "赵副组长"),
        MemberRole.MEMBER: _user("zuyuan1", Role.TEAM, "李组员"),
    }
    jiwei = _user("jiwei", Role.JIWEI, "纪委经办人")
    term = TermFactory(name="第十五届县委")
    round = RoundFactory(term=term, number=1)
    team = TeamFactory(round=round, number=1)
    for role, user in team_users.items():
        TeamMemberFactory(team=team, role=role, cadre=CadreFactory(name=user.name, user=user))
    target = UnitFactory(name="县住房和城乡建设局")
    assignment = AssignmentFactory(
        team=team,
        unit=target,
        onsite_start=today - datetime.timedelta(days=10),
        onsite_end=today + datetime.timedelta(days=30),
    )
    announcement = AnnouncementFactory(
        assignment=assignment,
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=30),
    )
    announcement_publish(announcement=announcement, by=office)
    # Assignments are made while the round is prepared; the team has since stationed (进驻).
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.STATIONED)
    round.refresh_from_db()
    jiwei_unit = UnitFactory(name="县纪委监委")
    unit_set_staff(unit=jiwei_unit, users=[jiwei])
    area = CategoryFactory(name="聚焦群众身边不正之风和腐败问题", order=1)
    CategoryFactory(name="违规收受礼品礼金", parent=area, order=1)
    return round


def test_citizen_report_becomes_a_case_and_the_citizen_sees_it_done(page, live_server, shot):
    dialogs = []

    def on_dialog(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.accept()  # the confirm() of data-confirm buttons

    page.on("dialog", on_dialog)
    round = _make_county()

    # 1. A citizen, not logged in, reports from the public announcement page and keeps the receipt code.
    page.goto(f"{live_server.url}/gonggao/")
    page.get_by_role("link", name=re.compile("县住房和城乡建设局")).first.click()
    page.get_by_role("link", name="我要反映问题").click()
    expect(page.locator("h1")).to_have_text("向县委第一巡察组反映问题")
    page.fill("#id_content", REPORT)
    page.get_by_role("button", name="提交").click()
    expect(page.locator("h1")).to_have_text("已收到您反映的问题")
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code), code
    shot(page, "e2e-lead-receipt")
    lead = Lead.objects.get()
    assert lead.is_public_report and lead.content == REPORT

    # 2. 组员 zuyuan1 finds it among the leads; the script in it is shown as text, not run.
    _login(page, live_server, "zuyuan1")
    _nav(page, "问题线索")
    rows = page.get_by_test_id("lead-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("网络/邮箱")
    expect(rows.first).to_contain_text("县住房和城乡建设局")
    rows.first.get_by_role("link", name=lead.number).click()
    expect(page.locator("h1")).to_have_text(lead.number)
    content = page.locator(".lead-content")
    expect(content).to_contain_text(SCRIPT)
    expect(content.locator("script")).to_have_count(0)
    # It triages it in scope.
    triage = page.get_by_test_id("triage")
    triage.get_by_label("属巡察受理范围", exact=True).check()
    triage.get_by_role("button", name="保存甄别结果").click()
    _success(page, "已甄别为属巡察受理范围")
    expect(page.get_by_test_id("triage")).to_contain_text("属巡察受理范围")
    shot(page, "e2e-lead-triaged")

    # 3. zuyuan1 drafts a finding from the lead and submits it.
    page.get_by_role("link", name="起草问题底稿").click()
    expect(page.locator("h1")).to_have_text("撰写问题底稿")
    expect(page.get_by_label(re.compile(re.escape(lead.number)))).to_be_checked()
    page.select_option("#id_category", label="违规收受礼品礼金")
    title = "副局长钱某某收受施工企业礼金"
    page.fill("#id_title", title)
    page.fill(
        "#id_manifestation", "2025年春节期间，副局长钱某某收受辖区施工企业礼金2万元，未按规定登记上交。"
    )
    page.fill("#id_basis", "违反《中国共产党纪律处分条例》第九十七条。")
    page.get_by_role("button", name="保存底稿").click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.get_by_test_id("linked-leads")).to_contain_text(lead.number)
    page.get_by_test_id("review-submit").click()
    _success(page, "已提交审核")
    finding = Finding.objects.get()
    assert finding.status == FindingStatus.SUBMITTED
    shot(page, "e2e-lead-finding-submitted")
    _logout(page)

    # 副组长 fuzuzhang1, then 组长 zuzhang1, approve it.
    for username, step in [("fuzuzhang1", "副组长审核"), ("zuzhang1", "组长审批")]:
        _login(page, live_server, username)
        _open_finding(page, title)
        expect(page.get_by_test_id("review-panel")).to_contain_text(step)
        page.fill("#id_reason", "事实清楚，定性准确。")
        page.get_by_test_id("review-approve").click()
        _success(page, "已审核通过")
        expect(page.get_by_test_id("review-trail")).to_contain_text(step)
        if username == "fuzuzhang1":
            _logout(page)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.LEADER_APPROVED
    shot(page, "e2e-lead-finding-approved")

    # 4. 组长 zuzhang1 proposes 移交纪委监委 with a reason, and writes the reply to the reporter.
    _open_lead(page, lead.number)
    page.get_by_role("link", name="提出处置意见").click()
    page.select_option("#id_disposition", label="移交纪委监委")
    page.fill("#id_reason", "反映问题具体，涉嫌违纪，属纪委监委管辖。")
    page.get_by_role("button", name="提交巡察办确认").click()
    _success(page, "已提出处置意见")
    _open_lead(page, lead.number)
    page.fill("#id_reply", REPLY)
    page.get_by_role("button", name="保存答复").click()
    _success(page, "已保存答复")
    shot(page, "e2e-lead-proposed")
    _logout(page)

    # 5. The office confirms the disposition, gathers the lead into a batch to 县纪委监委 and sends it.
    _login(page, live_server, "office")
    _nav(page, "线索处置")
    page.get_by_role("row", name=re.compile(lead.number)).get_by_role("link", name="确认").click()
    expect(page.get_by_test_id("proposed-reason")).to_contain_text("涉嫌违纪")
    page.get_by_role("button", name="确认处置").click()
    _success(page, "已确认处置方式“移交纪委监委”")
    _nav(page, "线索移交")
    page.get_by_role("link", name=re.compile("组织移交")).click()
    page.select_option("#id_receiver", label="县纪委监委")
    page.get_by_label(lead.number).check()
    page.get_by_role("button", name="生成待移交批次").click()
    _success(page, "已生成移交批次")
    page.get_by_role("button", name="移交", exact=True).click()
    _success(page, "已移交")
    expect(page.locator("h1")).to_contain_text("已移交")
    shot(page, "e2e-lead-batch-sent")
    batch_number = page.locator(".facts").get_by_text(re.compile(r"^县巡移〔\d{4}〕\d+号$")).inner_text()
    _logout(page)

    # 6. jiwei opens the batch, acknowledges it and reports 立案 with one person under the third form.
    _login(page, live_server, "jiwei")
    _nav(page, "线索移交")
    page.get_by_role("link", name=batch_number).click()
    page.get_by_test_id("acknowledge").click()
    _success(page, f"已签收{batch_number}")
    page.get_by_test_id("report-result").click()
    expect(page.locator("h1")).to_have_text("反馈办理结果")
    page.select_option("#id_result", label="立案")
    page.fill("#id_note", "经初步核实，钱某某涉嫌违反廉洁纪律，已立案审查，给予党内严重警告处分。")
    page.fill("#id_persons-0-name", "钱某某")
    page.fill("#id_persons-0-post", "副局长")
    page.select_option("#id_persons-0-form", label="第三种形态")
    page.select_option("#id_persons-0-sanction", label="党纪处分")
    page.fill("#id_persons-0-detail", "党内严重警告")
    page.get_by_role("button", name="保存办理结果").click()
    _success(page, f"已反馈{lead.number}的办理结果")
    item_row = page.get_by_test_id("item-row")
    expect(item_row).to_contain_text("立案")
    expect(item_row).to_contain_text("第三种形态 · 党纪处分：党内严重警告")
    shot(page, "e2e-lead-case")
    _logout(page)

    # 7. The citizen queries his code: 已办结, and the team's reply.
    page.goto(f"{live_server.url}/gonggao/query/")
    page.fill("#id_code", code.lower().replace("-", ""))  # as a person might type it
    page.get_by_role("button", name="查询").click()
    result = page.get_by_test_id("receipt-result")
    expect(result).to_contain_text("已办结")
    expect(result).to_contain_text(REPLY)
    expect(result).not_to_contain_text("钱某某")
    shot(page, "e2e-lead-receipt-done")

    # 8. The office's figures for the round count the case and the person.
    _login(page, live_server, "office")
    _nav(page, "移交成效")
    page.select_option("#id_round", label=str(round))
    page.get_by_role("button", name="查询").click()
    expect(page.locator("h1")).to_contain_text(str(round))
    totals = page.get_by_test_id("totals")
    expect(totals.locator("[data-figure=to_jiwei]")).to_have_text("1")
    expect(totals.locator("[data-figure=cases]")).to_have_text("1")
    expect(totals.locator("[data-figure=persons]")).to_have_text("1")
    expect(totals.locator("[data-figure=forms]")).to_have_text("0 / 0 / 1 / 0")
    team_row = page.get_by_test_id("figures-巡察组").locator("tbody tr")
    expect(team_row).to_have_count(1)
    expect(team_row.first.locator("td")).to_have_text(
        ["第一轮第一巡察组", "1", "0", "0", "1", "1", "0", "0", "1", "0"]
    )
    shot(page, "e2e-lead-figures")

    # What the pages showed is what was stored; and no script ever ran.
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED
    assert lead.public_reply == REPLY
    item = TransferItem.objects.get(lead=lead)
    assert item.result == "case"
    assert item.batch.number == batch_number
    person = PersonDealt.objects.get()
    assert (person.item_id, person.name, person.form, person.sanction) == (
        item.pk,
        "钱某某",
        DisciplineForm.THIRD,
        "party",
    )
    assert not [d for d in dialogs if d[0] == "alert"], dialogs
