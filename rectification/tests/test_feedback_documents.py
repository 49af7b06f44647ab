"""The 巡察报告 and the 反馈意见, rendered through Celery (eager in tests) as Word and PDF: what they say,
what the unit's version never says, the GB/T 9704 type, and who may download which."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from rectification.documents import feedback as docs_feedback
from rectification.services import feedback as services
from rounds.models import RoundStatus
from tests.docx_checks import assert_fonts_fall_back, assert_page_numbers
from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.core.docx_style import BODY_FONT, HEI_FONT, KAI_FONT, TITLE_FONT
from xuncha.core.models import DocumentStatus

from .test_feedback_services import create, hold_meeting, make_areas, make_assignment, make_findings

pytestmark = pytest.mark.django_db

INTERNAL = (
    "违反《中国共产党纪律处分条例》第一百零三条",
    "孙某某",
    "钱某某",
    "赵某某",
    "定性依据：",
    "责任人：",
    "底稿编号：",
)


@pytest.fixture
def rendered(office_user, make_user, django_capture_on_commit_callbacks, monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(
        "django.utils.timezone.localdate",
        lambda value=None, tz=None: datetime.date(2026, 7, 12) if value is None else real(value, tz),
    )
    areas = make_areas()
    assignment = make_assignment(make_user, round_status=RoundStatus.FEEDBACK, unit_name="县农业农村局")
    make_findings(assignment, areas)
    rect = create(assignment, office_user, report_summary="县农业农村局党组总体能够贯彻落实上级决策部署。")
    hold_meeting(rect, office_user, datetime.date(2026, 7, 10))
    with django_capture_on_commit_callbacks(execute=True):
        docs = services.feedback_render(rect=rect, by=office_user)
    for doc in docs:
        doc.refresh_from_db()
    by_kind = {doc.kind: doc for doc in docs}
    return rect, areas, by_kind


def _docx(doc) -> Document:
    with doc.file.open("rb") as handle:
        return Document(io.BytesIO(handle.read()))


def _docx_text(doc) -> str:
    return "\n".join(p.text for p in _docx(doc).paragraphs)


def _pdf_text(doc) -> str:
    with doc.file.open("rb") as handle:
        content = handle.read()
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def _compact(text: str) -> str:
    return "".join(text.split())


def test_all_four_documents_render_with_their_hash(rendered):
    _, _, docs = rendered
    assert set(docs) == set(docs_feedback.KINDS)
    for doc in docs.values():
        assert doc.status == DocumentStatus.DONE, doc.error
        assert len(doc.sha256) == 64 and doc.file


def test_report_docx_carries_the_findings_internal_fields_by_area(rendered):
    rect, areas, docs = rendered
    text = _docx_text(docs[docs_feedback.KIND_REPORT_DOCX])
    assert "关于巡察县农业农村局的情况报告" in text
    assert "县委巡察工作领导小组：" in text and "县农业农村局党组总体能够贯彻落实上级决策部署。" in text
    first = text.index(f"一、{areas['first'].name}")
    second = text.index(f"二、{areas['second'].name}")
    assert first < text.index("（一）违规发放津补贴") < text.index("（二）公务接待超标准") < second
    assert second < text.index("（一）“三会一课”制度落实不到位") < text.index("三、整改意见和要求")
    for fragment in INTERNAL:
        assert fragment in text
    assert "立行立改：巡察期间已立行立改：已全部追回。" in text
    assert "请于2026年10月31日前完成整改" in text
    assert f"县委{rect.team.name}" in text


def test_feedback_docx_never_says_what_is_internal(rendered):
    rect, areas, docs = rendered
    text = _docx_text(docs[docs_feedback.KIND_FEEDBACK_DOCX])
    assert "关于巡察县农业农村局的反馈意见" in text and "县农业农村局党组织：" in text
    for title in ("违规发放津补贴", "公务接待超标准", "“三会一课”制度落实不到位"):
        assert f"）{title}" in text
    assert f"一、{areas['first'].name}" in text and "三、整改要求" in text
    for fragment in INTERNAL:
        assert fragment not in text, fragment
    for term in ("双承诺", "双报告", "双公开", "每半个月报送一次整改进展情况", "签字背书"):
        assert term in text
    assert "请于2026年10月31日前完成整改" in text
    assert f"县委{rect.team.name}" in text and "县委巡察工作领导小组办公室" in text
    assert "2026年7月10日" in text  # dated the day of the meeting


def test_word_layout_follows_gb_t_9704(rendered):
    _, areas, docs = rendered
    document = _docx(docs[docs_feedback.KIND_FEEDBACK_DOCX])
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28

    def fonts(start):
        paragraph = next(p for p in document.paragraphs if p.text.startswith(start))
        run = paragraph.runs[0]
        return run._element.rPr.rFonts.get(qn("w:eastAsia")), run.font.size

    assert fonts("关于巡察") == (TITLE_FONT, Pt(22))
    assert fonts("一、") == (HEI_FONT, Pt(16))
    assert fonts("（一）") == (KAI_FONT, Pt(16))
    assert fonts("违规发放津补贴12万元") == (BODY_FONT, Pt(16))
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "fldChar" in footer
    # On a PC without the GB2312 fonts, both Word files fall back to 仿宋, 楷体, 宋体.
    for kind in (docs_feedback.KIND_FEEDBACK_DOCX, docs_feedback.KIND_REPORT_DOCX):
        with docs[kind].file.open("rb") as handle:
            content = handle.read()
        assert {TITLE_FONT, KAI_FONT, BODY_FONT} <= assert_fonts_fall_back(content)
        assert_page_numbers(content)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdfs_carry_their_chinese_as_text(rendered):
    _, areas, docs = rendered
    report = _compact(_pdf_text(docs[docs_feedback.KIND_REPORT_PDF]))
    feedback = _compact(_pdf_text(docs[docs_feedback.KIND_FEEDBACK_PDF]))
    for text in (report, feedback):
        assert "违规发放津补贴" in text and "公务接待超标准" in text and "“三会一课”制度落实不到位" in text
        assert _compact(areas["first"].name) in text
    assert "关于巡察县农业农村局的情况报告" in report and "定性依据" in report and "孙某某" in report
    assert "关于巡察县农业农村局的反馈意见" in feedback
    for fragment in INTERNAL:
        assert _compact(fragment) not in feedback, fragment


def test_who_may_see_which_document(rendered, leader_user, make_user):
    rect, _, docs = rendered
    principal = rect.unit.principal_user
    jiwei = make_user(Role.JIWEI)
    outsider = make_user(Role.TEAM)
    report, feedback = docs[docs_feedback.KIND_REPORT_PDF], docs[docs_feedback.KIND_FEEDBACK_PDF]
    assert access.allows(leader_user, "view", report) and access.allows(leader_user, "view", feedback)
    assert not access.allows(principal, "view", report) and access.allows(principal, "view", feedback)
    assert not access.allows(jiwei, "view", report) and access.allows(jiwei, "view", feedback)
    assert not access.allows(outsider, "view", report) and not access.allows(outsider, "view", feedback)
