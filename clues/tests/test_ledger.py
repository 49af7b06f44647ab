"""The issue ledger (问题台账): who sees which findings, its filters and totals, the Excel export and the
Word 底稿审批单."""

import hashlib
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from clues.documents.findings import render_finding_approval
from clues.models import FindingStatus, Severity
from clues.selectors.findings import EXPORT_COLUMNS, finding_list, ledger_totals
from clues.services.findings import finding_create, finding_review
from clues.tests.factories import CategoryFactory, FindingFactory, LeadFactory
from clues.tests.test_findings import PDF, approve_all, build_world, data
from rounds.tests.factories import AssignmentFactory, UnitFactory
from teams.models import MemberRole
from teams.tests.factories import TeamMemberFactory
from tests.docx_checks import assert_fonts_fall_back, assert_page_numbers

pytestmark = pytest.mark.django_db

LEDGER = "clues:finding_list"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def ledger(world):
    """Five findings of team 1 and one of team 2, across categories, severities and flags."""
    other_area = CategoryFactory(name="测试领域：基层党组织建设", order=3)
    party = CategoryFactory(name="党组织建设", parent=other_area)
    welfare = FindingFactory(
        assignment=world.assignment, category=world.category, title="违规发放津补贴", severity=Severity.GRAVE, is_key=True
    )
    meals = FindingFactory(
        assignment=world.assignment,
        category=world.category,
        title="违规公款吃喝",
        fixed_on_site=True,
        on_site_action="已退赔餐费",
    )
    area_itself = FindingFactory(assignment=world.assignment, category=world.area, title="侵害群众利益")
    branch = FindingFactory(
        assignment=world.assignment, category=party, title="组织生活不规范", severity=Severity.SERIOUS, fixed_on_site=True
    )
    other_unit = AssignmentFactory(team=world.team, unit=UnitFactory(name="青山县审计局"))
    audit = FindingFactory(assignment=other_unit, category=party, title="三会一课不落实", status=FindingStatus.APPROVED)
    team_b = FindingFactory(assignment=world.other_assignment, category=world.category, title="第二组发现的问题")
    return {
        "welfare": welfare,
        "meals": meals,
        "area_itself": area_itself,
        "branch": branch,
        "audit": audit,
        "team_b": team_b,
        "other_area": other_area,
        "party": party,
    }


def titles(response) -> set[str]:
    return {f.title for f in response.context["page_obj"].object_list}


# --- who sees what ------------------------------------------------------------------------------------


def test_a_team_member_sees_his_teams_findings_and_the_office_and_leadership_all(world, ledger, client_for):
    member = client_for(world.writer).get(reverse(LEDGER))
    assert titles(member) == {"违规发放津补贴", "违规公款吃喝", "侵害群众利益", "组织生活不规范", "三会一课不落实"}
    for user in (world.office, world.county_leader):
        assert "第二组发现的问题" in titles(client_for(user).get(reverse(LEDGER)))
    assert titles(client_for(world.other_member).get(reverse(LEDGER))) == {"第二组发现的问题"}


def test_for_the_inspected_unit_the_ledger_and_its_export_do_not_exist(world, ledger, client_for):
    client = client_for(world.unit_user)
    response = client.get(reverse(LEDGER))
    assert response.status_code == 404
    assert "违规发放津补贴" not in response.content.decode()
    assert client.get(reverse("clues:finding_export")).status_code == 404


# --- filters and totals -------------------------------------------------------------------------------


def test_an_area_filter_takes_its_sub_categories(world, ledger, client_for):
    client = client_for(world.office)
    by_area = client.get(reverse(LEDGER), {"category": world.area.pk})
    assert titles(by_area) == {"违规发放津补贴", "违规公款吃喝", "侵害群众利益", "第二组发现的问题"}
    by_sub = client.get(reverse(LEDGER), {"category": world.category.pk})
    assert titles(by_sub) == {"违规发放津补贴", "违规公款吃喝", "第二组发现的问题"}
    other = client.get(reverse(LEDGER), {"category": ledger["other_area"].pk})
    assert titles(other) == {"组织生活不规范", "三会一课不落实"}


