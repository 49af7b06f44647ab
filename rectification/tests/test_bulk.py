"""Bulk work on the rectification ledgers: 批量销号 of a rectification's measures and 批量催办 of units
from the list. Each row goes through its per-object service (measure_close, rectification_remind), is
recorded one by one, and a refused row is reported with its reason; nobody acts beyond his rights."""

import datetime
import re

import pytest
from django.urls import reverse

from rectification.models import MeasureEvent, MeasureStatus, RectStatus
from rectification.services.closing import measure_close, measure_return
from rectification.services.reminders import rectification_remind
from rectification.tests.factories import MeasureFactory, ProblemFactory
from rectification.tests.test_closing import make_world, report_entry, titles_of
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db


def confirm_then_run(client, url, data):
    page = client.post(url, data)
    assert page.status_code == 200, page
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"', page.content.decode()).group(1)
    final = {**data, "confirmed": "True", "submission_token": token}
    return page, final, client.post(url, final)


# --- 批量销号 ----------------------------------------------------------------------------------------------


def test_bulk_close_closes_each_with_its_event_and_history(client):
    w = make_world()
    report_entry(w.m11, evidence=["会议纪要.pdf"])
    url = reverse("rectification:measure_bulk_close", args=[w.rect.pk])
    client.force_login(w.office)
    page, _, done = confirm_then_run(client, url, {"ids": [w.m11.pk, w.m21.pk], "reason": "已核对佐证"})
    html = page.content.decode()
    # The confirmation names the measure without progress, and changes nothing.
    assert "单位尚未报送该措施的整改进展" in html
    assert done.status_code == 302
    for m in (w.m11, w.m21):
        m.refresh_from_db()
        assert m.status == MeasureStatus.CLOSED and m.closed_by == w.office
        assert list(m.events.values_list("action", "reason")) == [(MeasureEvent.Action.CLOSE, "已核对佐证")]
        assert m.history.filter(status=MeasureStatus.CLOSED).count() == 1
    assert "已办理 <strong>2</strong> 行" in client.get(done.url).content.decode()


def test_bulk_close_reports_the_refused_row_and_closes_the_others(client):
    w = make_world()
    measure_close(measure=w.m21, by=w.office)
    url = reverse("rectification:measure_bulk_close", args=[w.rect.pk])
    client.force_login(w.office)
    _, _, done = confirm_then_run(client, url, {"ids": [w.m11.pk, w.m21.pk]})
    result = client.get(done.url).content.decode()
    assert "已办理 <strong>1</strong> 行，未办理 <strong>1</strong> 行" in result
    assert f"措施{w.m21.number}已销号" in result
    w.m11.refresh_from_db()
    assert w.m11.status == MeasureStatus.CLOSED
    assert w.m21.events.count() == 1  # not closed twice


def test_the_confirmation_names_a_returned_measure_the_unit_has_not_answered(client, django_assert_max_num_queries):
    """The bulk confirmation reads the close rule of measure_close itself, for the whole selection at once."""
    w = make_world()
    measure_return(measure=w.m11, reason="制度未印发", by=w.office)
    url = reverse("rectification:measure_bulk_close", args=[w.rect.pk])
    client.force_login(w.office)
    page = client.post(url, {"ids": [w.m11.pk, w.m21.pk]}).content.decode()
    assert "已退回重改，须待单位在整改报告中报送新的整改进展或佐证材料后才能销号" in page
    # The same few queries for more measures (the rule and the latest progress are read for all at once).
    more = [MeasureFactory(problem=w.m21.problem) for _ in range(8)]
    client.post(url, {"ids": [w.m11.pk, w.m21.pk]})
    with django_assert_max_num_queries(40) as few:
        client.post(url, {"ids": [w.m11.pk, w.m21.pk]})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(url, {"ids": [w.m11.pk, w.m21.pk, *(m.pk for m in more)]})


def test_bulk_close_is_the_offices_only(client):
    w = make_world()
    url = reverse("rectification:measure_bulk_close", args=[w.rect.pk])
    for user, status in ((w.principal, 403), (w.member, 403), (w.leader, 403), (w.other_unit_user, 404)):
        client.force_login(user)
        assert client.post(url, {"ids": [w.m11.pk]}).status_code == status, user
    w.m11.refresh_from_db()
    assert w.m11.status == MeasureStatus.OPEN


