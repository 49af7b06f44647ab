"""回避: a cadre must not inspect his own home unit, nor a unit above or below it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.models import MemberRole, TeamMember
from teams.services import recusal_reasons, team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    """县财政局 with a subordinate 县国库集中支付中心, which has its own subordinate office; and an unrelated unit."""
    finance = UnitFactory(name="县财政局")
    treasury = UnitFactory(name="县国库集中支付中心", parent=finance)
    treasury_office = UnitFactory(name="国库支付中心第一服务窗口", parent=treasury)
    other = UnitFactory(name="县自然资源局")
    return finance, treasury, treasury_office, other


def _team_inspecting(unit):
    team = TeamFactory(round=RoundFactory())
    AssignmentFactory(team=team, unit=unit)
    return team


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- recusal_reasons, directly ----------------------------------------------------------------------


def test_recusal_reasons_for_own_home_unit(county):
    finance, *_ = county
    cadre = CadreFactory(name="王会计", home_unit=finance)
    reasons = recusal_reasons(cadre=cadre, units=[finance])
    assert len(reasons) == 1
    assert "王会计" in reasons[0] and "县财政局" in reasons[0] and "本单位" in reasons[0]


def test_recusal_reasons_for_unit_above_home_unit_including_grandparent(county):
    finance, treasury, treasury_office, _ = county
    cadre = CadreFactory(name="李出纳", home_unit=treasury_office)
    reasons = recusal_reasons(cadre=cadre, units=[treasury, finance])
    assert len(reasons) == 2
    assert all("上级单位" in r and "李出纳" in r for r in reasons)
    assert "县国库集中支付中心" in reasons[0] and "县财政局" in reasons[1]


def test_recusal_reasons_for_unit_below_home_unit_including_grandchild(county):
    finance, treasury, treasury_office, _ = county
    cadre = CadreFactory(name="赵科长", home_unit=finance)
    reasons = recusal_reasons(cadre=cadre, units=[treasury, treasury_office])
    assert len(reasons) == 2
    assert all("下属单位" in r and "赵科长" in r for r in reasons)


def test_recusal_reasons_empty_for_unrelated_and_sibling_units(county):
    finance, treasury, _, other = county
    sibling = UnitFactory(name="县非税收入管理中心", parent=finance)
    cadre = CadreFactory(home_unit=treasury)
    assert recusal_reasons(cadre=cadre, units=[other, sibling]) == []


# --- adding a member to a team that already has its units -------------------------------------------


def test_office_adding_cadre_from_assigned_unit_is_refused_with_reason(county, office_user, client_for):
    finance, *_ = county
    team = _team_inspecting(finance)
    cadre = CadreFactory(name="王会计", home_unit=finance)

    response = client_for(office_user).post(
        reverse("teams:team_member_add", args=[team.pk]), {"cadre": cadre.pk, "role": MemberRole.MEMBER}
    )

    assert response.status_code == 200  # the team page again, with the refusal
    assert not TeamMember.objects.filter(cadre=cadre).exists()
    [message] = _messages(response)
    assert "王会计不能加入" in message
    assert "王会计所在单位为县财政局，须回避本单位的巡察" in message
    # the select marks him, so the office sees it before trying
    assert "王会计（县财政局）" in response.content.decode()
    assert "须回避" in response.content.decode()


def test_cadre_from_parent_of_assigned_unit_is_refused(county):
    finance, treasury, _, _ = county
    team = _team_inspecting(treasury)
    cadre = CadreFactory(name="赵科长", home_unit=finance)
    with pytest.raises(DomainError) as exc:
        team_member_add(team=team, cadre=cadre, role=MemberRole.MEMBER)
    assert "县国库集中支付中心是赵科长所在单位县财政局的下属单位" in exc.value.full_message()
    assert not TeamMember.objects.filter(cadre=cadre).exists()


def test_cadre_from_child_of_assigned_unit_is_refused(county):
    finance, treasury, _, _ = county
    team = _team_inspecting(finance)
    cadre = CadreFactory(name="李出纳", home_unit=treasury)
    with pytest.raises(DomainError) as exc:
        team_member_add(team=team, cadre=cadre, role=MemberRole.DEPUTY)
    assert "县财政局是李出纳所在单位县国库集中支付中心的上级单位" in exc.value.full_message()


def test_every_reason_is_given_when_team_inspects_several_related_units(county, office_user, client_for):
    finance, treasury, _, other = county
    team = _team_inspecting(finance)
    AssignmentFactory(team=team, unit=treasury, round=team.round)
    AssignmentFactory(team=team, unit=other, round=team.round)
    cadre = CadreFactory(name="钱审计", home_unit=treasury)

    response = client_for(office_user).post(
        reverse("teams:team_member_add", args=[team.pk]), {"cadre": cadre.pk, "role": MemberRole.MEMBER}
    )

    [message] = _messages(response)
    assert "县财政局是钱审计所在单位县国库集中支付中心的上级单位" in message
    assert "钱审计所在单位为县国库集中支付中心，须回避本单位的巡察" in message
    assert "县自然资源局" not in message


def test_cadre_from_unrelated_unit_joins(county):
    finance, _, _, other = county
    team = _team_inspecting(finance)
    cadre = CadreFactory(home_unit=other)
    member = team_member_add(team=team, cadre=cadre, role=MemberRole.LEADER)
    assert member.team == team and member.role == MemberRole.LEADER


# --- a cadre's home unit changes while he is on a team ------------------------------------------------


def test_moving_cadre_to_a_unit_his_team_inspects_is_refused(county, office_user, client_for):
    finance, treasury, _, other = county
    team = _team_inspecting(treasury)
    cadre = CadreFactory(name="钱审计", home_unit=other)
    team_member_add(team=team, cadre=cadre, role=MemberRole.MEMBER)

    response = client_for(office_user).post(
        reverse("teams:cadre_edit", args=[cadre.pk]),
        {
            "name": cadre.name,
            "home_unit": finance.pk,
            "post": cadre.post,
            "specialty": cadre.specialty,
            "is_available": "on",
        },
    )

    assert response.status_code == 200  # the form again
    cadre.refresh_from_db()
    assert cadre.home_unit == other
    [message] = _messages(response)
    assert "县国库集中支付中心是钱审计所在单位县财政局的下属单位" in message
