"""The cadre pool (巡察干部库): list, search, filters, the cadre's record and its form."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.models import Cadre, MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha import access
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db

LIST = reverse("teams:cadre_list")


@pytest.fixture
def pool():
    jiwei = UnitFactory(name="县纪委监委")
    audit = UnitFactory(name="县审计局")
    return {
        "wang": CadreFactory(name="王纪检", home_unit=jiwei, post="第一纪检监察室主任", specialty="纪检监察"),
        "li": CadreFactory(name="李审计", home_unit=audit, post="副局长", specialty="财务审计"),
        "zhao": CadreFactory(
            name="赵审计", home_unit=audit, post="科员", specialty="财务审计", is_available=False
        ),
    }


def _names(response):
    return [c.name for c in response.context["page_obj"]]


def test_office_and_leader_see_the_pool(pool, office_user, leader_user, client_for):
    for user in (office_user, leader_user):
        response = client_for(user).get(LIST)
        assert response.status_code == 200
        assert sorted(_names(response)) == ["李审计", "王纪检", "赵审计"]


def test_only_office_gets_the_new_cadre_button(pool, office_user, leader_user, client_for):
    new_url = reverse("teams:cadre_create")
    assert new_url in client_for(office_user).get(LIST).content.decode()
    assert new_url not in client_for(leader_user).get(LIST).content.decode()


def test_team_member_and_unit_user_may_not_open_the_pool(pool, make_user, client_for):
    for role in (Role.TEAM, Role.UNIT):
        client = client_for(make_user(role))
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("teams:cadre_detail", args=[pool["wang"].pk])).status_code == 404


@pytest.mark.parametrize(
    "q, expected",
    [("王", ["王纪检"]), ("审计", ["李审计", "赵审计"]), ("副局长", ["李审计"]), ("纪检监察", ["王纪检"])],
)
def test_search_by_name_specialty_or_post(pool, office_user, client_for, q, expected):
    assert sorted(_names(client_for(office_user).get(LIST, {"q": q}))) == expected


def test_filter_by_home_unit_specialty_and_availability(pool, office_user, client_for):
    client = client_for(office_user)
    audit = pool["li"].home_unit
    assert sorted(_names(client.get(LIST, {"home_unit": audit.pk}))) == ["李审计", "赵审计"]
    assert _names(client.get(LIST, {"specialty": "纪检监察"})) == ["王纪检"]
    assert _names(client.get(LIST, {"home_unit": audit.pk, "available": "yes"})) == ["李审计"]
    assert _names(client.get(LIST, {"available": "no"})) == ["赵审计"]


def test_empty_search_says_so(pool, office_user, client_for):
    response = client_for(office_user).get(LIST, {"q": "不存在的人"})
    assert "没有符合条件的干部" in response.content.decode()


def test_list_counts_rounds_served_and_paginates_by_20(office_user, client_for):
    veteran = CadreFactory(name="老巡察")
    for _ in range(3):
        team_member_add(team=TeamFactory(round=RoundFactory()), cadre=veteran, role=MemberRole.MEMBER)
    CadreFactory.create_batch(20)

    response = client_for(office_user).get(LIST, {"q": "老巡察"})
    [row] = response.context["page_obj"]
    assert row.rounds_served == 3

    page1 = client_for(office_user).get(LIST)
    assert len(page1.context["page_obj"]) == 20 and page1.context["page_obj"].paginator.count == 21
    assert len(client_for(office_user).get(LIST, {"page": 2}).context["page_obj"]) == 1


def test_list_costs_the_same_queries_for_2_or_20_cadres(office_user, make_user, client_for):
    client = client_for(office_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(LIST)
        return len(ctx.captured_queries)

    for _ in range(2):
        CadreFactory(user=make_user(Role.TEAM))
    few = count()
    for _ in range(18):
        cadre = CadreFactory(user=make_user(Role.TEAM))
        team_member_add(team=TeamFactory(round=RoundFactory()), cadre=cadre, role=MemberRole.MEMBER)
    assert count() == few


def test_cadre_detail_lists_rounds_served_with_team_role_and_duty(pool, leader_user, client_for):
    team = TeamFactory(round=RoundFactory(number=3), number=2)
    team_member_add(team=team, cadre=pool["li"], role=MemberRole.DEPUTY, duty="负责财务资料查阅")

    page = client_for(leader_user).get(reverse("teams:cadre_detail", args=[pool["li"].pk])).content.decode()

    assert "第十五届县委第三轮巡察" in page
    assert "第二巡察组" in page and "副组长" in page and "负责财务资料查阅" in page
    assert reverse("teams:team_detail", args=[team.pk]) in page
    assert "变更记录" in page


def test_office_creates_cadre(office_user, client_for):
    unit = UnitFactory(name="县财政局")
    response = client_for(office_user).post(
        reverse("teams:cadre_create"),
        {
            "name": "新干部",
            "gender": "女",
            "home_unit": unit.pk,
            "post": "科长",
            "specialty": "财务审计",
            "is_available": "on",
        },
    )
    cadre = Cadre.objects.get(name="新干部")
    assert response.url == reverse("teams:cadre_detail", args=[cadre.pk])
    assert (cadre.home_unit, cadre.gender, cadre.is_available, cadre.user) == (unit, "女", True, None)
    assert cadre.history.get().history_user == office_user


def test_user_select_offers_only_unlinked_team_accounts(pool, office_user, make_user, client_for):
    free = make_user(Role.TEAM, name="空闲账号")
    taken = make_user(Role.TEAM, name="已关联账号")
    pool["li"].user = taken
    pool["li"].save()
    make_user(Role.UNIT, name="单位账号")

    choices = (
        client_for(office_user).get(reverse("teams:cadre_create")).context["form"]["user"].field.queryset
    )
    assert list(choices) == [free]
    # editing the cadre who holds an account keeps it on offer
    edit = client_for(office_user).get(reverse("teams:cadre_edit", args=[pool["li"].pk]))
    assert set(edit.context["form"]["user"].field.queryset) == {free, taken}


def test_linking_account_through_edit_form_opens_the_team_assignments(
    pool, office_user, make_user, client_for
):
    user = make_user(Role.TEAM)
    team = TeamFactory(round=RoundFactory())
    assignment = AssignmentFactory(team=team, unit=UnitFactory())
    wang = pool["wang"]
    team_member_add(team=team, cadre=wang, role=MemberRole.LEADER)

    response = client_for(office_user).post(
        reverse("teams:cadre_edit", args=[wang.pk]),
        {
            "name": wang.name,
            "home_unit": wang.home_unit_id,
            "post": wang.post,
            "specialty": wang.specialty,
            "is_available": "on",
            "user": user.pk,
        },
    )

    assert response.status_code == 302
    assert list(access.visible(user, "rounds.Assignment")) == [assignment]


@pytest.mark.parametrize("url_name", ["cadre_create", "cadre_edit"])
def test_leader_gets_403_on_cadre_forms(pool, leader_user, client_for, url_name):
    args = [pool["wang"].pk] if url_name == "cadre_edit" else []
    client = client_for(leader_user)
    assert client.get(reverse(f"teams:{url_name}", args=args)).status_code == 403
    unit = UnitFactory()
    assert (
        client.post(
            reverse(f"teams:{url_name}", args=args), {"name": "越权", "home_unit": unit.pk}
        ).status_code
        == 403
    )
    assert not Cadre.objects.filter(name="越权").exists()
