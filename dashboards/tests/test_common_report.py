"""The common-problems page and the 专题报告: who may read and ask, what the page shows, the Word file's
text, its threshold, and a constant number of queries for the page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from clues.models import Finding
from dashboards.documents import thematic as docx_thematic
from dashboards.selectors.common_problems import Scope, Threshold, analyse
from dashboards.services.common_problems import thematic_report_request
from dashboards.tests.test_common_problems import add_copy, build_world
from rounds.tests.factories import TermFactory
from tests.docx_checks import assert_fonts_fall_back, assert_page_numbers
from xuncha.accounts.roles import Role
from xuncha.core import documents
from xuncha.core.models import DocumentStatus, GeneratedDocument

PAGE = reverse("dashboards:common_problems")
REPORT = reverse("dashboards:thematic_report")
OTHERS = (Role.TEAM, Role.UNIT, Role.JIWEI, Role.ZUZHIBU, Role.DEPARTMENT)


@pytest.fixture
def w(db):
    return build_world()


def _text(document: GeneratedDocument) -> list[str]:
    with document.file.open("rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    return [p.text for p in doc.paragraphs]


def _ask(client, captured, **data):
    with captured(execute=True):
        return client.post(REPORT, data)


# --- access -----------------------------------------------------------------------------------------


def test_office_and_leader_read_the_page_others_get_403(w, office_user, leader_user, make_user, client):
    for user in (office_user, leader_user):
        client.force_login(user)
        assert client.get(PAGE).status_code == 200
        assert client.get(PAGE, {"round": w.r2.pk}).status_code == 200
    for role in OTHERS:
        client.force_login(make_user(role))
        assert client.get(PAGE).status_code == 403, role
        assert client.post(REPORT, {"term": w.term.pk}).status_code == 403, role
    client.logout()
    assert client.get(PAGE).status_code == 302  # to the login page


def test_leader_cannot_ask_for_a_report(w, leader_user, client):
    client.force_login(leader_user)
    assert client.post(REPORT, {"term": w.term.pk}).status_code == 403
    assert not GeneratedDocument.objects.exists()
    page = client.get(PAGE).content.decode()
    assert 'data-testid="request-report"' not in page
    assert "巡察办尚未生成本范围的专题报告" in page


def test_the_report_url_takes_only_post(w, office_user, client):
    client.force_login(office_user)
    assert client.get(REPORT).status_code == 405


def test_reports_are_visible_to_office_and_leader_only(
    w, office_user, leader_user, make_user, client, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    _ask(client, django_capture_on_commit_callbacks, term=w.term.pk)
    document = GeneratedDocument.objects.get()
    assert document.status == DocumentStatus.DONE
    download = reverse("core:document_download", args=[document.pk])
    for user in (office_user, leader_user):
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == 200
        assert response["Content-Type"] == documents.CONTENT_TYPES["docx"]
        assert b"".join(response.streaming_content)[:2] == b"PK"
    for role in OTHERS:
        client.force_login(make_user(role))
        assert client.get(download).status_code == 404, role
        assert client.get(reverse("core:document_status", args=[document.pk])).status_code == 404, role


# --- the page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_three_sections_with_links(w, leader_user, client):
    client.force_login(leader_user)
    response = client.get(PAGE)
    page = response.content.decode()
    analysis = response.context["analysis"]
    assert analysis.scope == Scope(term=w.term)
    assert page.count('data-testid="common-row"') == 3 + 2  # categories and areas
    assert page.count('data-testid="recurring-row"') == 3
    assert page.count('data-testid="rebound-row"') == 3
    assert reverse("clues:finding_detail", args=[w.f["E1-c1-R2"].pk]) in page  # an example
    assert reverse("clues:finding_detail", args=[w.f["A1-c1-R0"].pk]) in page  # an earlier finding
    assert reverse("rectification:rect_detail", args=[w.rects["B1-R1"].pk]) in page
    assert reverse("rectification:rect_detail", args=[w.rects["D1-R1"].pk]) in page
    assert "D1措施反弹" in page and "反弹重开 2 次" in page
    assert '<div class="value" data-figure="inspected">6</div>' in page


def test_the_page_takes_the_scope_and_the_threshold_from_the_query_string(w, office_user, client):
    client.force_login(office_user)
    response = client.get(PAGE, {"round": w.r2.pk, "min_units": "3", "min_share": ""})
    analysis = response.context["analysis"]
    assert analysis.scope == Scope(term=w.term, round=w.r2)
    assert analysis.threshold == Threshold(min_units=3, min_share=None)
    assert [c.name for c in analysis.common_categories] == ["类别二"]
    # In a round, a category's count links to the ledger filtered the same way.
    ledger = f"{reverse('clues:finding_list')}?round={w.r2.pk}&amp;category={w.c2.pk}&amp;status=approved"
    assert ledger in response.content.decode()
    # Invalid values fall back to the defaults; a round of another term than the one named is dropped.
    response = client.get(
        PAGE, {"term": w.old_term.pk, "round": w.r2.pk, "min_units": "x", "min_share": "500"}
    )
    assert response.context["analysis"].scope == Scope(term=w.old_term)
    assert response.context["analysis"].threshold == Threshold()


def test_empty_states(db, office_user, client):
    client.force_login(office_user)
    page = client.get(PAGE).content.decode()
    assert "还没有届次和巡察轮次" in page
    TermFactory()
    page = client.get(PAGE).content.decode()
    assert "按当前标准没有共性问题" in page
    assert "没有反复出现的问题" in page
    assert "没有整改后又反弹的问题" in page
    assert "还没有生成专题报告" in page


def test_the_page_runs_a_fixed_number_of_queries(w, leader_user, client):
    client.force_login(leader_user)

    def count(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE, params).status_code == 200
        return len(captured)

    small = (count({}), count({"round": w.r2.pk}))
    for k in range(2, 11):
        add_copy(w, k)
    assert (count({}), count({"round": w.r2.pk})) == small


# --- the thematic report ----------------------------------------------------------------------------


def test_office_asks_for_the_term_report_and_gets_the_word_file(
    w, office_user, client, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    response = _ask(
        client, django_capture_on_commit_callbacks, term=w.term.pk, round="", min_units=3, min_share=30
    )
    assert response.status_code == 302
    assert response["Location"].startswith(PAGE)
    document = GeneratedDocument.objects.get()
    assert document.subject == w.term
    assert document.kind == "thematic_report"
    assert document.title == "关于第十五届县委巡察发现共性问题的专题报告（标准：3个单位或30%）"
    assert document.requested_by == office_user
    assert document.status == DocumentStatus.DONE, document.error

    text = _text(document)
    body = "\n".join(text)
    assert text[2] == "关于第十五届县委巡察\n发现共性问题的专题报告"  # broken before 发现
    assert "县委：" in text
    assert "共巡察6个单位（党组织），审定巡察发现问题13个，涉及6个单位" in body
    assert "梳理出共性问题3类，涉及6个单位" in body
    assert "再次发现的同类问题3个，涉及2个单位" in body
    assert "整改完成后问题又反弹的单位3个" in body
    headings = [t for t in text if t[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert headings == [
        "一、共性问题",
        "二、反复出现的问题",
        "三、整改后又反弹的问题",
        "四、原因分析",
        "五、意见建议（完善制度、促进改革）",
    ]
    assert "（一）类别一方面的问题" in text
    assert "（三）类别四方面的问题" in text
    assert (
        "在4个单位发现，占被巡察单位的66.7%，共5个问题。涉及单位：单位A01、单位B01、单位C01、单位E01。"
        in text
    )
    assert "典型问题如：单位E01“E1c1R2问题”；单位A01“A1c1R1问题”；单位B01“B1c1R1问题”。" in text
    assert "聚焦甲方面的问题在5个单位发现，占被巡察单位的83.3%，共11个" in body
    assert (
        "单位A01：类别一方面的问题。第十四届县委第三轮巡察、第一轮巡察发现“A1c1R0问题”、“A1c1R1问题”" in body
    )
    assert "第二轮巡察再次发现“A1c1R2问题”问题。" in body
    assert "单位B01（第一轮巡察反馈问题整改，目前已完成）：反馈的“B1反馈问题二”问题整改完成后" in body
    assert "整改措施“D1措施反弹”销号后反弹重开2次" in body
    assert docx_thematic.CAUSES_NOTE in text and docx_thematic.PROPOSALS_NOTE in text
    assert text[-2:] == ["县委巡察工作领导小组办公室", text[-1]]
    assert text[-1].endswith("日")

    # The notes where the office writes are highlighted, followed by ruled empty lines.
    with document.file.open("rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    at = text.index(docx_thematic.CAUSES_NOTE)
    assert doc.paragraphs[at].runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    lines = doc.paragraphs[at + 1 : at + 1 + docx_thematic.WRITING_LINES]
    assert [p.text for p in lines] == [""] * docx_thematic.WRITING_LINES
    assert all("w:pBdr" in p._p.xml for p in lines)
    assert text[at + 1 + docx_thematic.WRITING_LINES] == "五、意见建议（完善制度、促进改革）"
    # Page numbers in the footer.
    assert "PAGE" in doc.sections[0].footer._element.xml

    # The page lists it, with its download.
    page = client.get(PAGE).content.decode()
    assert document.title in page
    assert reverse("core:document_download", args=[document.pk]) in page


def test_a_round_report_with_its_threshold(w, office_user, client, django_capture_on_commit_callbacks):
    client.force_login(office_user)
    _ask(client, django_capture_on_commit_callbacks, term=w.term.pk, round=w.r2.pk, min_units=3, min_share="")
    document = GeneratedDocument.objects.get()
    assert document.subject == w.r2
    assert document.title == "关于第十五届县委第二轮巡察发现共性问题的专题报告（标准：3个单位）"
    body = "\n".join(_text(document))
    assert "按照同类问题在3个以上单位中发现即列为共性问题的标准，梳理出共性问题1类" in body
    assert "（一）类别二方面的问题" in body and "类别一方面的问题" not in body.split("二、")[0]
    # The round's page lists the round's report, the term's page does not.
    assert document.title in client.get(PAGE, {"round": w.r2.pk}).content.decode()
    assert document.title not in client.get(PAGE).content.decode()


def test_the_threshold_travels_in_the_title():
    scope = Scope(term=TermFactory.build())
    for threshold in (
        Threshold(),
        Threshold(min_units=5, min_share=None),
        Threshold(min_units=2, min_share=45),
    ):
        assert docx_thematic.threshold_from_title(docx_thematic.document_title(scope, threshold)) == threshold
    assert docx_thematic.threshold_from_title("别的标题") == Threshold()


def test_an_empty_report_says_so(db):
    term = TermFactory()
    content = docx_thematic.render_thematic(analyse(Scope(term=term)), dated=term.start_date)
    text = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert (
        "标准，未发现共性问题；未发现同一单位同类问题在后续巡察中再次发现的情况；未发现整改完成后问题又反弹的情况。"
        in text[6]
    )
    assert "按上述标准，第十五届县委巡察未发现共性问题。" in text
    assert "经梳理，未发现同一单位同类问题在后续巡察中再次发现的情况。" in text
    assert "经梳理，未发现整改完成后问题又反弹的情况。" in text
    assert "2022年1月1日" in text


def test_the_service_refuses_others_and_a_missing_scope(w, leader_user, office_user):
    from xuncha.errors import DomainError

    with pytest.raises(DomainError):
        thematic_report_request(scope=Scope(term=w.term), threshold=Threshold(), by=leader_user)
    with pytest.raises(DomainError):
        thematic_report_request(scope=None, threshold=Threshold(), by=office_user)
    assert not GeneratedDocument.objects.exists()


def test_the_kind_is_found_by_discovery():
    assert documents.kind_of("thematic_report").label == "共性问题专题报告"
    import dashboards.tasks  # noqa: F401  what Celery's autodiscovery imports

    assert documents.kind_of("thematic_report").render is docx_thematic.render_thematic_document


def test_quoted_titles_nest_their_own_quotation_marks():
    assert docx_thematic.quoted("落实“三重一大”制度不到位") == "“落实‘三重一大’制度不到位”"
    assert docx_thematic.quoted('落实"三重一大"制度') == "“落实‘三重一大’制度”"
    assert docx_thematic.quoted("无引号") == "“无引号”"


def test_the_report_nests_quotes_and_prints_right(w):
    """A finding titled with “…” of its own is quoted as “…‘…’…”, never “…“…”…”; the fonts fall back."""
    Finding.objects.filter(title="E1c1R2问题").update(title="落实“三重一大”E1c1R2问题")
    content = docx_thematic.render_thematic(analyse(Scope(term=w.term), Threshold()), dated=w.term.start_date)
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "单位E01“落实‘三重一大’E1c1R2问题”" in text
    assert "““" not in text and "””" not in text and "“落实“" not in text
    assert_fonts_fall_back(content)
    assert_page_numbers(content)
