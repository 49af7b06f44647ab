"""Feedback pages by role: who gets 200, 403 or 404 on each URL before and after the feedback meeting;
the office's writes change state; the unit never sees the team's internal material."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rectification.documents import feedback as docs_feedback
from rectification.models import Rectification, RectStatus
from rectification.services import feedback as services
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import Round, RoundKind, RoundStatus
from rounds.tests.factories import UnitFactory
from teams.tests.factories import TeamMemberFactory
from xuncha.access.grants import sync_assignment, sync_unit
from xuncha.accounts.roles import Role
from xuncha.core.models import GeneratedDocument

from .test_feedback_services import (
    DEADLINE,
    approve,
    create,
    hold_meeting,
    make_areas,
    make_assignment,
    make_findings,
)

pytestmark = pytest.mark.django_db

d = datetime.date
TODAY = d(2026, 7, 12)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture
def world(office_user, leader_user, make_user):
    """A rectification in 反馈准备 with three problems, and a user of every standing to it."""
    areas = make_areas()
    assignment = make_assignment(make_user)
    findings = make_findings(assignment, areas)
    team_user = make_user(Role.TEAM)
    TeamMemberFactory(team=assignment.team, cadre__user=team_user)
    sync_assignment(assignment)
    other_team_user = make_user(Role.TEAM)
    TeamMemberFactory(cadre__user=other_team_user)
    rect = create(assignment, office_user)
    return {
        "rect": rect,
        "assignment": assignment,
        "findings": findings,
        "office": office_user,
        "leader": leader_user,
        "team": team_user,
        "other_team": other_team_user,
        "principal": assignment.unit.principal_user,
        "jiwei": make_user(Role.JIWEI),
    }


def _status(client_for, user, url, method="get", data=None):
    client = client_for(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


def _write_urls(rect):
    problem = rect.problems.order_by("seq").first()
    return [
        ("get", reverse("rectification:feedback_edit", args=[rect.pk])),
        ("get", reverse("rectification:problem_edit", args=[rect.pk, problem.pk])),
        ("get", reverse("rectification:meeting_record", args=[rect.pk])),
        ("post", reverse("rectification:problems_sync", args=[rect.pk])),
        ("post", reverse("rectification:feedback_render", args=[rect.pk])),
    ]


# --- the permission matrix ---------------------------------------------------------------------------


def test_before_the_meeting_only_the_office_leader_and_team_see_it(world, client_for):
    rect = world["rect"]
    detail = reverse("rectification:rect_detail", args=[rect.pk])
    expected = {"office": 200, "leader": 200, "team": 200, "other_team": 404, "principal": 404, "jiwei": 404}
    for role, code in expected.items():
        assert _status(client_for, world[role], detail) == code, role
    for method, url in _write_urls(rect):
        assert _status(client_for, world["leader"], url, method) == 403, url
        assert _status(client_for, world["team"], url, method) == 403, url
        for role in ("other_team", "principal", "jiwei"):
            assert _status(client_for, world[role], url, method) == 404, (role, url)
    for method, url in _write_urls(rect):
        assert _status(client_for, world["office"], url, method) in (200, 302), url


def test_after_the_meeting_the_unit_and_supervisors_read_but_never_write(world, client_for):
    rect = hold_meeting(world["rect"], world["office"])
    detail = reverse("rectification:rect_detail", args=[rect.pk])
    expected = {"office": 200, "leader": 200, "team": 200, "other_team": 404, "principal": 200, "jiwei": 200}
    for role, code in expected.items():
        assert _status(client_for, world[role], detail) == code, role
    for method, url in _write_urls(rect):
        for role in ("leader", "team", "principal", "jiwei"):
            assert _status(client_for, world[role], url, method) == 403, (role, url)
        assert _status(client_for, world["other_team"], url, method) == 404, url
    assert _status(client_for, world["principal"], detail) == 200


def test_rect_create_is_the_offices(world, client_for, make_user):
    areas = make_areas()
    other = make_assignment(unit_name="县林业局")
    approve(other, areas["first"])
    url = reverse("rectification:rect_create", args=[other.pk])
    assert _status(client_for, world["office"], url) == 200
    assert _status(client_for, world["leader"], url) == 403
    # The team member is granted his own team's assignments only.
    own = reverse("rectification:rect_create", args=[world["assignment"].pk])
    assert _status(client_for, world["team"], own) == 403
    assert _status(client_for, world["team"], url) == 404
    assert _status(client_for, world["principal"], url) == 404
    assert _status(client_for, world["jiwei"], url) == 404


def test_documents_download_by_role(world, client_for, django_capture_on_commit_callbacks):
    rect = hold_meeting(world["rect"], world["office"])
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_render(rect=rect, by=world["office"])
    docs = {doc.kind: doc for doc in GeneratedDocument.objects.all()}
    report = reverse("core:document_download", args=[docs[docs_feedback.KIND_REPORT_PDF].pk])
    feedback = reverse("core:document_download", args=[docs[docs_feedback.KIND_FEEDBACK_PDF].pk])
    feedback_docx = reverse("core:document_download", args=[docs[docs_feedback.KIND_FEEDBACK_DOCX].pk])
    for role in ("office", "leader", "team"):
        assert _status(client_for, world[role], report) == 200, role
        assert _status(client_for, world[role], feedback) == 200, role
    for role in ("principal", "jiwei"):
        assert _status(client_for, world[role], report) == 404, role
        assert _status(client_for, world[role], feedback) == 200, role
        assert _status(client_for, world[role], feedback_docx) == 200, role
    assert _status(client_for, world["other_team"], feedback) == 404


def test_feedback_documents_hidden_from_the_unit_before_the_meeting(
    world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_render(rect=world["rect"], by=world["office"])
    doc = GeneratedDocument.objects.get(kind=docs_feedback.KIND_FEEDBACK_PDF)
    url = reverse("core:document_download", args=[doc.pk])
    assert _status(client_for, world["principal"], url) == 404
    assert _status(client_for, world["team"], url) == 200


# --- what each sees on the overview ------------------------------------------------------------------


def test_unit_overview_shows_problems_but_nothing_internal(
    world, client_for, django_capture_on_commit_callbacks
):
    rect = world["rect"]
    services.rectification_sync_problems(rect=rect, by=world["office"])
    rect.report_summary = "内部总体评价文字"
    rect.save()
    rect = hold_meeting(rect, world["office"])
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_render(rect=rect, by=world["office"])
    url = reverse("rectification:rect_detail", args=[rect.pk])
    page = client_for(world["principal"]).get(url).content.decode()
    assert "违规发放津补贴" in page and "公务接待超标准" in page
    report_title = "关于巡察县农业农村局的情况报告"
    for secret in ("第一百零三条", "孙某某", "内部总体评价文字", "底稿", report_title):
        assert secret not in page, secret
    assert page.count('data-testid="doc-download"') == 2  # the 反馈意见 in Word and PDF
    assert 'data-testid="feedback-edit"' not in page
    office_page = client_for(world["office"]).get(url).content.decode()
    assert "内部总体评价文字" in office_page and report_title in office_page
    assert office_page.count('data-testid="doc-download"') == 4
    assert 'data-testid="feedback-edit"' in office_page and 'data-testid="meeting-record"' in office_page
    leader_page = client_for(world["leader"]).get(url).content.decode()
    assert report_title in leader_page and 'data-testid="feedback-edit"' not in leader_page


def test_overview_counts_measures_by_status(client_for, office_user):
    rect = RectificationFactory()
    MeasureFactory(problem=ProblemFactory(rectification=rect), status="closed")
    MeasureFactory(problem=ProblemFactory(rectification=rect), status="open")
    page = client_for(office_user).get(reverse("rectification:rect_detail", args=[rect.pk])).content.decode()
    assert 'data-testid="measure-counts"' in page and "整改措施 2 项" in page


# --- the office's writes -----------------------------------------------------------------------------


def test_office_creates_the_feedback_from_the_form(client_for, office_user):
    areas = make_areas()
    assignment = make_assignment(unit_name="县林业局")
    approve(assignment, areas["first"], title="森林防火责任落实不到位")
    client = client_for(office_user)
    url = reverse("rectification:rect_create", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "森林防火责任落实不到位" in page and "双承诺" in page
    response = client.post(url, {"deadline": "2026-07-01", "demands": "x"})
    assert response.status_code == 200 and "整改期限须晚于今天" in response.content.decode()
    response = client.post(url, {"deadline": "2026-10-31", "demands": services.DEFAULT_DEMANDS})
    rect = Rectification.objects.get(assignment=assignment)
    assert response.status_code == 302 and response["Location"] == reverse(
        "rectification:rect_detail", args=[rect.pk]
    )
    assert rect.problems.get().title == "森林防火责任落实不到位"
    # A second visit goes to the one that exists.
    assert client.get(url)["Location"] == reverse("rectification:rect_detail", args=[rect.pk])


def test_office_edits_syncs_words_removes_renders_and_records_the_meeting(world, client_for):
    rect, office = world["rect"], world["office"]
    client = client_for(office)
    response = client.post(
        reverse("rectification:feedback_edit", args=[rect.pk]),
        {"deadline": "2026-11-30", "demands": "一、提高站位", "report_summary": "评价", "feedback_intro": ""},
    )
    assert response.status_code == 302
    rect.refresh_from_db()
    assert (rect.deadline, rect.demands, rect.report_summary) == (d(2026, 11, 30), "一、提高站位", "评价")

    draft = world["findings"]["draft"]
    draft.status = "approved"
    draft.save()
    client.post(reverse("rectification:problems_sync", args=[rect.pk]))
    assert rect.problems.count() == 4

    first, second = rect.problems.order_by("seq")[:2]
    edit = reverse("rectification:problem_edit", args=[rect.pk, first.pk])
    response = client.post(edit, {"action": "save", "title": "", "description": "d"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    client.post(edit, {"action": "save", "title": "新表述", "description": "新的具体表现"})
    first.refresh_from_db()
    assert first.title == "新表述"
    page = client.get(edit).content.decode()
    assert 'data-confirm="确定移除这个反馈问题' in page
    client.post(edit, {"action": "remove"})
    assert not rect.problems.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.seq == 1

    client.post(reverse("rectification:feedback_render", args=[rect.pk]))
    assert GeneratedDocument.objects.filter(object_id=rect.pk).count() == 4

    meeting = reverse("rectification:meeting_record", args=[rect.pk])
    assert 'data-confirm="记录反馈会后，被巡察单位即可看到反馈意见"' in client.get(meeting).content.decode()
    response = client.post(meeting, {"date": "2026-07-13", "place": "", "attendees": "全体"})
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    response = client.post(meeting, {"date": "2026-07-10", "place": "会议室", "attendees": "全体"})
    assert response.status_code == 302
    rect.refresh_from_db()
    assert rect.status == RectStatus.PLANNING and rect.meeting_date == d(2026, 7, 10)
    # After the meeting the problems are fixed: a refusal is a message, not a 500.
    response = client.post(reverse("rectification:problems_sync", args=[rect.pk]), follow=True)
    assert "反馈会已召开" in response.content.decode()
    second_edit = reverse("rectification:problem_edit", args=[rect.pk, second.pk])
    response = client.post(second_edit, {"action": "remove"}, follow=True)
    assert "反馈会已召开" in response.content.decode() and rect.problems.count() == 3


def test_render_refusal_is_a_message(client_for, office_user):
    rect = RectificationFactory(meeting_date=None, round_status=RoundStatus.FEEDBACK)
    response = client_for(office_user).post(
        reverse("rectification:feedback_render", args=[rect.pk]), follow=True
    )
    assert response.status_code == 200 and "没有反馈问题" in response.content.decode()


# --- the list ----------------------------------------------------------------------------------------


def _unit_with_users(make_user, name):
    unit = UnitFactory(name=name)
    unit.principal_user = make_user(Role.UNIT)
    unit.save()
    sync_unit(unit)
    return unit


def test_list_by_role_with_filters_and_marks(world, client_for, make_user):
    url = reverse("rectification:rect_list")
    late = RectificationFactory(
        assignment__unit=_unit_with_users(make_user, "县水利局"),
        deadline=d(2026, 7, 10),
        status=RectStatus.IN_PROGRESS,
    )
    soon = RectificationFactory(
        assignment__unit=_unit_with_users(make_user, "县林业局"), deadline=d(2026, 7, 16)
    )
    office_page = client_for(world["office"]).get(url).content.decode()
    for name in ("县农业农村局", "县水利局", "县林业局"):
        assert name in office_page
    assert office_page.count('data-testid="rect-row"') == 3
    assert 'class="overdue"' in office_page and 'class="due-soon"' in office_page
    assert "badge-overdue" in office_page and "badge-due-soon" in office_page

    page = client_for(world["office"]).get(url, {"q": "水利"}).content.decode()
    assert page.count('data-testid="rect-row"') == 1 and "县水利局" in page
    page = client_for(world["office"]).get(url, {"status": "preparing"}).content.decode()
    assert page.count('data-testid="rect-row"') == 1 and "县农业农村局" in page
    page = client_for(world["office"]).get(url, {"round": late.round_id}).content.decode()
    assert page.count('data-testid="rect-row"') == 1
    page = client_for(world["office"]).get(url, {"q": "没有这个单位"}).content.decode()
    assert "没有符合条件的整改" in page

    team_page = client_for(world["team"]).get(url).content.decode()
    assert team_page.count('data-testid="rect-row"') == 1 and "县农业农村局" in team_page
    assert 'data-testid="rect-row"' not in client_for(world["other_team"]).get(url).content.decode()
    # The unit sees its own once fed back, never another's.
    principal_page = client_for(soon.unit.principal_user).get(url).content.decode()
    assert principal_page.count('data-testid="rect-row"') == 1 and "县林业局" in principal_page
    assert 'data-testid="rect-row"' not in client_for(world["principal"]).get(url).content.decode()


def test_list_shows_the_office_what_awaits_feedback(client_for, office_user):
    areas = make_areas()
    waiting = make_assignment(unit_name="县林业局")
    approve(waiting, areas["first"])
    page = client_for(office_user).get(reverse("rectification:rect_list")).content.decode()
    assert 'data-testid="pending-feedback"' in page
    assert reverse("rectification:rect_create", args=[waiting.pk]) in page
    assert "暂无反馈整改" in page


# --- the assignment page links here ------------------------------------------------------------------


def test_assignment_page_links_to_the_feedback(world, client_for, office_user):
    areas = make_areas()
    waiting = make_assignment(unit_name="县林业局")
    approve(waiting, areas["first"])
    page = (
        client_for(office_user).get(reverse("rounds:assignment_detail", args=[waiting.pk])).content.decode()
    )
    assert reverse("rectification:rect_create", args=[waiting.pk]) in page
    rect_url = reverse("rectification:rect_detail", args=[world["rect"].pk])
    assignment_url = reverse("rounds:assignment_detail", args=[world["assignment"].pk])
    for role in ("office", "leader", "team"):
        page = client_for(world[role]).get(assignment_url).content.decode()
        assert rect_url in page, role
        assert "准备反馈" not in page
    Round.objects.filter(pk=waiting.round_id).update(status=RoundStatus.STATIONED)
    page = (
        client_for(office_user).get(reverse("rounds:assignment_detail", args=[waiting.pk])).content.decode()
    )
    assert reverse("rectification:rect_create", args=[waiting.pk]) not in page


def test_assignment_page_of_a_lookback_round_links_the_side_by_side_view(client_for, office_user):
    assignment = make_assignment(unit_name="县林业局")
    url = reverse("rounds:assignment_detail", args=[assignment.pk])
    lookback = reverse("rectification:lookback", args=[assignment.pk])
    assert lookback not in client_for(office_user).get(url).content.decode()
    Round.objects.filter(pk=assignment.round_id).update(kind=RoundKind.LOOKBACK)
    response = client_for(office_user).get(url)
    assert response.status_code == 200 and lookback in response.content.decode()


def test_deadline_default_on_the_form(client_for, office_user):
    areas = make_areas()
    assignment = make_assignment(unit_name="县林业局")
    approve(assignment, areas["first"])
    page = (
        client_for(office_user)
        .get(reverse("rectification:rect_create", args=[assignment.pk]))
        .content.decode()
    )
    assert 'value="2026-10-10"' in page  # 90 days on
    assert DEADLINE.isoformat() not in page
