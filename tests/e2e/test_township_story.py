"""A township's cycle with the rules of issue 14 §3, driven in a real browser.

石门镇 and two of its villages are inspected by a team without a 副组长. Through the pages: the office
plans the round (a number that skips numbers is questioned and kept with a note); a member records a
lead dated before the term began (questioned, kept with a note) and submits a finding (the missing
副组长's step is skipped on the record, the writer approves nothing, the 组长 and the office approve); an
online petition handed to 县人社局 comes back with the department's result, which the petitioner reads on
the receipt page only after the 组长 approves its wording. Rectification: the overdue half-monthly
reports are told to 组织部 too (双报告); the office records the hearing far from the end of the second
month (questioned, kept with a note); a returned measure cannot be closed until the unit reports again;
the final report waits until every missed half-monthly report is waived by the office; measures are
closed, one comes back (反弹) and 问责 is recorded; the 社会公开 text names a village official and is
flagged, its drafter cannot approve it, another office user publishes it once the name is removed.

The feedback documents, the Excel ledger import, 双承诺 and signing are driven through the pages by
test_rectification_flow.py; here the rectification (feedback held 75 days ago, plan approved) is set up
by factories so the story can reach the rules that need time to have passed.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clues.models import Finding, FindingStatus, Lead, OutOfScope, ScopeStatus
from clues.services.findings import finding_create
from clues.services.intake import lead_triage
from clues.services.public import public_report_submit
from clues.tests.factories import CategoryFactory
from dashboards.selectors.figures import Scope, figures
from rectification.models import (
    Measure,
    MeasureStatus,
    Publication,
    PublicationStatus,
    RectStatus,
    ReportKind,
    VersionStatus,
)
from rectification.services.reminders import rectification_reminder_sweep
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import Round, RoundStatus, Unit, UnitType
from rounds.services import unit_save
from rounds.services.assignments import announcement_publish
from rounds.tests.factories import (
    AnnouncementFactory,
    AssignmentFactory,
    RoundFactory,
    TermFactory,
    UnitFactory,
)
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from tests.e2e.steps import PASSWORD
from tests.e2e.steps import login as _login
from tests.e2e.steps import logout as _logout
from tests.e2e.steps import make_user as _user
from xuncha.accounts.roles import Role
from xuncha.notifications.models import Notification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOWN = "石门镇"
VILLAGE_OFFICIAL = "黄德旺"  # 青石村's party secretary: a name the system knows, never to be published


def _success(page, text):
    expect(page.locator(".app-messages .alert-success")).to_contain_text(text)


def _error(page, text):
    expect(page.locator("body")).to_contain_text(text)


def _make_township():
    """The office (two users), a county term with its first round, the team (组长 and 组员, no 副组长), the
    town with its principal and liaison and two villages, 纪委监委, 组织部 and 县人社局's staff."""
    today = timezone.localdate()
    for username, role, name in [
        ("office", Role.OFFICE, "巡察办干部"),
        ("office2", Role.OFFICE, "巡察办审核人"),
        ("jiwei", Role.JIWEI, "纪委监督员"),
        ("zuzhibu", Role.ZUZHIBU, "组织部干部"),
        ("leader", Role.LEADER, "县委领导"),
    ]:
        _user(username, role, name)
    term = TermFactory(
        name="第十五届县委", start_date=today - datetime.timedelta(days=700), end_date=today + datetime.timedelta(days=800)
    )
    RoundFactory(term=term, number=1, status=RoundStatus.DONE)
    town = UnitFactory(name=TOWN, unit_type=UnitType.TOWNSHIP, principal_name="周镇长", liaison_name="吴干事")
    town.principal_user = _user("town1", Role.UNIT, "周镇长")
    town.liaison_user = _user("town1lx", Role.UNIT, "吴干事")
    unit_save(unit=town)
    for name, secretary in (("青石村", VILLAGE_OFFICIAL), ("白沙村", "蒋文斌")):
        UnitFactory(name=name, unit_type=UnitType.VILLAGE, parent=town, principal_name=secretary)
    renshe = UnitFactory(name="县人力资源和社会保障局")
    renshe.staff.add(_user("renshe", Role.DEPARTMENT, "人社局经办人"))
    return term


