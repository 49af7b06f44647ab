"""The workbench's rectification part: the unit's due dates, the supervisors' latest reports, the office's
to-do — with the yellow / red marks, links to the rectification's pages, and a bounded query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectification.models import MeasureKind, MeasureStatus, Rectification, RectStatus, Report, ReportKind
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.tests.factories import UnitFactory
from xuncha.access.grants import sync_unit
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db

d = datetime.date
TODAY = d(2026, 7, 12)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def _unit(make_user, name, principal=None):
    unit = UnitFactory(name=name)
    unit.principal_user = principal or make_user(Role.UNIT)
    unit.liaison_user = make_user(Role.UNIT)
    unit.save()
    sync_unit(unit)
    return unit


def _rect(unit, **kwargs):
    if kwargs.get("meeting_date", True) is not None:
        kwargs.setdefault("status", RectStatus.IN_PROGRESS)
    return RectificationFactory(assignment__unit=unit, **kwargs)


def _home(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def _queries(client_for, user):
    with CaptureQueriesContext(connection) as ctx:
        _home(client_for, user)
    return len(ctx.captured_queries)


# --- the unit's users -----------------------------------------------------------------------------


def test_the_unit_sees_its_next_report_and_the_measures_due_within_seven_days_or_overdue(make_user, client_for):
    unit = _unit(make_user, "县农业农村局")
    rect = _rect(unit)  # meeting 1 July: the first half-monthly report is due 15 July, 3 days ahead
    problem = ProblemFactory(rectification=rect)
    late = MeasureFactory(problem=problem, deadline=d(2026, 7, 10), content="清理违规发放的津贴补贴")
    soon = MeasureFactory(problem=problem, deadline=d(2026, 7, 19), content="修订三重一大议事规则")
    lasting = MeasureFactory(
        problem=problem, deadline=d(2026, 7, 13), kind=MeasureKind.LONG_TERM, content="坚持每月廉政提醒"
    )
    MeasureFactory(problem=problem, deadline=d(2026, 7, 20), content="八日之后才到期的措施")
    MeasureFactory(problem=problem, deadline=d(2026, 7, 1), content="已销号的措施", status=MeasureStatus.CLOSED)

    for user in (unit.principal_user, unit.liaison_user):
        response = _home(client_for, user)
        assert [r.pk for r in response.context["my_rectifications"]] == [rect.pk]
        assert response.context["my_rectifications"][0].next_report.due_date == d(2026, 7, 15)
        assert [m.pk for m in response.context["my_due_measures"]] == [late.pk, lasting.pk, soon.pk]
        assert "rect_office" not in response.context and "rect_supervision" not in response.context
    html = response.content.decode()
    assert "本单位整改" in html and "第1期半月进展报告" in html and "2026-07-15" in html
    assert reverse("rectification:report_list", args=[rect.pk]) in html
    assert reverse("rectification:plan", args=[rect.pk]) in html
    assert '<tr class="due-soon">' in html  # the report row and the measures due soon
    assert '<tr class="overdue">' in html and 'badge badge-overdue">已逾期' in html
    assert 'badge badge-due-soon">7日内到期' in html
    assert "清理违规发放的津贴补贴" in html and "坚持每月廉政提醒" in html
    assert "八日之后才到期的措施" not in html and "已销号的措施" not in html


def test_an_overdue_report_shows_red_and_a_submitted_one_gives_way_to_the_next(make_user, client_for):
    unit = _unit(make_user, "县农业农村局")
    rect = _rect(unit, meeting_date=d(2026, 6, 1))  # reports due 15 June, 30 June, 15 July, …
    Report.objects.filter(rectification=rect, due_date=d(2026, 6, 15)).update(submitted_at=timezone.now())
    response = _home(client_for, unit.principal_user)
    [shown] = response.context["my_rectifications"]
    assert shown.next_report.due_date == d(2026, 6, 30)
    html = response.content.decode()
    assert '<tr class="overdue">' in html and "第2期半月进展报告" in html
    assert "七日内没有到期的整改措施" in html  # the empty state


def test_the_unit_sees_only_its_own_open_rectifications_after_the_meeting(make_user, client_for):
    unit = _unit(make_user, "县农业农村局")
    mine = _rect(unit)
    other = _rect(_unit(make_user, "县教育局"))
    MeasureFactory(problem=ProblemFactory(rectification=other), deadline=d(2026, 7, 13), content="别的单位的措施")
    closed = _rect(_unit(make_user, "县林业局", principal=unit.principal_user), status=RectStatus.CLOSED)
    preparing = _rect(_unit(make_user, "县水利局", principal=unit.principal_user), meeting_date=None)
    assert preparing.status == RectStatus.PREPARING
    MeasureFactory(problem=ProblemFactory(rectification=preparing), deadline=d(2026, 7, 13), content="反馈前的措施")

    response = _home(client_for, unit.principal_user)
    assert [r.pk for r in response.context["my_rectifications"]] == [mine.pk]
    html = response.content.decode()
    assert "别的单位的措施" not in html and "反馈前的措施" not in html
    assert reverse("rectification:report_list", args=[closed.pk]) not in html
    assert reverse("rectification:report_list", args=[other.pk]) not in html


def test_the_units_workbench_takes_the_same_queries_for_one_rectification_or_several(make_user, client_for):
    principal = make_user(Role.UNIT)

    def add(name):
        rect = _rect(_unit(make_user, name, principal=principal))
        problem = ProblemFactory(rectification=rect)
        MeasureFactory(problem=problem, deadline=d(2026, 7, 10))
        MeasureFactory(problem=problem, deadline=d(2026, 7, 14))

    add("单位甲")
    _home(client_for, principal)
    one = _queries(client_for, principal)
    for name in ("单位乙", "单位丙", "单位丁"):
        add(name)
    response = _home(client_for, principal)
    assert len(response.context["my_rectifications"]) == 4 and len(response.context["my_due_measures"]) == 8
    assert _queries(client_for, principal) == one


# --- the supervisors ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.JIWEI, Role.ZUZHIBU])
def test_supervisors_see_the_latest_reports_submitted_and_the_number_overdue(role, make_user, client_for):
    rect = _rect(_unit(make_user, "县农业农村局"), meeting_date=d(2026, 6, 1))
    other = _rect(_unit(make_user, "县教育局"), meeting_date=d(2026, 6, 1))
    first = Report.objects.get(rectification=rect, due_date=d(2026, 6, 15))
    Report.objects.filter(pk=first.pk).update(submitted_at=timezone.now())
    # Overdue: 30 June of both (15 June of the other too); a closed rectification's does not count.
    _rect(_unit(make_user, "县林业局"), meeting_date=d(2026, 6, 1), status=RectStatus.CLOSED)
    user = make_user(role)
    response = _home(client_for, user)
    board = response.context["rect_supervision"]
    assert [r.pk for r in board["latest_reports"]] == [first.pk]
    assert board["overdue_count"] == 3
    assert "my_rectifications" not in response.context and "rect_office" not in response.context
    html = response.content.decode()
    assert "最新报送的整改报告" in html
    assert reverse("rectification:report_detail", args=[rect.pk, first.pk]) in html
    assert reverse("rectification:report_list", args=[other.pk]) not in html


def test_the_supervisors_workbench_takes_the_same_queries_for_few_reports_or_many(make_user, client_for):
    user = make_user(Role.JIWEI)

    def add(name):
        rect = _rect(_unit(make_user, name), meeting_date=d(2026, 6, 1))
        Report.objects.filter(rectification=rect, due_date__lte=d(2026, 6, 30)).update(submitted_at=timezone.now())

    add("单位甲")
    _home(client_for, user)
    one = _queries(client_for, user)
    for name in ("单位乙", "单位丙", "单位丁"):
        add(name)
    assert len(_home(client_for, user).context["rect_supervision"]["latest_reports"]) == 8
    assert _queries(client_for, user) == one


# --- the office -----------------------------------------------------------------------------------


def test_the_office_sees_the_plans_awaiting_approval_and_the_overdue_reports(office_user, make_user, client_for):
    waiting = _rect(_unit(make_user, "县农业农村局"), status=RectStatus.PLAN_SUBMITTED)
    Rectification.objects.filter(pk=waiting.pk).update(plan_submitted_at=timezone.now())
    _rect(_unit(make_user, "县教育局"), status=RectStatus.PLANNING)
    late = _rect(_unit(make_user, "县林业局"), meeting_date=d(2026, 6, 1))
    Report.objects.filter(rectification=late, due_date=d(2026, 6, 15)).update(submitted_at=timezone.now())

    response = _home(client_for, office_user)
    board = response.context["rect_office"]
    assert board["plans_count"] == 1 and [r.pk for r in board["plans"]] == [waiting.pk]
    assert board["overdue_count"] == 1
    [overdue] = board["overdue_reports"]
    assert (overdue.rectification_id, overdue.kind, overdue.due_date) == (
        late.pk, ReportKind.HALF_MONTHLY, d(2026, 6, 30)
    )
    assert "rect_supervision" not in response.context and "my_rectifications" not in response.context
    html = response.content.decode()
    assert "待审核的整改方案" in html and "逾期未报送的整改报告" in html
    assert reverse("rectification:plan", args=[waiting.pk]) in html
    assert reverse("rectification:report_list", args=[late.pk]) in html


def test_the_offices_workbench_takes_the_same_queries_however_many_rectifications(
    office_user, make_user, client_for
):
    _rect(_unit(make_user, "单位甲"), status=RectStatus.PLAN_SUBMITTED)
    _rect(_unit(make_user, "单位乙"), meeting_date=d(2026, 6, 1))
    _home(client_for, office_user)
    few = _queries(client_for, office_user)
    for name in ("单位丙", "单位丁", "单位戊"):
        _rect(_unit(make_user, name), status=RectStatus.PLAN_SUBMITTED)
        _rect(_unit(make_user, name + "二"), meeting_date=d(2026, 6, 1))
    response = _home(client_for, office_user)
    assert response.context["rect_office"]["plans_count"] == 4
    assert response.context["rect_office"]["overdue_count"] == 8
    assert _queries(client_for, office_user) == few


# --- everyone else --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.TEAM, Role.DEPARTMENT])
def test_other_roles_see_no_rectification_panel(role, make_user, client_for):
    _rect(_unit(make_user, "县农业农村局"), status=RectStatus.PLAN_SUBMITTED)
    response = _home(client_for, make_user(role))
    for key in ("my_rectifications", "rect_office", "rect_supervision"):
        assert key not in response.context, key
    assert "本单位整改" not in response.content.decode()
