"""Feedback and rectification under the 三双 rule, driven in a real browser.

The office prepares the feedback of 县农业农村局 from three approved findings and renders the documents
(the 反馈意见 PDF opens and its text is Chinese), then records the feedback meeting. The principal
unit1 reads his feedback (not the team's 巡察报告), fills in the Excel ledger template and imports it,
drafts and signs both commitments (双承诺) and submits the plan; the office approves it. unit1 writes the
first half-monthly report with evidence, submits it and signs it with his password (签字背书); jiwei
reads it and comments; the signed version cannot be edited, not even by a hand-made POST. The office
closes every measure on the ledger and publishes a 社会公开 text, which a visitor sees without login.
"""

import datetime
import io
import re
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from clues.models import FindingStatus
from clues.tests.factories import CategoryFactory, FindingFactory
from rectification.models import (
    CommitmentKind,
    Measure,
    MeasureKind,
    MeasureStatus,
    Publication,
    PublicationScope,
    PublicationStatus,
    Rectification,
    RectStatus,
    ReportComment,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from rounds.models import Round, RoundStatus
from rounds.services import unit_save
from rounds.tests.factories import AssignmentFactory, RoundFactory, TermFactory, UnitFactory
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from tests.e2e.steps import PASSWORD
from tests.e2e.steps import login as _login
from tests.e2e.steps import logout as _logout
from tests.e2e.steps import make_user as _user
from xuncha.accounts.roles import Role
from xuncha.core.models import DocumentStatus, GeneratedDocument

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNIT_NAME = "县农业农村局"
FINDINGS = [
    # (area, sub-category, title, manifestation)
    (
        "聚焦群众身边不正之风和腐败问题",
        "违规发放津补贴",
        "违规发放津补贴和福利",
        "2025年以加班费名义违规发放津补贴12.6万元。",
    ),
    (
        "聚焦群众身边不正之风和腐败问题",
        "公务接待",
        "公务接待超标准超范围",
        "2025年超标准公务接待6次，无公函接待3次。",
    ),
    (
        "聚焦基层党组织领导班子和干部队伍建设",
        "党组织建设",
        "“三会一课”制度落实不到位",
        "2025年支部委员会会议记录缺失4次。",
    ),
]
SUMMARY = "本期召开党组会专题研究整改工作2次，制定整改方案，建立整改台账，逐项明确责任领导和完成时限。"
PRINCIPAL_REPORT = (
    "本人作为整改第一责任人，主持召开整改动员会，逐项审定整改措施，督促班子成员落实分管领域整改。"
)
COMMENT = "请在下期报告中写明违规发放津补贴的追缴进度和追缴凭证。"


def _nav(page, label):
    page.locator(".app-nav").get_by_role("link", name=label, exact=True).click()


def _success(page, text):
    expect(page.locator(".app-messages .alert-success")).to_contain_text(text)


def _snap(shot, page, name):
    """A full-page screenshot from the top: a page opened at an anchor (#commitments, #m-…) would
    otherwise draw the fixed sidebar and header at the scrolled position."""
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, name)


def _tab(page, label):
    page.get_by_test_id("rect-tabs").get_by_role("link", name=label).click()


def _open_rect(page, nav_label):
    _nav(page, nav_label)
    page.get_by_test_id("rectifications").get_by_role("link", name=UNIT_NAME).click()
    expect(page.locator("h1")).to_contain_text(UNIT_NAME)


