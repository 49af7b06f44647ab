"""Assignments of teams to units (巡察任务): the office's form, recusal, and what a team member may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rounds.models import Assignment, AssignmentMode, RoundKind, RoundStatus, UnitType
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, RoundFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _data(team, unit, **overrides):
    data = {
        "team": team.pk,
        "unit": unit.pk,
        "mode": AssignmentMode.REGULAR,
        "onsite_start": "2026-04-01",
        "onsite_end": "2026-05-15",
        "note": "",
    }
    data.update(overrides)
    return data


def _member_user(team, role=MemberRole.MEMBER, duty=""):
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role, duty=duty)
    return user


def _create(client, team, unit, **overrides):
    return client.post(
        reverse("rounds:assignment_create", args=[team.round_id]), _data(team, unit, **overrides)
    )


# --- the office's form ------------------------------------------------------------------------------


def test_office_assigns_a_team_to_a_unit(client_for, office_user):
    team = TeamFactory()
    unit = UnitFactory(name="青山县财政局")
    client = client_for(office_user)
    response = _create(client, team, unit)
    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("rounds:assignment_detail", args=[assignment.pk])
    assert (assignment.round, assignment.team, assignment.unit) == (team.round, team, unit)
    page = client.get(reverse("rounds:round_detail", args=[team.round_id])).content.decode()
    assert "青山县财政局" in page


def test_unit_choices_are_active_units_not_yet_assigned_grouped_by_type(client_for, office_user):
    team = TeamFactory()
    free = UnitFactory(name="青山县审计局")
    village = UnitFactory(name="石门村", unit_type=UnitType.VILLAGE)
    taken = AssignmentFactory(team=team).unit
    UnitFactory(name="已撤并单位", is_active=False)
    response = client_for(office_user).get(reverse("rounds:assignment_create", args=[team.round_id]))
    units = set(response.context["form"].fields["unit"].queryset)
    assert free in units and village in units
    assert taken not in units
    assert all(u.is_active for u in units)
    page = response.content.decode()
    assert '<optgroup label="县直部门">' in page and '<optgroup label="村/社区">' in page
    assert "已撤并单位" not in page


def test_a_unit_already_assigned_in_the_round_is_refused(client_for, office_user):
    team = TeamFactory()
    unit = AssignmentFactory(team=team).unit
    other_team = TeamFactory(round=team.round)
    response = _create(client_for(office_user), other_team, unit)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert Assignment.objects.count() == 1


def test_recusal_refuses_the_cadres_home_unit_naming_the_cadre(client_for, office_user):
    bureau = UnitFactory(name="青山县农业农村局")
    team = TeamFactory()
    team_member_add(team=team, cadre=CadreFactory(name="赵明", home_unit=bureau), role=MemberRole.LEADER)
    team_member_add(team=team, cadre=CadreFactory(name="钱亮", home_unit=bureau), role=MemberRole.MEMBER)
    response = _create(client_for(office_user), team, bureau)
    page = response.content.decode()
    assert "不能巡察青山县农业农村局" in page
    assert "赵明所在单位为青山县农业农村局，须回避本单位的巡察" in page
    assert "钱亮所在单位为青山县农业农村局" in page  # every reason, not only the first
    assert not Assignment.objects.exists()


def test_recusal_refuses_the_parent_and_the_child_of_the_home_unit(client_for, office_user):
    town = UnitFactory(name="石门镇", unit_type=UnitType.TOWNSHIP)
    village = UnitFactory(name="石门村", unit_type=UnitType.VILLAGE, parent=town)
    client = client_for(office_user)

    from_village = TeamFactory()
    team_member_add(
        team=from_village, cadre=CadreFactory(name="孙村干", home_unit=village), role=MemberRole.LEADER
    )
    page = _create(client, from_village, town).content.decode()
    assert "石门镇是孙村干所在单位石门村的上级单位，须回避" in page

    from_town = TeamFactory()
    team_member_add(team=from_town, cadre=CadreFactory(name="周镇干", home_unit=town), role=MemberRole.LEADER)
    page = _create(client, from_town, village).content.decode()
    assert "石门村是周镇干所在单位石门镇的下属单位，须回避" in page
    assert not Assignment.objects.exists()


def test_elevated_inspection_requires_a_village(client_for, office_user):
    team = TeamFactory()
    client = client_for(office_user)
    bureau = UnitFactory(name="青山县水利局")
    response = _create(client, team, bureau, mode=AssignmentMode.ELEVATED)
    assert "提级巡察的对象须为村/社区" in response.content.decode()
    assert not Assignment.objects.exists()
    village = UnitFactory(name="石门村", unit_type=UnitType.VILLAGE)
    assert _create(client, team, village, mode=AssignmentMode.ELEVATED).status_code == 302
    assert Assignment.objects.get().mode == AssignmentMode.ELEVATED


def test_a_lookback_offers_only_the_units_of_the_revisited_round(client_for, office_user):
    earlier = RoundFactory(status=RoundStatus.DONE)
    seen = UnitFactory(name="青山县住建局")
    Assignment.objects.create(round=earlier, team=TeamFactory(round=earlier), unit=seen)
    UnitFactory(name="青山县统计局")
    lookback = RoundFactory(kind=RoundKind.LOOKBACK, revisit_of=earlier)
    TeamFactory(round=lookback)
    response = client_for(office_user).get(reverse("rounds:assignment_create", args=[lookback.pk]))
    assert list(response.context["form"].fields["unit"].queryset) == [seen]


def test_office_edits_an_assignment(client_for, office_user):
    assignment = AssignmentFactory()
    response = client_for(office_user).post(
        reverse("rounds:assignment_edit", args=[assignment.pk]),
        _data(
            assignment.team,
            assignment.unit,
            onsite_start="2026-04-10",
            onsite_end="2026-05-20",
            note="分两批进驻",
        ),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert str(assignment.onsite_start) == "2026-04-10" and assignment.note == "分两批进驻"


def test_an_end_before_the_start_is_refused(client_for, office_user):
    assignment = AssignmentFactory()
    response = client_for(office_user).post(
        reverse("rounds:assignment_edit", args=[assignment.pk]),
        _data(assignment.team, assignment.unit, onsite_start="2026-05-10", onsite_end="2026-04-01"),
    )
    assert "进驻结束日期不能早于进驻开始日期" in response.content.decode()


def test_office_deletes_an_assignment_and_not_after_stationing(client_for, office_user):
    client = client_for(office_user)
    assignment = AssignmentFactory()
    detail = client.get(reverse("rounds:assignment_detail", args=[assignment.pk])).content.decode()
    assert "data-confirm=" in detail and reverse("rounds:assignment_delete", args=[assignment.pk]) in detail
    assert client.get(reverse("rounds:assignment_delete", args=[assignment.pk])).status_code == 405
    response = client.post(reverse("rounds:assignment_delete", args=[assignment.pk]))
    assert response.url == reverse("rounds:round_detail", args=[assignment.round_id])
    assert not Assignment.objects.exists()

    stationed = AssignmentFactory()
    type(stationed.round).objects.filter(pk=stationed.round_id).update(status=RoundStatus.STATIONED)
    response = client.post(reverse("rounds:assignment_delete", args=[stationed.pk]), follow=True)
    assert "进驻后不能取消巡察任务" in response.content.decode()
    assert Assignment.objects.filter(pk=stationed.pk).exists()


def test_leader_cannot_assign_or_delete(client_for, leader_user):
    team = TeamFactory()
    assignment = AssignmentFactory(team=team)
    client = client_for(leader_user)
    assert _create(client, team, UnitFactory()).status_code == 403
    assert client.post(reverse("rounds:assignment_delete", args=[assignment.pk])).status_code == 403
    assert client.post(reverse("rounds:assignment_edit", args=[assignment.pk]), {}).status_code == 403
    assert Assignment.objects.count() == 1
    page = client.get(reverse("rounds:assignment_detail", args=[assignment.pk])).content.decode()
    assert reverse("rounds:assignment_delete", args=[assignment.pk]) not in page


# --- what a team member sees ------------------------------------------------------------------------


def test_team_member_gets_404_on_another_teams_assignment(client_for):
    round = RoundFactory()
    team_a, team_b = TeamFactory(round=round), TeamFactory(round=round)
    user = _member_user(team_a)
    mine = AssignmentFactory(team=team_a)
    theirs = AssignmentFactory(team=team_b)
    client = client_for(user)
    assert client.get(reverse("rounds:assignment_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("rounds:assignment_detail", args=[theirs.pk])).status_code == 404


def test_team_member_sees_only_his_teams_assignments_in_lists(client_for):
    round = RoundFactory()
    team_a, team_b = TeamFactory(round=round), TeamFactory(round=round)
    user = _member_user(team_a)
    AssignmentFactory(team=team_a, unit=UnitFactory(name="青山县教育局"))
    AssignmentFactory(team=team_b, unit=UnitFactory(name="青山县卫健局"))
    client = client_for(user)
    response = client.get(reverse("rounds:assignment_list"))
    assert [a.unit.name for a in response.context["page_obj"].object_list] == ["青山县教育局"]
    assert "青山县卫健局" not in response.content.decode()
    detail = client.get(reverse("rounds:round_detail", args=[round.pk]))
    assert [a.unit.name for a in detail.context["assignments"]] == ["青山县教育局"]
    assert [t.pk for t in detail.context["teams"]] == [team_a.pk]
    assert "青山县卫健局" not in detail.content.decode()


def test_team_member_sees_his_team_with_roles_and_duties(client_for):
    team = TeamFactory()
    team_member_add(team=team, cadre=CadreFactory(name="王组长"), role=MemberRole.LEADER, duty="全面负责")
    user = _member_user(team, duty="财务审计")
    assignment = AssignmentFactory(team=team)
    response = client_for(user).get(reverse("rounds:assignment_detail", args=[assignment.pk]))
    members = response.context["members"]
    assert [m.get_role_display() for m in members] == ["组长", "组员"]
    page = response.content.decode()
    assert "王组长" in page and "全面负责" in page and "财务审计" in page
    assert reverse("rounds:assignment_edit", args=[assignment.pk]) not in page


def test_office_assignment_list_shows_all_and_filters(client_for, office_user):
    r1, r2 = RoundFactory(), RoundFactory()
    t1, t2 = TeamFactory(round=r1), TeamFactory(round=r2)
    a1 = AssignmentFactory(team=t1, unit=UnitFactory(name="青山县交通局"))
    a2 = AssignmentFactory(team=t2, unit=UnitFactory(name="青山县林业局"))
    client = client_for(office_user)

    def listed(**params):
        return set(client.get(reverse("rounds:assignment_list"), params).context["page_obj"].object_list)

    assert listed() == {a1, a2}
    assert listed(round=r1.pk) == {a1}
    assert listed(team=t2.pk) == {a2}
    assert listed(q="林业") == {a2}
    type(r1).objects.filter(pk=r1.pk).update(status=RoundStatus.STATIONED)
    assert listed(status=RoundStatus.STATIONED) == {a1}


def test_assignment_list_costs_the_same_queries_for_more_rows(client_for, office_user):
    client = client_for(office_user)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("rounds:assignment_list")).status_code == 200
        return len(ctx)

    AnnouncementFactory()
    few = queries()
    for _ in range(6):
        AnnouncementFactory()
        AssignmentFactory()
    assert queries() == few
