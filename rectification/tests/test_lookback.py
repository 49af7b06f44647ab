"""回头看: the lookback assignment's team sees the unit's earlier feedback and ledger beside every
measure's current state; nobody outside the assignment reaches the page."""

import pytest
from django.urls import reverse

from rectification.models import Rating, ReportKind
from rectification.services.closing import measure_reopen, rectification_close
from rectification.tests.test_closing import close_all, make_world, report_entry, submit_final
from rounds.models import Assignment, RoundKind
from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory


def lookback_world():
    """The world's rectification closed and rated 好; then a 回头看 round revisiting its round, with an
    assignment of the same unit to a new team (with its own member)."""
    w = make_world()
    halves = list(w.rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date"))
    report_entry(w.m11, report=halves[0], narrative="制度已印发执行")
    close_all(w)
    submit_final(w.rect)
    w.rect = rectification_close(rect=w.rect, rating=Rating.GOOD, note="整改到位", by=w.office)
    earlier_round = w.rect.round
    w.lookback_round = RoundFactory(kind=RoundKind.LOOKBACK, revisit_of=earlier_round, term=earlier_round.term)
    w.lookback_team = TeamFactory(round=w.lookback_round)
    w.lookback_member = UserFactory(roles=[Role.TEAM])
    TeamMemberFactory(team=w.lookback_team, cadre=CadreFactory(user=w.lookback_member))
    w.assignment = AssignmentFactory(team=w.lookback_team, unit=w.rect.unit)
    access.grants.sync_team(w.lookback_team)
    w.url = reverse("rectification:lookback", args=[w.assignment.pk])
    return w


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.django_db
def test_lookback_access(client):
    w = lookback_world()
    for user in (w.office, w.leader, w.lookback_member):
        assert _get(client, user, w.url).status_code == 200
    # The earlier team, the unit, the supervisors and other teams are not on the lookback assignment.
    for user in (w.member, w.other_member, w.principal, w.liaison, w.jiwei):
        assert _get(client, user, w.url).status_code == 404
    client.logout()
    assert client.get(w.url).status_code == 302
    client.force_login(w.office)
    assert client.get(reverse("rectification:lookback", args=[99999])).status_code == 404


@pytest.mark.django_db
def test_lookback_shows_the_earlier_ledger_beside_the_current_state(client):
    w = lookback_world()
    measure_reopen(measure=w.m21, reason="回头看发现会议记录又不全", by=w.office)
    page = _get(client, w.lookback_member, w.url).content.decode()
    assert "三重一大制度执行不严格" in page and "会议记录不全" in page
    assert "修订三重一大决策制度" in page and "常态化开展学习" in page
    assert 'data-testid="earlier-rating">好<' in page  # kept from the history after the reopening
    assert "整改到位" in page
    # 2.1: closed when the rectification closed; reopened now, with the reason.
    row = page.split('data-measure="2.1"')[1].split("</tr>")[0]
    then, now = row.split('data-testid="now"')
    assert "已销号" in then and "销号于" in then
    assert "整改中" in now and "反弹1次" in now and "回头看发现会议记录又不全" in now
    # 1.1: still closed, with its latest reported progress.
    row = page.split('data-measure="1.1"')[1].split("</tr>")[0]
    assert row.count("已销号") == 2 and "制度已印发执行" in row
    # The team of the lookback does not see the earlier rectification itself; the office gets a link.
    assert reverse("rectification:ledger", args=[w.rect.pk]) not in page
    office_page = _get(client, w.office, w.url).content.decode()
    assert reverse("rectification:ledger", args=[w.rect.pk]) in office_page


@pytest.mark.django_db
def test_an_earlier_rectification_never_closed_shows_it(client):
    w = make_world()
    earlier_round = w.rect.round
    lookback_round = RoundFactory(kind=RoundKind.LOOKBACK, revisit_of=earlier_round, term=earlier_round.term)
    assignment = AssignmentFactory(team=TeamFactory(round=lookback_round), unit=w.rect.unit)
    page = _get(client, w.office, reverse("rectification:lookback", args=[assignment.pk])).content.decode()
    assert "上轮整改未办结" in page and "未评估" in page
    assert "修订三重一大决策制度" in page


@pytest.mark.django_db
def test_a_unit_without_an_earlier_rectification_gets_an_empty_state(client):
    w = lookback_world()
    # A unit the earlier round inspected whose rectification was never recorded (the office began using
    # the system later): made directly, as the earlier round no longer takes assignments.
    unit = UnitFactory()
    Assignment.objects.create(round=w.rect.round, team=w.rect.team, unit=unit)
    assignment = AssignmentFactory(team=w.lookback_team, unit=unit)
    page = _get(client, w.office, reverse("rectification:lookback", args=[assignment.pk])).content.decode()
    assert 'data-testid="no-earlier"' in page
    assert f"该单位在{w.rect.round}中没有反馈整改记录" in page
    assert "三重一大" not in page


@pytest.mark.django_db
def test_an_assignment_in_an_ordinary_round_says_so(client):
    w = make_world()
    page = _get(client, w.office, reverse("rectification:lookback", args=[w.rect.assignment_id])).content.decode()
    assert "本轮不是回头看" in page
    assert "三重一大" not in page