def _make_county():
    """A round in 反馈 whose 第一巡察组 inspected 县农业农村局 and has three approved findings; the
    office, the unit's principal and liaison, 纪委监委 and 组织部."""
    today = timezone.localdate()
    office = _user("office", Role.OFFICE, "巡察办干部")
    _user("office2", Role.OFFICE, "巡察办审核人")  # a 社会公开 text is approved by someone else
    principal = _user("unit1", Role.UNIT, "王局长")
    liaison = _user("unit1lx", Role.UNIT, "李联络员")
    _user("jiwei", Role.JIWEI, "纪委监督员")
    _user("zuzhibu", Role.ZUZHIBU, "组织部干部")
    leader = _user("zuzhang1", Role.TEAM, "赵组长")
    term = TermFactory(name="第十五届县委", end_date=today + datetime.timedelta(days=800))
    round = RoundFactory(term=term, number=1)
    team = TeamFactory(round=round, number=1)
    TeamMemberFactory(team=team, role=MemberRole.LEADER, cadre=CadreFactory(name=leader.name, user=leader))
    unit = UnitFactory(name=UNIT_NAME, principal_name="王局长", liaison_name="李联络员")
    assignment = AssignmentFactory(
        team=team,
        unit=unit,
        onsite_start=today - datetime.timedelta(days=90),
        onsite_end=today - datetime.timedelta(days=40),
    )
    unit.principal_user = principal
    unit.liaison_user = liaison
    unit_save(unit=unit)
    areas = {}
    for serial, (area, child, title, manifestation) in enumerate(FINDINGS, start=1):
        if area not in areas:
            areas[area] = CategoryFactory(name=area, order=len(areas) + 1)
        category = CategoryFactory(name=child, parent=areas[area], order=serial)
        FindingFactory(
            assignment=assignment,
            category=category,
            serial=serial,
            title=title,
            manifestation=manifestation,
            responsible_persons="钱某某（办公室主任）",
            status=FindingStatus.APPROVED,
        )
    # Assignments are made while the round is prepared; it has since reached 反馈.
    Round.objects.filter(pk=round.pk).update(status=RoundStatus.FEEDBACK)
    return office, assignment


