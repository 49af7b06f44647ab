"""The office's bulk work on a round: a town with all its villages in one step (all or nothing, each
refused row named with its reason), and the announcements of a team or the round from one template
(each its own row, editable afterwards)."""

import re

import pytest
from django.urls import reverse

from rounds.models import Announcement, AnnouncementStatus, Assignment, AssignmentMode, UnitType
from rounds.services.assignments import (
    announcement_from_template,
    announcements_from_template,
    assignment_create_town,
)
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, UnitFactory
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.core.bulk import BulkRefused
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db
M = AssignmentMode


@pytest.fixture
def town():
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    villages = [UnitFactory(name=f"青山镇{n}村", unit_type=UnitType.VILLAGE, parent=town) for n in "一二三"]
    return town, villages


# --- a town with its villages -------------------------------------------------------------------------


def test_a_town_and_its_villages_in_one_step_each_with_its_mode(town, office_user):
    town, villages = town
    team = TeamFactory()
    rows = [(town, M.REGULAR), (villages[0], M.ELEVATED), (villages[1], M.EXTENDED), (villages[2], M.TARGETED)]
    created = assignment_create_town(round=team.round, team=team, rows=rows, by=office_user)
    assert len(created) == 4
    got = dict(Assignment.objects.filter(round=team.round).values_list("unit__name", "mode"))
    assert got == {"青山镇": M.REGULAR, "青山镇一村": M.ELEVATED, "青山镇二村": M.EXTENDED, "青山镇三村": M.TARGETED}
    # One history row each, as when assigned one by one.
    assert Assignment.history.filter(history_type="+").count() == 4


def test_any_refused_row_saves_nothing_and_names_every_refusal(town, office_user):
    town, villages = town
    team = TeamFactory()
    other = TeamFactory(round=team.round)
    AssignmentFactory(team=other, unit=villages[1])  # already assigned in this round
    rows = [(town, M.ELEVATED), (villages[0], M.REGULAR), (villages[1], M.REGULAR)]
    with pytest.raises(BulkRefused) as refused:
        assignment_create_town(round=team.round, team=team, rows=rows, by=office_user)
    assert refused.value.reasons == ["青山镇：提级巡察的对象须为村/社区", f"青山镇二村：青山镇二村已由本轮{other.name}巡察"]
    assert not Assignment.objects.filter(team=team).exists()


def test_recusal_refuses_the_town_step_as_a_whole(town, office_user):
    town, villages = town
    team = TeamFactory()
    TeamMemberFactory(team=team, cadre=CadreFactory(name="赵干部", home_unit=villages[0]))
    with pytest.raises(BulkRefused) as refused:
        assignment_create_town(
            round=team.round, team=team, rows=[(town, M.REGULAR), (villages[0], M.EXTENDED)], by=office_user
        )
    assert any("赵干部" in r for r in refused.value.reasons)
    assert not Assignment.objects.exists()


def test_only_the_office_assigns_a_town(town):
    town, villages = town
    team = TeamFactory()
    for roles in ([Role.TEAM], [Role.UNIT], [Role.LEADER]):
        with pytest.raises(DomainError, match="只有巡察办"):
            assignment_create_town(round=team.round, team=team, rows=[(town, M.REGULAR)], by=UserFactory(roles=roles))
    assert not Assignment.objects.exists()