def test_bulk_close_cannot_reach_another_rectifications_measures(client):
    w = make_world()
    other_measure = MeasureFactory(problem=ProblemFactory(rectification=w.other, seq=1), seq=1)
    url = reverse("rectification:measure_bulk_close", args=[w.rect.pk])
    client.force_login(w.office)
    response = client.post(url, {"ids": [other_measure.pk]}, follow=True)
    assert "无权查看" in response.content.decode()
    other_measure.refresh_from_db()
    assert other_measure.status != MeasureStatus.CLOSED


def test_a_repeated_bulk_close_acts_once(client):
    w = make_world()
    url = reverse("rectification:measure_bulk_close", args=[w.rect.pk])
    client.force_login(w.office)
    _, final, first = confirm_then_run(client, url, {"ids": [w.m11.pk]})
    second = client.post(url, final)
    assert second.url == first.url
    assert w.m11.events.count() == 1


# --- 催办 --------------------------------------------------------------------------------------------------


def test_remind_tells_the_unit_of_what_is_overdue_once_a_day():
    w = make_world()
    today = datetime.date(2026, 9, 10)  # the measures (due 2026-08-31) are overdue
    told = rectification_remind(rect=w.rect, by=w.office, note="请于本周内报送", today=today)
    assert told == 2
    note = Notification.objects.get(recipient=w.principal)
    assert note.title.startswith(f"巡察办催办：{w.rect.unit.name}整改")
    assert f"整改措施{w.m11.number}" in note.body and "已逾期10天" in note.body and "请于本周内报送" in note.body
    with pytest.raises(DomainError, match="今天已经催办过"):
        rectification_remind(rect=w.rect, by=w.office, today=today)
    assert rectification_remind(rect=w.rect, by=w.office, today=today + datetime.timedelta(days=1)) == 2


def test_remind_refusals():
    w = make_world()
    with pytest.raises(DomainError, match="只有巡察办可以催办"):
        rectification_remind(rect=w.rect, by=w.principal, today=datetime.date(2026, 9, 10))
    with pytest.raises(DomainError, match="不需催办"):
        # Long before anything is due, with no note: nothing to say.
        rectification_remind(rect=w.rect, by=w.office, today=datetime.date(2026, 7, 2))
    planning = make_world(status=RectStatus.PLANNING)
    with pytest.raises(DomainError, match="须在“整改中”"):
        rectification_remind(rect=planning.rect, by=planning.office, today=datetime.date(2026, 9, 10))
    assert titles_of(w.principal) == []


def test_bulk_remind_from_the_list_reports_each_unit(client):
    w = make_world()  # both rectifications in progress; the other unit has a principal too
    url = reverse("rectification:rect_bulk_remind")
    client.force_login(w.office)
    assert 'data-testid="bulk-bar"' in client.get(reverse("rectification:rect_list")).content.decode()
    _, final, done = confirm_then_run(client, url, {"ids": [w.rect.pk, w.other.pk], "note": "请抓紧"})
    result = client.get(done.url).content.decode()
    assert "已办理 <strong>2</strong> 行" in result
    assert "已提醒2人" in result and "已提醒1人" in result  # principal and liaison; the other unit's principal
    assert len(titles_of(w.principal)) == 1 and len(titles_of(w.other_unit_user)) == 1
    # The same selection again the same day (a new confirmation): each unit refused with its reason.
    _, _, again = confirm_then_run(client, url, {"ids": [w.rect.pk], "note": "请抓紧"})
    assert "今天已经催办过" in client.get(again.url).content.decode()
    assert len(titles_of(w.principal)) == 1


def test_bulk_remind_is_the_offices_only(client):
    w = make_world()
    url = reverse("rectification:rect_bulk_remind")
    for user in (w.principal, w.member, w.leader, w.jiwei):
        client.force_login(user)
        assert client.post(url, {"ids": [w.rect.pk]}).status_code == 403
        assert 'data-testid="bulk-bar"' not in client.get(reverse("rectification:rect_list")).content.decode()
    assert Notification.objects.count() == 0