def test_filters_by_fixed_on_site_severity_key_status_unit_team_and_title(world, ledger, client_for):
    client = client_for(world.office)
    assert titles(client.get(reverse(LEDGER), {"fixed": "yes"})) == {"违规公款吃喝", "组织生活不规范"}
    assert "违规公款吃喝" not in titles(client.get(reverse(LEDGER), {"fixed": "no"}))
    assert len(titles(client.get(reverse(LEDGER), {"fixed": "no"}))) == 4
    assert titles(client.get(reverse(LEDGER), {"severity": Severity.GRAVE})) == {"违规发放津补贴"}
    assert titles(client.get(reverse(LEDGER), {"key": "yes"})) == {"违规发放津补贴"}
    assert titles(client.get(reverse(LEDGER), {"status": FindingStatus.APPROVED})) == {"三会一课不落实"}
    assert titles(client.get(reverse(LEDGER), {"unit": ledger["audit"].unit_id})) == {"三会一课不落实"}
    assert titles(client.get(reverse(LEDGER), {"team": world.other_team.pk})) == {"第二组发现的问题"}
    assert titles(client.get(reverse(LEDGER), {"q": "吃喝"})) == {"违规公款吃喝"}
    combined = client.get(reverse(LEDGER), {"category": world.area.pk, "fixed": "yes", "team": world.team.pk})
    assert titles(combined) == {"违规公款吃喝"}


def test_the_round_ledger_is_the_list_with_its_filter_preset(world, ledger, client_for):
    response = client_for(world.office).get(reverse(LEDGER), {"round": world.round.pk, "team": world.team.pk})
    assert len(titles(response)) == 5
    assert "问题台账<span class=\"text-muted fw-normal\"> · 第十六届县委第六轮巡察 · 第一巡察组" in response.content.decode()


def test_totals_count_the_filtered_ledger(world, ledger, client_for):
    response = client_for(world.writer).get(reverse(LEDGER), {"category": world.area.pk})
    totals = response.context["totals"]
    assert (totals.total, totals.key, totals.fixed, totals.approved) == (3, 1, 1, 0)
    assert totals.by_severity == [("严重", 1), ("较重", 0), ("一般", 2)]
    text = response.content.decode()
    assert "共 <strong>3</strong> 个问题：严重 1、较重 0、一般 2；重点问题 <strong>1</strong> 个；立行立改 <strong>1</strong> 个" in text
    all_totals = ledger_totals(finding_list(world.office))
    assert (all_totals.total, all_totals.fixed, all_totals.approved) == (6, 2, 1)


def test_a_stale_filter_is_ignored_not_the_others(world, ledger, client_for):
    response = client_for(world.office).get(reverse(LEDGER), {"category": 999999, "severity": Severity.GRAVE})
    assert titles(response) == {"违规发放津补贴"}


def test_an_htmx_filter_returns_only_the_results(world, ledger, client_for):
    response = client_for(world.office).get(reverse(LEDGER), {"fixed": "yes"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'data-testid="ledger"' in html and "<html" not in html and 'class="filter-bar' not in html
    assert "违规公款吃喝" in html and "违规发放津补贴" not in html


def test_a_ledger_row_kept_rendered_shows_every_change_to_it(world, ledger, client_for):
    """A row's cells are cached rendered under what they show (selectors.ledger_page_rows): each change
    below, to the finding or to what its row names, is on the next view."""
    client = client_for(world.office)
    finding = ledger["branch"]

    def row() -> str:
        page = client.get(reverse(LEDGER)).content.decode()
        link = f'href="{reverse("clues:finding_detail", args=[finding.pk])}"'
        return page.split(link, 1)[1].split("</tr>", 1)[0]

    assert "组织生活不规范" in row() and "已立行立改" in row() and "测试领域：基层党组织建设" in row()
    finding.title, finding.is_key, finding.fixed_on_site = "组织生活会流于形式", True, False
    finding.severity, finding.status = Severity.GRAVE, FindingStatus.APPROVED
    finding.save()
    shown = row()
    assert "组织生活会流于形式" in shown and "重点" in shown and "已立行立改" not in shown
    assert Severity.GRAVE.label in shown and FindingStatus.APPROVED.label in shown
    unit = finding.unit
    unit.name = "青山县财政局（改）"
    unit.save()
    assert "青山县财政局（改）" in row()
    ledger["party"].name = "党的组织建设"
    ledger["party"].save()
    ledger["other_area"].name = "测试领域：组织建设"
    ledger["other_area"].save()
    assert "党的组织建设" in row() and "测试领域：组织建设" in row()
    world.team.number = 3
    world.team.save()  # the number names the team
    assert "巡3组" in row()


def test_the_ledger_costs_the_same_queries_for_3_and_30_findings(world, client_for):
    client = client_for(world.office)

    def count(page=1):
        cache.clear()  # counted cold: the totals are cached until a finding changes
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(LEDGER), {"page": page})
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.context["page_obj"].object_list)

    sub_categories = [CategoryFactory(parent=world.area) for _ in range(3)]
    for i in range(3):
        FindingFactory(assignment=world.assignment, category=sub_categories[i % 3])
    few, shown_few = count()
    for i in range(27):
        assignment = world.assignment if i % 2 else AssignmentFactory(team=world.team)
        FindingFactory(assignment=assignment, category=sub_categories[i % 3])
    many, shown_many = count()
    deep, shown_deep = count(page=2)
    assert (shown_few, shown_many, shown_deep) == (3, 20, 10)
    assert few == many == deep