def _fill_ledger(xlsx: bytes, deadline: datetime.date) -> bytes:
    """One 限期整改 measure per problem on the exported template's rows."""
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["整改台账"]
    headers = [c.value for c in sheet[2]]
    col = {h: headers.index(h) + 1 for h in headers if h}
    filled = 0
    for row in range(3, sheet.max_row + 1):
        seq = sheet.cell(row=row, column=col["问题序号"]).value
        if not seq:
            continue
        values = {
            "整改措施": f"针对问题{seq}制定专项整改措施，建立长效机制",
            "整改目标": f"问题{seq}整改到位",
            "完成时限": deadline,
            "整改类型": "限期整改",
            "责任领导": "王局长",
            "责任党支部（股室）": "办公室",
            "责任人": "张干事",
        }
        for header, value in values.items():
            sheet.cell(row=row, column=col[header]).value = value
        filled += 1
    assert filled == len(FINDINGS), filled
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_feedback_plan_signed_report_supervision_closing_and_publicity(
    browser, page, live_server, shot, tmp_path
):
    dialogs = []

    def on_dialog(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.accept()  # the window.confirm() of data-confirm buttons (static/js/app.js)

    page.on("dialog", on_dialog)
    today = timezone.localdate()
    office, assignment = _make_county()
    titles = [f[2] for f in FINDINGS]

    # 1. The office prepares the feedback from the pending card of the list.
    _login(page, live_server, "office")
    _nav(page, "反馈整改")
    pending = page.get_by_test_id("pending-feedback")
    expect(pending).to_contain_text(UNIT_NAME)
    _snap(shot, page, "rect_01_list_pending")
    pending.get_by_role("link", name="准备反馈").click()
    expect(page.locator("h1")).to_have_text(f"准备反馈：{UNIT_NAME}")
    for title in titles:
        expect(page.get_by_test_id("approved-findings")).to_contain_text(title)
    deadline = today + datetime.timedelta(days=60)
    page.get_by_label("整改期限").fill(deadline.isoformat())
    _snap(shot, page, "rect_02_create")
    page.get_by_test_id("rect-create").click()
    _success(page, "已从审定的问题底稿整理出3个反馈问题")
    rect = Rectification.objects.get(assignment=assignment)
    assert rect.status == RectStatus.PREPARING and rect.deadline == deadline
    expect(page.get_by_test_id("problem")).to_have_count(3)

    # 2. It renders the report and the feedback; the documents finish and the PDF reads as Chinese.
    page.get_by_test_id("feedback-render").click()
    _success(page, "正在生成巡察报告和反馈意见")
    documents = page.get_by_test_id("documents")
    feedback_pdf = documents.locator("tr").filter(has_text="反馈意见").filter(has_text="PDF")
    report_pdf = documents.locator("tr").filter(has_text="情况报告").filter(has_text="PDF")
    expect(feedback_pdf).to_have_count(1)
    expect(report_pdf).to_have_count(1)
    # The page polls (htmx) while a document is queued or rendering; wait for 完成 on each.
    for row in documents.locator("tbody tr").all():
        expect(row.get_by_test_id("doc-status")).to_have_attribute("data-status", "done", timeout=60000)
        expect(row.get_by_test_id("doc-status")).to_contain_text("完成")
    assert set(GeneratedDocument.objects.values_list("status", flat=True)) == {DocumentStatus.DONE}
    _snap(shot, page, "rect_03_documents_done")
    with page.expect_download() as info:
        feedback_pdf.get_by_test_id("doc-download").click()
    pdf_path = tmp_path / "feedback.pdf"
    info.value.save_as(pdf_path)
    assert pdf_path.read_bytes()[:4] == b"%PDF"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert f"关于巡察{UNIT_NAME}的反馈意见" in flat, text[:500]
    for title in titles:
        assert title in flat, (title, text[:2000])
    assert "钱某某" not in flat  # the unit's document names no responsible person
    # Text extraction reads the ToUnicode map, which survives missing glyphs; the glyphs themselves
    # come from embedded CJK fonts (a missing font would show boxes, or fall back unembedded).
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, check=True, text=True).stdout
    font_rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert font_rows and any("CJK" in row[0] for row in font_rows), fonts
    assert all(row[-5] == "yes" for row in font_rows), fonts  # the 'emb' column

    # 3. The office records the feedback meeting (held yesterday).
    page.get_by_test_id("meeting-record").click()
    page.get_by_label("反馈会日期").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("地点").fill("县农业农村局三楼会议室")
    page.get_by_label("参会人员").fill("县委第一巡察组全体成员，县委巡察办负责同志，县农业农村局领导班子成员")
    _snap(shot, page, "rect_04_meeting")
    page.get_by_test_id("meeting-submit").click()
    _success(page, "已记录反馈会")
    expect(page.get_by_test_id("rect-status")).to_have_text("制定方案")
    rect.refresh_from_db()
    assert rect.status == RectStatus.PLANNING and rect.meeting_date == today - datetime.timedelta(days=1)
    _logout(page)

    # 4. unit1 sees the feedback (not the team's report), exports the ledger template, fills it, imports it.
    _login(page, live_server, "unit1")
    _open_rect(page, "反馈整改")
    for title in titles:
        expect(page.get_by_test_id("problems")).to_contain_text(title)
    unit_docs = page.get_by_test_id("documents")
    expect(unit_docs.locator("tbody tr")).to_have_count(2)  # 反馈意见 Word and PDF
    expect(unit_docs).not_to_contain_text("情况报告")
    expect(page.locator("body")).not_to_contain_text("钱某某")
    expect(page.locator("body")).not_to_contain_text("巡察报告总体评价")
    _snap(shot, page, "rect_05_unit_feedback")
    _tab(page, "整改方案与台账")
    expect(page.get_by_test_id("plan-checklist")).to_contain_text("问题1尚未制定整改措施")
    with page.expect_download() as info:
        page.get_by_test_id("plan-export").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    filled = tmp_path / "filled.xlsx"
    measure_deadline = today + datetime.timedelta(days=30)
    filled.write_bytes(_fill_ledger(template.read_bytes(), measure_deadline))
    page.get_by_test_id("plan-import").click()
    page.get_by_label("整改台账 Excel 文件").set_input_files(str(filled))
    _snap(shot, page, "rect_06_import")
    page.get_by_test_id("plan-import-submit").click()
    _success(page, "已导入3条整改措施")
    ledger = page.get_by_test_id("ledger")
    expect(ledger.get_by_test_id("measure-row")).to_have_count(3)
    expect(ledger).to_contain_text("针对问题2制定专项整改措施")
    expect(ledger.get_by_test_id("measure-row").first).to_contain_text("限期整改")
    measures = list(Measure.objects.filter(rectification=rect).order_by("problem__seq", "seq"))
    assert [(m.kind, m.deadline) for m in measures] == [(MeasureKind.DEADLINE, measure_deadline)] * 3

    # 5. unit1 (the principal) drafts and signs both commitments, then submits the plan.
    for kind in (CommitmentKind.PRINCIPAL, CommitmentKind.LEADERSHIP):
        card = page.get_by_test_id(f"commitment-{kind}")
        expect(card.get_by_test_id("commitment-state")).to_have_text("尚未起草")
        card.get_by_test_id("commitment-edit").click()
        expect(page.get_by_label("承诺内容")).not_to_be_empty()
        if kind == CommitmentKind.LEADERSHIP:
            page.get_by_label("领导班子成员").fill("王局长、刘副局长、陈副局长")
        _snap(shot, page, f"rect_07_commitment_{kind}")
        page.get_by_test_id("commitment-save").click()
        _success(page, f"已保存{kind.label}")
        card = page.get_by_test_id(f"commitment-{kind}")
        expect(card.get_by_test_id("commitment-state")).to_have_text("待签署")
        card.get_by_label("登录密码").fill(PASSWORD)
        card.get_by_role("button", name="签署").click()
        _success(page, f"已签署{kind.label}")
        card = page.get_by_test_id(f"commitment-{kind}")
        expect(card.get_by_test_id("commitment-state")).to_have_text("已签署")
        expect(card).to_contain_text("王局长")
    expect(page.get_by_test_id("plan-checklist")).to_contain_text("已具备报送条件")
    _snap(shot, page, "rect_08_plan_ready")
    page.get_by_test_id("plan-submit").click()
    _success(page, "整改方案已报送巡察办审核")
    expect(page.get_by_test_id("plan-state")).to_contain_text("等待巡察办审核")
    expect(page.get_by_test_id("plan-submit")).to_have_count(0)
    _logout(page)

    # 6. The office approves the plan.
    _login(page, live_server, "office")
    _open_rect(page, "反馈整改")
    _tab(page, "整改方案与台账")
    expect(page.get_by_test_id("plan-review")).to_be_visible()
    _snap(shot, page, "rect_09_plan_review")
    page.get_by_test_id("plan-approve").click()
    _success(page, "已审核通过")
    expect(page.get_by_test_id("rect-status")).to_have_text("整改中")
    _logout(page)

    # 7. unit1 writes the first half-monthly report with evidence, submits it and signs it.
    _login(page, live_server, "unit1")
    _open_rect(page, "反馈整改")
    _tab(page, "报告与监督")
    first = page.get_by_test_id("report-row").first
    expect(first).to_contain_text("第1期")
    first.get_by_role("link", name="填写报告").click()
    form = page.get_by_test_id("version-form")
    form.locator("textarea[name=summary]").fill(SUMMARY)
    form.locator("textarea[name=principal_report]").fill(PRINCIPAL_REPORT)
    entries = form.get_by_test_id("entry-form")
    expect(entries).to_have_count(3)
    for i in range(3):
        entry = entries.nth(i)
        entry.get_by_label("进展", exact=True).select_option(label="推进中")
        entry.get_by_label("进展情况").fill(f"措施{i + 1}已启动：完成自查，形成问题清单并逐项推进。")
    entries.first.get_by_label("佐证材料（可多选）").set_input_files(
        files=[
            {
                "name": "退缴凭证.txt",
                "mimeType": "text/plain",
                "buffer": "津补贴退缴凭证：已退缴3.2万元。".encode(),
            }
        ]
    )
    _snap(shot, page, "rect_10_report_form")
    page.get_by_test_id("save-submit").click()
    _success(page, "已报送")
    sign_card = page.get_by_test_id("sign-card")
    expect(sign_card).to_be_visible()
    expect(page.get_by_test_id("entries")).to_contain_text("措施1已启动")
    expect(page.get_by_test_id("evidence-link")).to_have_text("退缴凭证.txt")
    sign_card.get_by_label("请再次输入登录密码").fill(PASSWORD)
    sign_card.get_by_test_id("sign").click()
    _success(page, "已签字背书")
    version = ReportVersion.objects.get(
        report__rectification=rect, report__kind=ReportKind.HALF_MONTHLY, report__period=1
    )
    assert version.status == VersionStatus.SIGNED and re.fullmatch(r"[0-9a-f]{64}", version.sha256)
    seal = page.get_by_test_id("seal")
    expect(seal).to_contain_text("王局长")
    expect(seal.get_by_test_id("seal-hash")).to_have_text(version.sha256)
    expect(page.get_by_test_id("version-status")).to_have_text("已签字背书")
    expect(page.get_by_test_id("sign-card")).to_have_count(0)
    _snap(shot, page, "rect_11_report_signed")
    report_url = page.url.split("?")[0]
    _logout(page)

    # 8. jiwei finds the report under 整改监督, reads it and comments.
    _login(page, live_server, "jiwei")
    _nav(page, "整改监督")
    row = page.get_by_test_id("supervision-row").filter(has_text=UNIT_NAME)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("已签字背书")
    _snap(shot, page, "rect_12_supervision")
    row.get_by_role("link", name=re.compile("第1期")).click()
    expect(page.get_by_test_id("seal-hash")).to_have_text(version.sha256)
    expect(page.locator("body")).to_contain_text(SUMMARY)
    expect(page.locator("body")).to_contain_text(PRINCIPAL_REPORT)
    page.get_by_label("提出监督意见").fill(COMMENT)
    page.get_by_test_id("comment-submit").click()
    _success(page, "监督意见已提交")
    comment = page.get_by_test_id("comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text(COMMENT)
    expect(comment).to_contain_text("纪委")
    _snap(shot, page, "rect_13_comment")
    assert ReportComment.objects.get(version=version).author.username == "jiwei"
    _logout(page)

    # 双报告: the organization department reads the same signed report and sees jiwei's comment.
    _login(page, live_server, "zuzhibu")
    _nav(page, "整改监督")
    row = page.get_by_test_id("supervision-row").filter(has_text=UNIT_NAME)
    expect(row).to_contain_text("已签字背书")
    expect(row.locator("td").last).to_have_text("1")
    row.get_by_role("link", name=re.compile("第1期")).click()
    expect(page.get_by_test_id("seal-hash")).to_have_text(version.sha256)
    expect(page.get_by_test_id("comment")).to_contain_text(COMMENT)
    _logout(page)

    # 9. The signed version cannot be edited: the edit page sends unit1 back, and a hand-made POST
    #    changes nothing.
    _login(page, live_server, "unit1")
    sealed = (version.summary, version.principal_report, version.sha256, version.signed_at)
    page.goto(f"{report_url}edit/")
    expect(page).to_have_url(re.compile(re.escape(report_url) + r"$"))
    expect(page.locator(".app-messages .alert-danger")).to_contain_text("已报送的版本不能修改")
    expect(page.get_by_test_id("version-form")).to_have_count(0)
    expect(page.get_by_test_id("edit-report")).to_have_count(0)
    expect(page.get_by_test_id("correct-card")).to_be_visible()
    _snap(shot, page, "rect_14_signed_not_editable")
    token = page.locator("[data-testid=correct-card] input[name=csrfmiddlewaretoken]").get_attribute("value")
    entry_measure = measures[0].pk
    response = page.request.post(
        f"{report_url}edit/",
        form={
            "csrfmiddlewaretoken": token,
            "summary": "篡改后的整改工作情况",
            "principal_report": "篡改",
            f"progress_{entry_measure}": "done",
            f"narrative_{entry_measure}": "篡改",
            "action": "save",
        },
        headers={"Referer": report_url},
    )
    assert response.ok, response.status
    assert response.url == report_url, response.url  # sent back to the report, not to a form
    assert "已报送的版本不能修改" in response.text()
    version.refresh_from_db()
    assert (version.summary, version.principal_report, version.sha256, version.signed_at) == sealed
    assert version.status == VersionStatus.SIGNED
    assert ReportVersion.objects.filter(report=version.report).count() == 1
    assert not version.entries.filter(narrative="篡改").exists()
    _logout(page)

    # 10. The office closes every measure on the ledger, then writes and publishes a 社会公开 text.
    _login(page, live_server, "office")
    _open_rect(page, "反馈整改")
    _tab(page, "对账销号")
    rows = page.get_by_test_id("measure-row")
    expect(rows).to_have_count(3)
    expect(rows.first.get_by_test_id("latest-progress")).to_contain_text("措施1已启动")
    expect(rows.first.get_by_test_id("evidence-link")).to_have_text("退缴凭证.txt")
    _snap(shot, page, "rect_15_ledger")
    for measure in measures:
        row = page.locator(f"#m-{measure.pk}")
        row.get_by_test_id("close-measure").click()
        row.get_by_placeholder("核查意见（选填）").fill("经查阅佐证材料，已整改到位。")
        row.get_by_role("button", name="确认销号").click()
        _success(page, f"措施{measure.number}已销号")
        expect(page.locator(f"#m-{measure.pk}").get_by_test_id("measure-status")).to_have_text("已销号")
    assert set(Measure.objects.filter(rectification=rect).values_list("status", flat=True)) == {
        MeasureStatus.CLOSED
    }
    _snap(shot, page, "rect_16_ledger_closed")
    _tab(page, "整改公开")
    page.get_by_test_id("publication-new").click()
    page.get_by_label("公开范围").select_option(label="社会公开")
    pub_title = page.get_by_label("标题").input_value()
    assert UNIT_NAME in pub_title, pub_title
    pub_text = page.get_by_label("公开内容").input_value()
    assert pub_text.strip()
    _snap(shot, page, "rect_17_publication_form")
    page.get_by_role("button", name="保存").click()
    _success(page, "公开内容已保存")
    pub_row = page.get_by_test_id("publication-row").filter(has_text=pub_title)
    expect(pub_row).to_contain_text("待审核")
    # No one approves his own text: the drafter is told another office user publishes it.
    expect(pub_row.get_by_test_id("own-draft")).to_be_visible()
    expect(pub_row.get_by_test_id("publish")).to_have_count(0)
    _logout(page)
    _login(page, live_server, "office2")
    _open_rect(page, "反馈整改")
    _tab(page, "整改公开")
    pub_row = page.get_by_test_id("publication-row").filter(has_text=pub_title)
    pub_row.get_by_test_id("publish").click()
    _success(page, f"已社会公开：{pub_title}")
    expect(page.get_by_test_id("publication-row").filter(has_text=pub_title)).to_contain_text("已公开")
    _snap(shot, page, "rect_18_published")
    publication = Publication.objects.get(rectification=rect)
    assert (publication.scope, publication.status) == (PublicationScope.PUBLIC, PublicationStatus.PUBLISHED)

    # 11. A visitor without login sees it on the public page.
    visitor = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        public = visitor.new_page()
        public.set_default_timeout(15000)
        public.goto(f"{live_server.url}/zhenggai/")
        listing = public.get_by_test_id("public-rectifications")
        expect(listing).to_contain_text(UNIT_NAME)
        _snap(shot, public, "rect_19_public_list")
        listing.get_by_role("link", name=pub_title).click()
        article = public.get_by_test_id("public-publication")
        expect(article.locator("h1")).to_have_text(pub_title)
        first_paragraph = next(p.strip() for p in publication.text.splitlines() if p.strip())
        expect(article).to_contain_text(first_paragraph)
        expect(public.locator(".app-user")).to_have_count(0)
        _snap(shot, public, "rect_20_public_detail")
    finally:
        visitor.close()

    # Every dialog was a confirm (no alert), and each irreversible step asked first.
    assert not [d for d in dialogs if d[0] != "confirm"], dialogs
    asked = "\n".join(message for _, message in dialogs)
    for words in [
        "记录反馈会后",
        "签署后主要负责人承诺书不能再修改",
        "签署后领导班子承诺书不能再修改",
        "报送后整改方案和承诺书不能再修改",
        "审核通过后整改进入实施阶段",
        "确定保存并报送",
        "确定签字背书",
        "确定对措施1.1销号",
        "确定审核通过并社会公开",
    ]:
        assert words in asked, (words, dialogs)
