"""Teams and their members: the rules of membership, who sees a team, and what the grants follow."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rounds.models import RoundStatus
from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.models import MemberRole, Team, TeamMember
from teams.services import cadre_save, team_member_add
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def round_():
    return RoundFactory()


@pytest.fixture
def team(round_):
    return TeamFactory(round=round_, number=1)


# --- rules of membership ------------------------------------------------------------------------------


def test_cadre_cannot_join_two_teams_of_one_round_and_message_names_other_team(
    round_, team, office_user, client_for
):
    other_team = TeamFactory(round=round_, number=2)
    cadre = CadreFactory(name="孙组员")
    team_member_add(team=other_team, cadre=cadre, role=MemberRole.DEPUTY)

    # posted from a page opened before a colleague put him on the second team
    response = client_for(office_user).post(
        reverse("teams:team_member_add", args=[team.pk]), {"cadre": cadre.pk, "role": MemberRole.MEMBER}
    )

    assert not team.members.exists()
    [message] = _messages(response)
    assert "孙组员已是本轮第二巡察组的副组长" in message


def test_same_cadre_may_serve_on_teams_of_different_rounds(team):
    cadre = CadreFactory()
    team_member_add(team=team, cadre=cadre, role=MemberRole.MEMBER)
    team_member_add(team=TeamFactory(round=RoundFactory()), cadre=cadre, role=MemberRole.MEMBER)
    assert cadre.memberships.count() == 2


def test_second_leader_is_refused(team, office_user, client_for):
    team_member_add(team=team, cadre=CadreFactory(name="周组长"), role=MemberRole.LEADER)
    cadre = CadreFactory(name="吴干部")

    response = client_for(office_user).post(
        reverse("teams:team_member_add", args=[team.pk]), {"cadre": cadre.pk, "role": MemberRole.LEADER}
    )

    assert not TeamMember.objects.filter(cadre=cadre).exists()
    assert _messages(response) == ["第一巡察组已有组长"]


def test_promoting_a_member_to_second_leader_is_refused(team, office_user, client_for):
    team_member_add(team=team, cadre=CadreFactory(), role=MemberRole.LEADER)
    member = team_member_add(team=team, cadre=CadreFactory(), role=MemberRole.MEMBER)

    response = client_for(office_user).post(
        reverse("teams:team_member_edit", args=[member.pk]), {"role": MemberRole.LEADER, "duty": "全面工作"}
    )

    assert response.status_code == 200
    assert "第一巡察组已有组长" in _messages(response)
    member.refresh_from_db()
    assert member.role == MemberRole.MEMBER and member.duty == ""


def test_office_edits_member_role_and_duty(team, office_user, client_for):
    member = team_member_add(team=team, cadre=CadreFactory(), role=MemberRole.MEMBER)
    response = client_for(office_user).post(
        reverse("teams:team_member_edit", args=[member.pk]),
        {"role": MemberRole.DEPUTY, "duty": "负责个别谈话"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.duty) == (MemberRole.DEPUTY, "负责个别谈话")


def test_unavailable_cadre_is_refused(team):
    cadre = CadreFactory(name="郑干部", is_available=False)
    with pytest.raises(DomainError, match="郑干部目前不可抽调"):
        team_member_add(team=team, cadre=cadre, role=MemberRole.MEMBER)
    assert not team.members.exists()


def test_add_member_select_offers_only_available_cadres_not_yet_in_round(
    round_, team, office_user, client_for
):
    free = CadreFactory(name="可选干部", home_unit=UnitFactory(name="县审计局"))
    CadreFactory(name="停调干部", is_available=False)
    busy = CadreFactory(name="已在他组")
    team_member_add(team=TeamFactory(round=round_, number=2), cadre=busy, role=MemberRole.MEMBER)

    page = client_for(office_user).get(reverse("teams:team_detail", args=[team.pk])).content.decode()

    assert f'<option value="{free.pk}">可选干部（县审计局）' in page
    assert "停调干部" not in page
    assert f'<option value="{busy.pk}"' not in page


def test_teams_cannot_change_after_stationing_ends(office_user, client_for):
    team = TeamFactory(round=RoundFactory(status=RoundStatus.REPORTING))
    cadre = CadreFactory()
    response = client_for(office_user).post(
        reverse("teams:team_member_add", args=[team.pk]), {"cadre": cadre.pk, "role": MemberRole.MEMBER}
    )
    assert not team.members.exists()
    assert "巡察组不能再调整" in _messages(response)[0]
    page = client_for(office_user).get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    assert "添加成员" not in page


# --- creating, editing and deleting teams ----------------------------------------------------------


def test_office_creates_next_numbered_team(round_, team, office_user, client_for):
    client = client_for(office_user)
    confirm = client.get(reverse("teams:team_create", args=[round_.pk]))
    assert "第二巡察组" in confirm.content.decode()

    response = client.post(reverse("teams:team_create", args=[round_.pk]), {"note": "重点：惠农资金"})

    new = Team.objects.get(round=round_, number=2)
    assert response.status_code == 302 and response.url == reverse("teams:team_detail", args=[new.pk])
    assert new.note == "重点：惠农资金"


def test_office_edits_team_note(team, office_user, client_for):
    response = client_for(office_user).post(
        reverse("teams:team_edit", args=[team.pk]), {"note": "组长负责全面工作"}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.note == "组长负责全面工作"


def test_team_with_assignments_cannot_be_deleted(team, office_user, client_for):
    AssignmentFactory(team=team, unit=UnitFactory(name="县林业局"))
    response = client_for(office_user).post(reverse("teams:team_delete", args=[team.pk]))
    assert Team.objects.filter(pk=team.pk).exists()
    assert response.url == reverse("teams:team_detail", args=[team.pk])
    assert "第一巡察组已分配被巡察单位" in _messages(response)[0]


def test_empty_team_is_deleted_and_office_returns_to_round(round_, team, office_user, client_for):
    response = client_for(office_user).post(reverse("teams:team_delete", args=[team.pk]))
    assert not Team.objects.filter(pk=team.pk).exists()
    assert response.url == reverse("rounds:round_detail", args=[round_.pk])


# --- grants follow membership ---------------------------------------------------------------------


def test_removing_member_revokes_his_access_to_team_assignments(team, office_user, make_user, client_for):
    user = make_user(Role.TEAM)
    assignment = AssignmentFactory(team=team, unit=UnitFactory())
    member = team_member_add(team=team, cadre=CadreFactory(user=user), role=MemberRole.MEMBER)
    assert list(access.visible(user, "rounds.Assignment")) == [assignment]

    response = client_for(office_user).post(reverse("teams:team_member_remove", args=[member.pk]))

    assert response.status_code == 302
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    assert list(access.visible(user, "rounds.Assignment")) == []


def test_linking_login_to_cadre_already_on_team_grants_access(team, make_user):
    user = make_user(Role.TEAM)
    cadre = CadreFactory()
    assignment = AssignmentFactory(team=team, unit=UnitFactory())
    team_member_add(team=team, cadre=cadre, role=MemberRole.MEMBER)
    assert list(access.visible(user, "rounds.Assignment")) == []

    cadre.user = user
    cadre_save(cadre=cadre)

    assert list(access.visible(user, "rounds.Assignment")) == [assignment]


def test_moving_login_to_another_cadre_takes_access_from_old_holder(team, make_user):
    user = make_user(Role.TEAM)
    on_team = CadreFactory(user=user)
    assignment = AssignmentFactory(team=team, unit=UnitFactory())
    team_member_add(team=team, cadre=on_team, role=MemberRole.MEMBER)
    assert list(access.visible(user, "rounds.Assignment")) == [assignment]

    on_team.user = None
    cadre_save(cadre=on_team)

    assert list(access.visible(user, "rounds.Assignment")) == []


# --- who sees a team --------------------------------------------------------------------------------


@pytest.fixture
def member_user(team, make_user):
    user = make_user(Role.TEAM)
    AssignmentFactory(team=team, unit=UnitFactory(name="县交通运输局"))
    team_member_add(team=team, cadre=CadreFactory(name="冯组员", user=user), role=MemberRole.MEMBER)
    return user


def test_team_member_sees_own_team_read_only(team, member_user, client_for):
    response = client_for(member_user).get(reverse("teams:team_detail", args=[team.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "冯组员" in page and "县交通运输局" in page
    assert "添加成员" not in page and "删除巡察组" not in page


def test_team_member_gets_404_on_another_team(round_, member_user, client_for):
    other = TeamFactory(round=round_, number=2)
    AssignmentFactory(team=other, unit=UnitFactory())
    assert client_for(member_user).get(reverse("teams:team_detail", args=[other.pk])).status_code == 404


def test_team_member_cannot_add_members_even_to_own_team(team, member_user, client_for):
    cadre = CadreFactory()
    response = client_for(member_user).post(
        reverse("teams:team_member_add", args=[team.pk]), {"cadre": cadre.pk, "role": MemberRole.MEMBER}
    )
    assert response.status_code == 403
    assert not TeamMember.objects.filter(cadre=cadre).exists()


def test_leader_reads_team_page_without_edit_controls(team, leader_user, client_for):
    team_member_add(team=team, cadre=CadreFactory(name="陈组长"), role=MemberRole.LEADER)
    response = client_for(leader_user).get(reverse("teams:team_detail", args=[team.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "陈组长" in page
    assert "添加成员" not in page and "移出" not in page


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("team_member_add", {"role": MemberRole.MEMBER}),
        ("team_edit", {"note": "x"}),
        ("team_delete", {}),
    ],
)
def test_leader_gets_403_on_team_writes(team, leader_user, client_for, url_name, data):
    cadre = CadreFactory()
    data = {**data, "cadre": cadre.pk}
    response = client_for(leader_user).post(reverse(f"teams:{url_name}", args=[team.pk]), data)
    assert response.status_code == 403
    assert not team.members.exists() and Team.objects.filter(pk=team.pk, note="").exists()


def test_leader_gets_403_on_member_edit_and_remove(team, leader_user, client_for):
    member = team_member_add(team=team, cadre=CadreFactory(), role=MemberRole.MEMBER)
    client = client_for(leader_user)
    edit = client.post(reverse("teams:team_member_edit", args=[member.pk]), {"role": MemberRole.LEADER})
    remove = client.post(reverse("teams:team_member_remove", args=[member.pk]))
    assert (edit.status_code, remove.status_code) == (403, 403)
    member.refresh_from_db()
    assert member.role == MemberRole.MEMBER


def test_leader_gets_403_on_team_create(round_, leader_user, client_for):
    response = client_for(leader_user).post(reverse("teams:team_create", args=[round_.pk]))
    assert response.status_code == 403
    assert not Team.objects.filter(round=round_).exists()


# --- history --------------------------------------------------------------------------------------


def test_history_records_the_office_user_who_added_a_member(team, office_user, client_for):
    cadre = CadreFactory(name="褚组员")
    client = client_for(office_user)
    client.post(
        reverse("teams:team_member_add", args=[team.pk]),
        {"cadre": cadre.pk, "role": MemberRole.MEMBER, "duty": "查阅资料"},
    )

    member = TeamMember.objects.get(team=team, cadre=cadre)
    record = member.history.get(history_type="+")
    assert record.history_user == office_user
    # and the team page shows it, also after the member is removed
    client.post(reverse("teams:team_member_remove", args=[member.pk]))
    page = client.get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    assert "成员·褚组员" in page and "删除" in page


# --- page cost ----------------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_team_page_costs_the_same_queries_for_3_or_12_members(team, office_user, client_for):
    AssignmentFactory(team=team, unit=UnitFactory())
    client = client_for(office_user)
    url = reverse("teams:team_detail", args=[team.pk])
    for _ in range(3):
        TeamMemberFactory(team=team)
    few = _queries(client, url)
    for _ in range(9):
        member = TeamMemberFactory(team=team)
        member.role = MemberRole.DEPUTY
        member.save()  # a second history record per member
    assert _queries(client, url) == few