# --- export -------------------------------------------------------------------------------------------


def export(client, **params):
    response = client.get(reverse("clues:finding_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_the_export_holds_exactly_the_filtered_rows_in_the_ledger_columns(world, ledger, client_for):
    sheet = export(client_for(world.office), category=world.area.pk, fixed="no")
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [h for h, _ in EXPORT_COLUMNS]
    assert list(rows[0])[:7] == ["编号", "轮次", "巡察组", "被巡察单位", "问题类别（领域）", "问题类别", "问题标题"]
    by_title = {r[6]: r for r in rows[1:]}
    assert set(by_title) == {"违规发放津补贴", "侵害群众利益", "第二组发现的问题"}
    welfare = by_title["违规发放津补贴"]
    assert welfare[0] == ledger["welfare"].number
    assert welfare[1:6] == ("第十六届县委第六轮巡察", "第一巡察组", "青山县财政局", world.area.name, "中央八项规定精神")
    assert welfare[10:15] == ("严重", "是", "否", None, "起草中")
    # A finding filed under the area itself has the area and no sub-category.
    assert by_title["侵害群众利益"][4:6] == (world.area.name, None)


def test_the_export_never_holds_who_reported(world, client_for):
    lead = LeadFactory(
        assignment=world.assignment,
        reporter_named=True,
        reporter_name="举报人赵六",
        reporter_phone="13912345678",
        reporter_work_unit="青山县某某公司",
    )
    finding_create(assignment=world.assignment, data=data(world), leads=[lead], by=world.writer)
    sheet = export(client_for(world.office))
    cells = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert sheet.max_row == 2
    for secret in ("举报人赵六", "13912345678", "青山县某某公司"):
        assert secret not in cells


def test_text_that_looks_like_a_formula_stays_text(world, client_for):
    finding_create(assignment=world.assignment, data=data(world, title="=HYPERLINK(\"http://x\")"), by=world.writer)
    sheet = export(client_for(world.writer))
    cell = sheet.cell(row=2, column=7)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


# --- the Word 底稿审批单 -------------------------------------------------------------------------------


def docx_of(client, finding):
    response = client.get(reverse("clues:finding_docx", args=[finding.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return Document(io.BytesIO(b"".join(response.streaming_content)))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_approval_form_holds_the_finding_its_evidence_and_review_trail(world, client_for):
    content = PDF + b"ledger"
    finding = finding_create(
        assignment=world.assignment,
        data=data(world, manifestation="<b>x</b> 与 <script>alert(1)</script>"),
        evidence_files=[SimpleUploadedFile("发放明细.pdf", content)],
        by=world.writer,
    )
    finding_review(finding=finding, action="submit", by=world.writer)
    finding_review(finding=finding, action="return", by=world.deputy, reason="补充<i>证据</i>")
    document = docx_of(client_for(world.deputy), finding)
    text = all_text(document)
    assert document.paragraphs[0].text == "巡察问题底稿审批单"
    assert finding.number in text and "青山县财政局" in text and "中央八项规定精神" in text
    assert "<b>x</b> 与 <script>alert(1)</script>" in text
    assert "&lt;" not in text
    assert "发放明细.pdf" in text and hashlib.sha256(content).hexdigest() in text
    assert "退回：补充<i>证据</i>" in text and "副组长审核" in text and "撰写人提交" in text
    assert world.writer.display_name in text and world.deputy.display_name in text


def test_the_approval_form_is_a4_with_the_official_fonts(world, client_for):
    finding = approve_all(world, finding_create(assignment=world.assignment, data=data(world), by=world.writer))
    document = docx_of(client_for(world.office), finding)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (round(Mm(210).mm), round(Mm(297).mm))
    title_run = document.paragraphs[0].runs[0]
    fonts = title_run._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title_run.font.size.pt == 22
    assert document.paragraphs[0].alignment == 1  # centred
    body_runs = [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert body_runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" for r in body_runs)
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.font.size.pt == 16
    text = all_text(document)
    assert "巡察办审核" in text and "组长审批" in text


def _cell_width_mm(cell) -> float:
    return int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) / 1440 * 25.4


def test_the_approval_form_prints_right_and_keeps_the_office_row(world, client_for):
    """Before the office has reviewed, the form still has its 巡察办审核 row (to sign on paper); a review's
    date is on a line of its own in a column wide enough for it; the fonts fall back on a stock PC."""
    finding = finding_create(assignment=world.assignment, data=data(world), by=world.writer)
    finding_review(finding=finding, action="submit", by=world.writer)
    finding_review(finding=finding, action="approve", by=world.deputy)
    finding_review(finding=finding, action="approve", by=world.leader)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.LEADER_APPROVED
    response = client_for(world.office).get(reverse("clues:finding_docx", args=[finding.pk]))
    content = b"".join(response.streaming_content)
    assert_fonts_fall_back(content)
    assert_page_numbers(content)
    document = Document(io.BytesIO(content))
    rows = document.tables[0].rows
    steps = [row.cells[0].text for row in rows]
    office = steps.index("巡察办审核")
    assert rows[office].cells[1].text == "（待审核）" and rows[office].cells[3].text == ""
    assert steps[office - 1] == "组长审批"
    # Each review's time: the date, a line break, the time; the column holds “2026-12-04” at 12pt
    # (10 half-width characters ≤ 24 mm even in a font with wider digits, plus the cell's margins).
    reviewed = [row for row in rows if row.cells[0].text in ("撰写人提交", "副组长审核", "组长审批")]
    assert len(reviewed) == 3
    for row in reviewed:
        when = row.cells[3]
        date, time = when.text.split("\n")
        assert len(date) == 10 and date[4] == "-" and len(time) == 5
        assert _cell_width_mm(when) >= 32
        assert when._tc.tcPr.find(qn("w:noWrap")) is not None
    # The table is as wide as the type area (156 mm), its width stated, not left to the application.
    widths = [_cell_width_mm(c) for c in reviewed[0].cells]
    assert round(sum(widths)) == 156
    tbl_w = document.tables[0]._tbl.tblPr.find(qn("w:tblW"))
    assert tbl_w.get(qn("w:type")) == "dxa" and round(int(tbl_w.get(qn("w:w"))) / 1440 * 25.4) == 156
    # Once the office has approved, nothing is left to sign.
    finding_review(finding=finding, action="approve", by=world.office)
    response = client_for(world.office).get(reverse("clues:finding_docx", args=[finding.pk]))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert "（待审核）" not in all_text(document) and "巡察办审核" in all_text(document)


def test_the_approval_form_of_a_team_without_a_deputy_leaves_out_the_skipped_step(world):
    """The 副组长 step is skipped for a team without one (issue 14 §3), so the form offers no row for it."""
    finding = FindingFactory(status=FindingStatus.DRAFT)
    assert not finding.team.members.filter(role="deputy").exists()
    content = render_finding_approval(finding, evidence=[], reviews=[])
    steps = [row.cells[0].text for row in Document(io.BytesIO(content)).tables[0].rows]
    assert "副组长审核" not in steps and "组长审批" in steps and "巡察办审核" in steps
    # With a 副组长, the step is there to sign.
    TeamMemberFactory(team=finding.team, role=MemberRole.DEPUTY)
    content = render_finding_approval(finding, evidence=[], reviews=[])
    steps = [row.cells[0].text for row in Document(io.BytesIO(content)).tables[0].rows]
    assert "副组长审核" in steps


def test_only_those_who_see_the_finding_get_its_approval_form(world, client_for):
    finding = FindingFactory(assignment=world.assignment)
    url = reverse("clues:finding_docx", args=[finding.pk])
    assert client_for(world.county_leader).get(url).status_code == 200
    for user in (world.other_member, world.unit_user):
        assert client_for(user).get(url).status_code == 404