def test_the_town_page_lists_the_villages_and_saves_the_ticked_ones(town, client_for, office_user):
    town, villages = town
    team = TeamFactory()
    AssignmentFactory(team=TeamFactory(round=team.round), unit=villages[2])
    client = client_for(office_user)
    url = reverse("rounds:town_assign", args=[team.round_id])
    page = client.get(url, {"team": team.pk, "town": town.pk}).content.decode()
    assert "青山镇一村" in page and "青山镇二村" in page and "本轮已由" in page
    assert "---------" not in page
    # The town itself defaults to 常规, each village to 延伸.
    assert page.count('<option value="extended" selected>') == 2 and '<option value="regular" selected>' in page
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"', page).group(1)
    data = {
        "team": team.pk,
        "town": town.pk,
        "submission_token": token,
        "onsite_start": "2026-04-01",
        "onsite_end": "2026-05-15",
        f"include_{town.pk}": "on",
        f"mode_{town.pk}": M.REGULAR,
        f"include_{villages[0].pk}": "on",
        f"mode_{villages[0].pk}": M.ELEVATED,
        f"mode_{villages[1].pk}": M.EXTENDED,  # not ticked
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("rounds:announcement_bulk", args=[team.round_id]) + f"?team={team.pk}"
    assert set(Assignment.objects.filter(team=team).values_list("unit__name", "mode")) == {
        ("青山镇", M.REGULAR),
        ("青山镇一村", M.ELEVATED),
    }
    # The same page posted again: acts once.
    again = client.post(url, data)
    assert again.status_code == 302 and Assignment.objects.filter(team=team).count() == 2


def test_the_town_page_shows_every_refusal_and_keeps_the_table(town, client_for, office_user):
    town, villages = town
    team = TeamFactory()
    client = client_for(office_user)
    url = reverse("rounds:town_assign", args=[team.round_id])
    data = {
        "team": team.pk,
        "town": town.pk,
        f"include_{town.pk}": "on",
        f"mode_{town.pk}": M.REGULAR,
        f"include_{villages[0].pk}": "on",
        f"mode_{villages[0].pk}": M.ELEVATED,
        "onsite_start": "2026-05-15",
        "onsite_end": "2026-04-01",
    }
    page = client.post(url, data).content.decode()
    assert "进驻结束日期不能早于进驻开始日期" in page, re.findall(r"(?:alert|invalid-feedback)[^>]*>(.*?)</div>", page, re.S)
    assert not Assignment.objects.exists()


def test_the_town_page_is_the_offices(town, client_for):
    town, _ = town
    team = TeamFactory()
    url = reverse("rounds:town_assign", args=[team.round_id])
    for roles in ([Role.TEAM], [Role.UNIT]):
        client = client_for(UserFactory(roles=roles))
        assert client.get(url).status_code == 403
        assert client.post(url, {"team": team.pk, "town": town.pk}).status_code == 403
    assert not Assignment.objects.exists()


# --- announcements from one template ---------------------------------------------------------------------

TEMPLATE = {"phone": "0797-1234567", "mailbox": "青山县邮政信箱001号", "email": "", "accepted_scope": ""}


def test_announcements_from_a_template_each_editable_afterwards(office_user):
    team = TeamFactory()
    a1, a2 = AssignmentFactory(team=team), AssignmentFactory(team=team)
    rows = announcements_from_template(assignments=[a1, a2], template=TEMPLATE, publish=True, by=office_user)
    assert [r.ok for r in rows] == [True, True]
    ann = Announcement.objects.get(assignment=a1)
    assert ann.status == AnnouncementStatus.PUBLISHED and ann.start_date == a1.onsite_start
    assert ann.phone == "0797-1234567" and ann.accepted_scope.startswith("巡察组主要受理")
    assert ann.history.count() == 2  # saved, then published: recorded one by one


def test_a_published_announcement_is_left_alone_and_reported(office_user):
    published = AnnouncementFactory()
    announcement_from_template(assignment=published.assignment, template=TEMPLATE, publish=True, by=office_user)
    other = AssignmentFactory(team=published.assignment.team)
    rows = announcements_from_template(
        assignments=[published.assignment, other], template=TEMPLATE, by=office_user
    )
    assert [(r.ok, r.message) for r in rows] == [(False, "公告已发布，如需修改请在该巡察任务页面单独修改"), (True, "")]
    assert Announcement.objects.get(assignment=other).status == AnnouncementStatus.DRAFT


def test_announcement_template_refusals(office_user):
    a = AssignmentFactory(onsite_start=None, onsite_end=None)
    with pytest.raises(DomainError, match="未填写进驻起止日期"):
        announcement_from_template(assignment=a, template=TEMPLATE, by=office_user)
    with pytest.raises(DomainError, match="只有巡察办"):
        announcement_from_template(
            assignment=AssignmentFactory(), template=TEMPLATE, by=UserFactory(roles=[Role.TEAM])
        )
    b = AssignmentFactory()
    rows = announcements_from_template(
        assignments=[b], template={**TEMPLATE, "mailbox": ""}, publish=True, by=office_user
    )
    assert rows[0].message == "发布前须至少填写邮政信箱或电子邮箱之一"
    assert not Announcement.objects.filter(assignment=b).exists()  # the row rolled back whole


def test_the_announcement_page_confirms_then_generates(client_for, office_user):
    team = TeamFactory()
    a1, a2 = AssignmentFactory(team=team), AssignmentFactory(team=team)
    client = client_for(office_user)
    url = reverse("rounds:announcement_bulk", args=[team.round_id])
    page = client.get(url, {"team": team.pk}).content.decode()
    assert a1.unit.name in page and a2.unit.name in page
    data = {"ids": [a1.pk, a2.pk], **{k: v for k, v in TEMPLATE.items() if v}, "accepted_scope": "受理范围", "publish": "on"}
    confirm = client.post(url, data)
    assert confirm.status_code == 200 and "确认批量生成巡察公告" in confirm.content.decode()
    assert not Announcement.objects.exists()
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"', confirm.content.decode()).group(1)
    done = client.post(url, {**data, "confirmed": "True", "submission_token": token})
    assert done.status_code == 302
    assert set(Announcement.objects.values_list("status", flat=True)) == {AnnouncementStatus.PUBLISHED}
    result = client.get(done.url).content.decode()
    assert "已办理 <strong>2</strong> 行" in result and result.count("已发布") == 2


def test_the_announcement_page_is_the_offices(client_for):
    a = AssignmentFactory()
    url = reverse("rounds:announcement_bulk", args=[a.round_id])
    for roles in ([Role.TEAM], [Role.UNIT], [Role.LEADER]):
        client = client_for(UserFactory(roles=roles))
        assert client.get(url).status_code == 403
        assert client.post(url, {"ids": [a.pk], **TEMPLATE}).status_code == 403
    assert not Announcement.objects.exists()