def test_a_township_cycle_holds_the_rules_the_speeches_imply(browser, page, live_server, shot):
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    today = timezone.localdate()
    term = _make_township()

    # 1. New round: 第3轮 after 第1轮 skips a number; the form says so and keeps the office's note.
    _login(page, live_server, "office")
    page.goto(f"{live_server.url}/rounds/new/")
    page.select_option("#id_term", label=str(term))
    page.fill("#id_number", "3")
    page.fill("#id_planned_start", (today - datetime.timedelta(days=120)).isoformat())
    page.fill("#id_planned_end", (today - datetime.timedelta(days=80)).isoformat())
    page.fill("#id_plan_note", "对石门镇及所辖村开展常规巡察，提级巡察青石村、白沙村")
    page.get_by_role("button", name="保存").click()
    _error(page, "第3轮跳过了第2轮；请核对轮次号，确需跳号的，请填写轮次号说明")
    assert not Round.objects.filter(term=term, number=3).exists()
    shot(page, "town_01_round_number_warning")
    page.fill("#id_number_note", "第2轮为市委巡察交叉轮次，县委不使用该轮次号")
    page.get_by_role("button", name="保存").click()
    _success(page, "已创建")
    round = Round.objects.get(term=term, number=3)
    assert round.history.earliest().history_change_reason.startswith("轮次号说明：第2轮为市委巡察交叉轮次")
    _logout(page)

    # The team (no 副组长) is sent to the town and its villages.
    team = TeamFactory(round=round, number=1)
    leader = _user("zuzhang1", Role.TEAM, "赵组长")
    member = _user("zuyuan1", Role.TEAM, "钱组员")
    TeamMemberFactory(team=team, role=MemberRole.LEADER, cadre=CadreFactory(name=leader.name, user=leader))
    TeamMemberFactory(team=team, role=MemberRole.MEMBER, cadre=CadreFactory(name=member.name, user=member))
    assignments = {}
    town = Unit.objects.get(name=TOWN)
    round_units = [town, *Unit.objects.filter(parent=town).order_by("name")]
    for unit in round_units:
        assignments[unit.name] = AssignmentFactory(
            team=team,
            unit=unit,
            onsite_start=today - datetime.timedelta(days=110),
            onsite_end=today - datetime.timedelta(days=85),
        )
    town_assignment = assignments[TOWN]

    # 2. A lead dated before the term began: questioned, then kept with the member's note.
    _login(page, live_server, "zuyuan1")
    page.goto(f"{live_server.url}/assignments/{town_assignment.pk}/leads/new/")
    page.select_option("#id_channel", label="来信")
    before_term = term.start_date - datetime.timedelta(days=20)
    page.fill("#id_received_on", before_term.isoformat())
    page.fill("#id_subject_name", "郑某某")
    page.fill("#id_content", "反映镇财政所2021年底违规拨付村级资金。")
    page.get_by_role("button", name="登记").click()
    _error(page, f"早于{term}的开始日期")
    _error(page, "请填写日期说明")
    assert not Lead.objects.exists()
    page.fill("#id_date_note", "上届巡察移交的遗留信访件，按原收件日期补录")
    page.get_by_role("button", name="登记").click()
    _success(page, "已登记")
    lead = Lead.objects.get()
    assert lead.received_on == before_term

    # 3. The member submits his finding: the 副组长's step is skipped on the record, he approves nothing.
    area = CategoryFactory(name="聚焦群众身边不正之风和腐败问题", order=1)
    category = CategoryFactory(name="惠农资金", parent=area, order=1)
    finding = finding_create(
        assignment=town_assignment,
        data={
            "category": category,
            "title": "惠农补贴发放审核不严",
            "manifestation": "2025年向不符合条件的4户发放惠农补贴1.2万元。",
            "basis": "违反惠农补贴资金管理办法。",
            "responsible_persons": "冯某某（镇农办主任）",
        },
        by=member,
    )
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    page.get_by_test_id("review-submit").click()
    trail = page.get_by_test_id("review-trail")
    expect(trail).to_contain_text("跳过")
    expect(trail).to_contain_text("本组未设副组长，副组长审核环节跳过")
    expect(page.get_by_test_id("review-approve")).to_have_count(0)
    shot(page, "town_02_finding_skipped_step")
    _logout(page)
    for username in ("zuzhang1", "office"):
        _login(page, live_server, username)
        page.goto(f"{live_server.url}/findings/{finding.pk}/")
        page.get_by_test_id("review-approve").click()
        _success(page, "")
        _logout(page)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.APPROVED
    assert list(finding.reviews.values_list("action", flat=True)) == ["submit", "skip", "approve", "approve"]

    # 4. An online petition outside the inspection's scope goes to 县人社局; its result reaches the
    #    petitioner once the 组长 approves the wording.
    announcement = announcement_publish(
        announcement=AnnouncementFactory(
            assignment=town_assignment,
            start_date=today - datetime.timedelta(days=3),
            end_date=today + datetime.timedelta(days=30),
        ),
        by=None,
    )
    code = public_report_submit(
        announcement=announcement, content="本人在镇敬老院务工受伤，工伤赔偿一直未落实。", ip="10.0.0.8"
    )
    petition = Lead.objects.get(is_public_report=True)
    lead_triage(
        lead=petition,
        scope=ScopeStatus.OUT_OF_SCOPE,
        category=OutOfScope.PERSONAL,
        handed_to=Unit.objects.get(name="县人力资源和社会保障局"),
        explanation="属个人诉求，已转县人社局依法办理。",
        by=member,
    )
    _login(page, live_server, "renshe")
    page.goto(f"{live_server.url}/handover/{petition.pk}/")
    page.locator("textarea[name=outcome]").fill("经调查，已督促用人单位支付工伤赔偿金2.3万元。经办人：孙某，电话略。")
    page.get_by_role("button", name="提交办理结果").click()
    _logout(page)

    visitor = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        public = visitor.new_page()
        public.goto(f"{live_server.url}/gonggao/query/")
        public.fill("#id_code", code)
        public.locator("form button[type=submit]").click()
        expect(public.locator("body")).to_contain_text("已办结")
        expect(public.get_by_test_id("receipt-outcome")).to_have_count(0)

        _login(page, live_server, "zuzhang1")
        page.goto(f"{live_server.url}/leads/{petition.pk}/")
        card = page.get_by_test_id("public-outcome")
        expect(card).to_contain_text("待审定")
        card.locator("textarea").fill("经调查，已督促用人单位支付工伤赔偿金。")
        card.get_by_test_id("approve-outcome").click()
        _success(page, "已审定办理结果")
        shot(page, "town_03_outcome_approved")
        _logout(page)

        public.goto(f"{live_server.url}/gonggao/query/")
        public.fill("#id_code", code)
        public.locator("form button[type=submit]").click()
        expect(public.get_by_test_id("receipt-outcome")).to_contain_text("已督促用人单位支付工伤赔偿金")
        expect(public.locator("body")).not_to_contain_text("孙某")
        shot(public, "town_04_receipt_outcome")
    finally:
        visitor.close()

    # 5. Rectification: the feedback meeting was 75 days ago, the plan is approved. Missed half-monthly
    #    reports are told to the office, 纪委监委 and 组织部 (双报告).
    rect = RectificationFactory(
        assignment=town_assignment,
        status=RectStatus.IN_PROGRESS,
        meeting_date=today - datetime.timedelta(days=75),
        deadline=today + datetime.timedelta(days=20),
        meeting_place="石门镇党委会议室",
    )
    problem = ProblemFactory(rectification=rect, seq=1, title="惠农补贴发放审核不严", finding=finding)
    m1 = MeasureFactory(problem=problem, seq=1, content="追回违规发放的惠农补贴", responsible_leader="周镇长")
    m2 = MeasureFactory(problem=problem, seq=2, content="建立惠农补贴三级审核制度", responsible_leader="周镇长")
    assert rectification_reminder_sweep() > 0
    _login(page, live_server, "zuzhibu")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("body")).to_contain_text("已逾期")
    _logout(page)
    note = Notification.objects.get(recipient__username="zuzhibu", title__contains="已逾期")
    assert TOWN in note.body

    # 6. The hearing, recorded afterwards for a date far from the end of the second month: questioned.
    _login(page, live_server, "office")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/meetings/hearing/new/")
    early = rect.meeting_date + datetime.timedelta(days=20)
    page.fill("#id_date", early.isoformat())
    page.fill("#id_participants", "县纪委监委、县委组织部、县委巡察办")
    page.fill("#id_minutes", "听取石门镇整改进展情况汇报。")
    page.get_by_role("button", name="登记").click()
    _error(page, "确需在该日期召开的，请填写日期说明")
    page.fill("#id_date_note", "配合全县惠农资金专项检查提前听取")
    page.get_by_role("button", name="登记").click()
    _success(page, "已登记")
    expect(page.get_by_test_id("hearing")).to_contain_text("配合全县惠农资金专项检查提前听取")

    # 7. The office returns a measure; closing it before the unit reports again is refused.
    page.goto(f"{live_server.url}/rectification/{rect.pk}/ledger/")
    row = page.locator(f"#m-{m1.pk}")
    row.locator("summary", has_text="退回").click()
    row.get_by_placeholder("未完成整改的情况和要求（必填）").fill("追回凭证不全，请补充。")
    row.get_by_role("button", name="确认退回").click()
    expect(page.locator(f"#m-{m1.pk}").get_by_test_id("measure-status")).to_have_text("退回重改")
    row = page.locator(f"#m-{m1.pk}")
    row.get_by_test_id("close-measure").click()
    row.get_by_role("button", name="确认销号").click()
    _error(page, "须待单位在整改报告中报送新的整改进展或佐证材料后才能销号")
    assert Measure.objects.get(pk=m1.pk).status == MeasureStatus.RETURNED
    _logout(page)

    # 8. The final report waits while half-monthly reports are missing; the office waives them.
    final = rect.reports.get(kind=ReportKind.FINAL)
    _login(page, live_server, "town1lx")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/reports/{final.pk}/edit/")
    form = page.get_by_test_id("version-form")
    form.locator("textarea[name=summary]").fill("镇党委召开专题会议3次，逐项推进整改。")
    form.locator("textarea[name=principal_report]").fill("本人主持整改，逐项审定措施。")
    entries = form.get_by_test_id("entry-form")
    for i in range(entries.count()):
        entries.nth(i).get_by_label("进展", exact=True).select_option(label="已完成")
        entries.nth(i).get_by_label("进展情况").fill("已追回补贴1.2万元，制度已印发。")
    page.get_by_test_id("save-submit").click()
    _error(page, "还有半月进展报告未报送，整改情况报告暂不能报送")
    shot(page, "town_05_final_report_held")
    _logout(page)
    _login(page, live_server, "office")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/reports/")
    missed = rect.reports.filter(kind=ReportKind.HALF_MONTHLY, due_date__lte=today).count()
    assert missed >= 4
    for _ in range(missed):
        page.get_by_test_id("waive-open").first.click()
        page.get_by_test_id("waive-reason").first.fill("集中整改期间并入整改情况报告")
        page.get_by_test_id("waive").first.click()
        _success(page, "免报")
    expect(page.get_by_test_id("waived")).to_have_count(missed)
    _logout(page)
    _login(page, live_server, "town1lx")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/reports/{final.pk}/edit/")
    page.get_by_test_id("save-submit").click()
    _success(page, "已报送")
    _logout(page)

    # 9. 对账销号 (the returned measure too, now the unit has reported), 反弹, 问责.
    _login(page, live_server, "office")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/ledger/")
    for measure in (m1, m2):
        row = page.locator(f"#m-{measure.pk}")
        row.get_by_test_id("close-measure").click()
        row.get_by_role("button", name="确认销号").click()
        _success(page, f"措施{measure.number}已销号")
    row = page.locator(f"#m-{m2.pk}")
    row.locator("summary", has_text="反弹重开").click()
    row.get_by_placeholder("问题反弹的情况（必填）").fill("回头看发现又有2户不符合条件的农户领取补贴。")
    row.get_by_role("button", name="确认重开").click()
    expect(page.locator(f"#m-{m2.pk}")).to_contain_text("反弹1次")
    page.get_by_test_id("accountability-add").click()
    page.select_option("#id_target", value="person")
    page.fill("#id_target_name", "冯某某")
    page.fill("#id_target_post", "镇农办主任")
    page.select_option("#id_reason", index=1)
    page.fill("#id_facts", "惠农补贴审核把关不严，整改后问题反弹。")
    page.fill("#id_action", "诫勉谈话")
    page.fill("#id_decided_on", today.isoformat())
    page.get_by_role("button", name="保存").click()
    _success(page, "问责情况已记录")
    expect(page.get_by_test_id("accountabilities")).to_contain_text("诫勉谈话")
    shot(page, "town_06_reopened_and_accountability")
    _logout(page)

    # 10. 双公开: a text naming a village official is flagged; its drafter cannot approve it; another
    #     office user publishes it once the name is gone.
    _login(page, live_server, "office")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/publicity/")
    page.get_by_test_id("publication-new").click()
    page.get_by_label("公开范围").select_option(label="社会公开")
    text = page.get_by_label("公开内容").input_value()
    page.get_by_label("公开内容").fill(text + f"\n青石村党支部书记{VILLAGE_OFFICIAL}同志带头整改。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".app-messages")).to_contain_text(f"含有人员姓名：{VILLAGE_OFFICIAL}")
    row = page.get_by_test_id("publication-row").first
    expect(row.get_by_test_id("personal-data-flags")).to_contain_text(VILLAGE_OFFICIAL)
    expect(row.get_by_test_id("own-draft")).to_be_visible()
    shot(page, "town_07_publication_flagged")
    _logout(page)

    _login(page, live_server, "office2")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/publicity/")
    row = page.get_by_test_id("publication-row").first
    expect(row.get_by_test_id("override-reason")).to_be_visible()
    _logout(page)
    # The drafter removes the name (a second office user editing would make him a drafter too).
    _login(page, live_server, "office")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/publicity/")
    page.get_by_test_id("publication-row").first.get_by_role("link", name="修改").click()
    page.get_by_label("公开内容").fill(text)
    page.get_by_role("button", name="保存").click()
    _success(page, "公开内容已修改")
    _logout(page)
    _login(page, live_server, "office2")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/publicity/")
    row = page.get_by_test_id("publication-row").first
    expect(row.get_by_test_id("personal-data-flags")).to_have_count(0)
    row.get_by_test_id("publish").click()
    _success(page, "已社会公开")
    publication = Publication.objects.get(rectification=rect)
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.published_by.username == "office2" and VILLAGE_OFFICIAL not in publication.text
    shot(page, "town_08_published")
    _logout(page)

    # 11. The principal signs the final report (签字背书); the leader's round dashboard counts what
    #     happened: one measure closed, the rebounded one open again, the approved finding.
    _login(page, live_server, "town1")
    page.goto(f"{live_server.url}/rectification/{rect.pk}/reports/{final.pk}/")
    sign_card = page.get_by_test_id("sign-card")
    sign_card.get_by_label("请再次输入登录密码").fill(PASSWORD)
    sign_card.get_by_test_id("sign").click()
    _success(page, "已签字背书")
    assert final.versions.get(status=VersionStatus.SIGNED).signed_by.username == "town1"
    _logout(page)
    _login(page, live_server, "leader")
    page.goto(f"{live_server.url}/dashboard/rounds/{round.pk}/")
    cards = page.locator(".dash-cards")
    closed = Measure.objects.filter(rectification=rect, status=MeasureStatus.CLOSED).count()
    assert closed == 1 and Measure.objects.filter(rectification=rect, status=MeasureStatus.OPEN).count() >= 1
    expect(cards.locator("a[data-figure=measures_closed]")).to_have_text(str(closed))
    expect(cards.locator("a[data-figure=measures]")).to_have_text(str(Measure.objects.filter(rectification=rect).count()))
    expected = figures(Scope(term, round))
    assert expected["measures_closed"] == closed and expected["findings"] >= 1
    expect(cards.locator("a[data-figure=findings]")).to_have_text(str(expected["findings"]))
    shot(page, "town_09_leader_dashboard")
    _logout(page)

    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.APPROVED
    assert any("确定同意该期半月进展报告免报" in d for d in dialogs), dialogs
