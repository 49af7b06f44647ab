"""A cadre's past teams (issue 17): shown on the pool and the cadre's page, from the teams of every
round plus the registered note; the rotation hint (轮换) of the team page and the add-member list uses
them beside recusal (回避)."""

import pytest
from django.urls import reverse

from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.forms import TeamMemberAddForm
from teams.models import Cadre, MemberRole
from teams.selectors import rotation_notes
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

LIST = reverse("teams:cadre_list")


@pytest.fixture
def world():
    """王 served in round 1 on the team sent to 县财政局; round 2's team is sent there again."""
    finance = UnitFactory(name="县财政局")
    roads = UnitFactory(name="县交通运输局")
    jiwei = UnitFactory(name="县纪委监委")
    r1, r2 = RoundFactory(number=1), RoundFactory(number=2)
    old_team = TeamFactory(round=r1, number=1)
    AssignmentFactory(team=old_team, unit=finance)
    wang = CadreFactory(name="王纪检", home_unit=jiwei, specialty="纪检监察")
    TeamMemberFactory(team=old_team, cadre=wang, role=MemberRole.LEADER)
    li = CadreFactory(
        name="李审计", home_unit=jiwei, past_teams_note="2022年第二轮第三巡察组组员（县交通运输局）"
    )
    zhou = CadreFactory(name="周新人", home_unit=jiwei)
    team = TeamFactory(round=r2, number=1)
    AssignmentFactory(team=team, unit=finance)
    AssignmentFactory(team=team, unit=roads)
    return {"wang": wang, "li": li, "zhou": zhou, "team": team, "old_team": old_team, "finance": finance}


def test_rotation_notes_name_the_earlier_team_and_the_registered_note(world):
    team = world["team"]
    units = [a.unit for a in team.assignments.all()]
    notes = rotation_notes(
        cadres=[world["wang"], world["li"], world["zhou"]], units=units, exclude_round_id=team.round_id
    )
    assert list(notes) == [world["wang"].pk, world["li"].pk]
    assert "第一巡察组任组长，巡察过县财政局" in notes[world["wang"].pk][0]
    assert notes[world["li"].pk] == ["李审计登记的参加过的巡察组中提到县交通运输局"]


def test_the_same_round_is_no_earlier_inspection(world):
    old = world["old_team"]
    notes = rotation_notes(cadres=[world["wang"]], units=[world["finance"]], exclude_round_id=old.round_id)
    assert notes == {}


def test_the_add_member_list_marks_who_inspected_the_units_before(world):
    form = TeamMemberAddForm(team=world["team"])
    labels = {c.pk: form.fields["cadre"].label_from_instance(c) for c in form.fields["cadre"].queryset}
    assert labels[world["wang"].pk].startswith("〔曾巡察〕")
    assert labels[world["li"].pk].startswith("〔曾巡察〕")
    assert not labels[world["zhou"].pk].startswith("〔")
    assert "纪检" in labels[world["wang"].pk]


def test_the_team_page_shows_the_rotation_hint_to_the_office(world, office_user, client_for):
    team = world["team"]
    TeamMemberFactory(team=team, cadre=world["wang"], role=MemberRole.MEMBER)
    page = client_for(office_user).get(reverse("teams:team_detail", args=[team.pk])).content.decode()
    assert 'data-testid="rotation-notes"' in page
    assert "巡察过县财政局" in page


def test_the_pool_and_the_cadre_page_show_past_teams(world, office_user, client_for):
    client = client_for(office_user)
    page = client.get(LIST).content.decode()
    assert "第一轮第一巡察组·组长" in page
    assert "登记：2022年第二轮第三巡察组组员" in page

    wang = client.get(reverse("teams:cadre_detail", args=[world["wang"].pk])).content.decode()
    assert "县财政局" in wang and "组长" in wang
    li = client.get(reverse("teams:cadre_detail", args=[world["li"].pk])).content.decode()
    assert 'data-testid="past-teams-note"' in li and "县交通运输局" in li


def test_the_pool_filters_by_a_specialty_of_the_list(office_user, client_for):
    unit = UnitFactory(name="县审计局")
    CadreFactory(name="甲", home_unit=unit, specialty="", specialties="财务、审计")
    CadreFactory(name="乙", home_unit=unit, specialty="", specialties="审计、法律", is_available=False)
    CadreFactory(name="丙", home_unit=unit, specialty="", specialties="其他")
    client = client_for(office_user)

    def names(params):
        return sorted(c.name for c in client.get(LIST, params).context["page_obj"])

    assert names({"specialty": "审计"}) == ["乙", "甲"]
    assert names({"specialty": "法律"}) == ["乙"]
    assert names({"specialty": "审计", "available": "yes"}) == ["甲"]
    assert names({"specialty": "其他"}) == ["丙"]


def test_the_cadre_form_saves_specialties_and_birth_month(office_user, client_for):
    unit = UnitFactory(name="县审计局")
    response = client_for(office_user).post(
        reverse("teams:cadre_create"),
        {
            "name": "钱新",
            "gender": "女",
            "birth_month": "1988-09",
            "home_unit": unit.pk,
            "post": "科员",
            "specialty_list": ["审计", "财务"],
            "specialty": "",
            "phone": "",
            "is_available": "on",
            "user": "",
            "past_teams_note": "2021年第一轮第一巡察组",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    cadre = Cadre.objects.get(name="钱新")
    assert cadre.specialties == "财务、审计"  # the list's order
    assert cadre.birth_month.isoformat() == "1988-09-01"
    assert cadre.past_teams_note == "2021年第一轮第一巡察组"
