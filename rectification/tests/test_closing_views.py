"""The ledger (对账销号), the measure actions, 整改评估并办结 and 问责 pages, per role."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectification.models import (
    Accountability,
    MeasureStatus,
    Rating,
    RectStatus,
    ReportKind,
    VersionStatus,
)
from rectification.services.closing import measure_close, measure_return
from rectification.tests.factories import MeasureFactory, RectificationFactory
from rectification.tests.test_closing import close_all, make_world, report_entry, submit_final
from rounds.models import RoundKind
from rounds.tests.factories import AssignmentFactory, RoundFactory
from teams.tests.factories import TeamFactory

READERS = ("office", "leader", "member", "principal", "liaison", "jiwei")
STRANGERS = ("other_member", "other_unit_user")
NON_OFFICE = ("leader", "member", "principal", "liaison", "jiwei")


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.django_db
def test_ledger_answers_each_role(client):
    w = make_world()
    url = reverse("rectification:ledger", args=[w.rect.pk])
    for role in READERS:
        assert _get(client, getattr(w, role), url).status_code == 200, role
    for role in STRANGERS:
        assert _get(client, getattr(w, role), url).status_code == 404, role
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_ledger_shows_progress_evidence_events_and_deadlines(client):
    w = make_world()
    today = timezone.localdate()
    w.m11.deadline = today - datetime.timedelta(days=1)
    w.m11.save()
    w.m21.deadline = today + datetime.timedelta(days=3)
    w.m21.save()
    w.m22.deadline = today + datetime.timedelta(days=60)
    w.m22.save()
    halves = list(w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date"))
    report_entry(w.m11, report=halves[0], narrative="已起草制度", evidence=["决策制度.pdf"])
    report_entry(w.m11, report=halves[1], status=VersionStatus.DRAFT, narrative="草稿里的话")
    measure_return(measure=w.m21, reason="会议记录仍缺签名", by=w.office)
    page = _get(client, w.principal, reverse("rectification:ledger", args=[w.rect.pk])).content.decode()
    assert "已起草制度" in page and "决策制度.pdf" in page
    assert "草稿里的话" not in page
    assert "会议记录仍缺签名" in page
    assert 'class="overdue"' in page and "badge-overdue" in page
    assert 'class="due-soon"' in page and "badge-due-soon" in page
    # The unit reads; it has no buttons.
    assert "确认销号" not in page and "记录问责" not in page
    office_page = _get(client, w.office, reverse("rectification:ledger", args=[w.rect.pk])).content.decode()
    assert "确认销号" in office_page and "确认退回" in office_page and "记录问责" in office_page
    assert "整改评估并办结" not in office_page.split('data-testid="close-blockers"')[0]


@pytest.mark.django_db
def test_a_ledger_row_kept_rendered_shows_every_change_to_it(client):
    """The rows' cells are cached under what they show (ledger_rows' fragment key): each change below
    is on the next view."""
    w = make_world()
    url = reverse("rectification:ledger", args=[w.rect.pk])

    def row(measure) -> str:
        page = _get(client, w.office, url).content.decode()
        return page.split(f'id="m-{measure.pk}"', 1)[1].split("</tr>", 1)[0]

    assert "尚未报送进展" in row(w.m11)
    report_entry(w.m11, narrative="已起草制度", evidence=["决策制度.pdf"])  # a new submitted progress
    assert "已起草制度" in row(w.m11) and "决策制度.pdf" in row(w.m11)
    measure_return(measure=w.m11, reason="会议记录仍缺签名", by=w.office)  # an event, and the status
    assert "会议记录仍缺签名" in row(w.m11) and "退回重改" in row(w.m11)
    w.office.name = "巡察办改名"
    w.office.save()  # who acted is shown by name
    assert "巡察办改名" in row(w.m11)
    w.m11.deadline = timezone.localdate() - datetime.timedelta(days=1)
    w.m11.save()  # the measure itself (its version), and its deadline mark
    assert "badge-overdue" in row(w.m11)
    problem = w.m11.problem
    problem.seq = 7
    problem.save()  # its number follows its problem's, the measure unchanged
    assert ">7.1</td>" in row(w.m11)


@pytest.mark.django_db
def test_ledger_filters_by_status_and_deadline(client):
    w = make_world()
    w.m21.deadline = timezone.localdate() + datetime.timedelta(days=60)
    w.m21.save()
    measure_close(measure=w.m22, by=w.office)
    url = reverse("rectification:ledger", args=[w.rect.pk])
    client.force_login(w.leader)
    page = client.get(url, {"status": "closed"}).content.decode()
    assert 'data-measure="2.2"' in page and 'data-measure="1.1"' not in page
    page = client.get(url, {"deadline": "overdue"}).content.decode()
    assert 'data-measure="1.1"' in page and 'data-measure="2.1"' not in page and 'data-measure="2.2"' not in page
    page = client.get(url, {"deadline": "normal"}).content.decode()
    assert 'data-measure="2.1"' in page and 'data-measure="1.1"' not in page
    page = client.get(url, {"q": "三重一大"}).content.decode()
    assert 'data-measure="1.1"' in page and 'data-measure="2.1"' not in page
    page = client.get(url, {"q": "没有这样的措施"}).content.decode()
    assert "没有符合条件的整改措施" in page


@pytest.mark.django_db
def test_ledger_queries_do_not_grow_with_the_measures(client):
    w = make_world()
    halves = list(w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date"))
    url = reverse("rectification:ledger", args=[w.rect.pk])
    client.force_login(w.office)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    report_entry(w.m11, report=halves[0], evidence=["a.pdf"])
    measure_close(measure=w.m11, by=w.office)
    before = count()
    for seq in range(3, 9):
        m = MeasureFactory(problem=w.p2, seq=seq)
        report_entry(m, report=halves[0], evidence=["b.pdf", "c.pdf"])
        measure_return(measure=m, reason="再补充", by=w.office)
    assert count() == before


@pytest.mark.django_db
def test_measure_actions_are_the_offices(client):
    w = make_world()
    close_url = reverse("rectification:measure_close", args=[w.rect.pk, w.m11.pk])
    for role in NON_OFFICE:
        client.force_login(getattr(w, role))
        assert client.post(close_url, {"reason": ""}).status_code == 403, role
    client.force_login(w.other_member)
    assert client.post(close_url).status_code == 404
    client.logout()
    assert client.post(close_url).status_code == 302
    w.m11.refresh_from_db()
    assert w.m11.status == MeasureStatus.OPEN
    client.force_login(w.office)
    assert client.get(close_url).status_code == 405
    response = client.post(close_url, {"reason": "核查无误"})
    assert response.status_code == 302 and response["Location"].endswith(f"#m-{w.m11.pk}")
    w.m11.refresh_from_db()
    assert w.m11.status == MeasureStatus.CLOSED
    # A measure of another rectification is not found through this one.
    assert client.post(reverse("rectification:measure_close", args=[w.rect.pk, 99999])).status_code == 404


@pytest.mark.django_db
def test_return_without_a_reason_is_a_message_not_a_500(client):
    w = make_world()
    client.force_login(w.office)
    url = reverse("rectification:measure_return", args=[w.rect.pk, w.m21.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "请填写退回理由" in page
    w.m21.refresh_from_db()
    assert w.m21.status == MeasureStatus.OPEN
    client.post(url, {"reason": "签名缺失"})
    w.m21.refresh_from_db()
    assert w.m21.status == MeasureStatus.RETURNED


@pytest.mark.django_db
def test_reopen_through_the_page(client):
    w = make_world()
    measure_close(measure=w.m11, by=w.office)
    url = reverse("rectification:measure_reopen", args=[w.rect.pk, w.m11.pk])
    client.force_login(w.leader)
    assert client.post(url, {"reason": "反弹"}).status_code == 403
    client.force_login(w.office)
    page = client.get(reverse("rectification:ledger", args=[w.rect.pk])).content.decode()
    assert url in page
    client.post(url, {"reason": "又出现违规发放"})
    w.m11.refresh_from_db()
    assert (w.m11.status, w.m11.reopen_count) == (MeasureStatus.OPEN, 1)
    page = client.get(reverse("rectification:ledger", args=[w.rect.pk])).content.decode()
    assert "又出现违规发放" in page and "反弹1次" in page


@pytest.mark.django_db
def test_rect_close_page_per_role_and_refusal(client):
    w = make_world()
    url = reverse("rectification:rect_close", args=[w.rect.pk])
    for role in NON_OFFICE:
        assert _get(client, getattr(w, role), url).status_code == 403, role
    page = _get(client, w.office, url).content.decode()
    assert "措施1.1尚未销号" in page and "整改情况报告尚未报送" in page
    page = client.post(url, {"rating": Rating.GOOD, "note": ""}).content.decode()
    assert "整改尚不能办结" in page and "措施2.1尚未销号" in page
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.IN_PROGRESS


@pytest.mark.django_db
def test_rect_close_rates_and_the_ledger_shows_the_rating(client):
    w = make_world()
    close_all(w)
    submit_final(w.rect)
    client.force_login(w.office)
    ledger_url = reverse("rectification:ledger", args=[w.rect.pk])
    assert 'data-testid="rect-close"' in client.get(ledger_url).content.decode()
    url = reverse("rectification:rect_close", args=[w.rect.pk])
    page = client.post(url, {"rating": "", "note": ""}).content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    response = client.post(url, {"rating": Rating.FAIR_GOOD, "note": "整改基本到位"})
    assert response.status_code == 302
    w.rect.refresh_from_db()
    assert (w.rect.status, w.rect.rating) == (RectStatus.CLOSED, Rating.FAIR_GOOD)
    page = _get(client, w.principal, ledger_url).content.decode()
    assert "较好" in page and "整改基本到位" in page
    # Closed: the office may still reopen a measure, not close one.
    page = _get(client, w.office, ledger_url).content.decode()
    assert "反弹重开" in page and "确认销号" not in page


@pytest.mark.django_db
def test_accountability_pages(client):
    w = make_world()
    url = reverse("rectification:accountability_add", args=[w.rect.pk])
    for role in NON_OFFICE:
        assert _get(client, getattr(w, role), url).status_code == 403, role
    assert _get(client, w.other_member, url).status_code == 404
    client.force_login(w.office)
    assert client.get(url).status_code == 200
    data = {
        "target": "person",
        "target_name": "陈明",
        "target_post": "办公室主任",
        "reason": "perfunctory",
        "facts": "整改报告照抄照搬",
        "action": "通报批评",
        "decided_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
    }
    page = client.post(url, data).content.decode()
    assert "问责日期不能晚于今天" in page
    assert not Accountability.objects.exists()
    data["decided_on"] = "2026-10-10"
    assert client.post(url, data).status_code == 302
    acc = Accountability.objects.get()
    assert (acc.rectification, acc.recorded_by, acc.reason) == (w.rect, w.office, "perfunctory")
    ledger = _get(client, w.principal, reverse("rectification:ledger", args=[w.rect.pk])).content.decode()
    assert "整改报告照抄照搬" in ledger and "敷衍整改" in ledger
    edit = reverse("rectification:accountability_edit", args=[w.rect.pk, acc.pk])
    assert _get(client, w.leader, edit).status_code == 403
    client.force_login(w.office)
    assert client.post(edit, data | {"action": "诫勉谈话"}).status_code == 302
    acc.refresh_from_db()
    assert acc.action == "诫勉谈话"
    assert "通报批评" in client.get(edit).content.decode()  # the history


@pytest.mark.django_db
def test_ledger_of_a_lookback_rectification_links_to_the_lookback(client):
    w = make_world()
    earlier_round = w.rect.round
    lookback_round = RoundFactory(kind=RoundKind.LOOKBACK, revisit_of=earlier_round, term=earlier_round.term)
    assignment = AssignmentFactory(team=TeamFactory(round=lookback_round), unit=w.rect.unit)
    rect = RectificationFactory(assignment=assignment, status=RectStatus.IN_PROGRESS)
    client.force_login(w.office)
    page = client.get(reverse("rectification:ledger", args=[rect.pk])).content.decode()
    assert reverse("rectification:lookback", args=[assignment.pk]) in page
    page = client.get(reverse("rectification:ledger", args=[w.rect.pk])).content.decode()
    assert "回头看：对照上轮整改" not in page


@pytest.mark.django_db
def test_closing_a_returned_measure_before_the_unit_reported_again_is_a_message(client):
    w = make_world()
    measure_return(measure=w.m21, reason="签名缺失", by=w.office)
    client.force_login(w.office)
    url = reverse("rectification:measure_close", args=[w.rect.pk, w.m21.pk])
    page = client.post(url, {"reason": "核查无误"}, follow=True).content.decode()
    assert "须待单位在整改报告中报送新的整改进展或佐证材料后才能销号" in page
    w.m21.refresh_from_db()
    assert w.m21.status == MeasureStatus.RETURNED
