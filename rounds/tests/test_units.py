import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rounds.models import AnnouncementStatus, Unit, UnitType
from rounds.services import unit_save
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, UnitFactory
from teams.tests.factories import CadreFactory, TeamMemberFactory
from xuncha.access.grants import sync_team
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db


def names_on(response) -> list[str]:
    return [u.name for u in response.context["units"]]


def test_office_searches_units_by_name_principal_and_liaison(client_for, office_user):
    UnitFactory(name="县财政局", principal_name="王建国", liaison_name="赵敏")
    UnitFactory(name="县审计局", principal_name="刘强", liaison_name="孙丽")
    UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP, principal_name="陈平", liaison_name="周洁")
    client = client_for(office_user)
    url = reverse("rounds:unit_list")

    assert names_on(client.get(url, {"q": "财政"})) == ["县财政局"]
    assert names_on(client.get(url, {"q": "刘强"})) == ["县审计局"]
    assert names_on(client.get(url, {"q": "周洁"})) == ["青山镇"]
    assert names_on(client.get(url, {"q": "不存在的单位"})) == []
    assert "没有符合条件的单位" in client.get(url, {"q": "不存在的单位"}).content.decode()


def test_unit_list_filters_by_type_parent_and_active(client_for, office_user):
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    UnitFactory(name="石门村", unit_type=UnitType.VILLAGE, parent=town)
    UnitFactory(name="桃源村", unit_type=UnitType.VILLAGE, parent=town, is_active=False)
    UnitFactory(name="东风村", unit_type=UnitType.VILLAGE)
    UnitFactory(name="县财政局")
    client = client_for(office_user)
    url = reverse("rounds:unit_list")

    assert sorted(names_on(client.get(url, {"unit_type": UnitType.VILLAGE}))) == [
        "东风村",
        "桃源村",
        "石门村",
    ]
    assert sorted(names_on(client.get(url, {"parent": town.pk}))) == ["桃源村", "石门村"]
    assert names_on(client.get(url, {"parent": town.pk, "is_active": "1"})) == ["石门村"]
    assert names_on(client.get(url, {"is_active": "0"})) == ["桃源村"]
    # Only units that have subordinate units are offered as parents.
    parent_choices = list(client.get(url).context["filter"].form.fields["parent"].queryset)
    assert parent_choices == [town]


def test_unit_list_shows_the_number_of_children(client_for, office_user):
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    UnitFactory.create_batch(3, unit_type=UnitType.VILLAGE, parent=town)
    response = client_for(office_user).get(reverse("rounds:unit_list"), {"q": "青山镇"})
    [row] = response.context["units"]
    assert row.children_count == 3


def test_unit_list_paginates_by_twenty(client_for, office_user):
    UnitFactory.create_batch(25)
    client = client_for(office_user)
    first = client.get(reverse("rounds:unit_list"))
    second = client.get(reverse("rounds:unit_list"), {"page": 2})
    assert len(first.context["units"]) == 20
    assert len(second.context["units"]) == 5
    assert not set(names_on(first)) & set(names_on(second))
    assert "第 1 / 2 页" in first.content.decode()


def test_unit_list_costs_the_same_queries_for_more_units(client_for, office_user):
    client = client_for(office_user)
    url = reverse("rounds:unit_list")

    def queries(n_towns):
        for _ in range(n_towns):
            town = UnitFactory(unit_type=UnitType.TOWNSHIP)
            UnitFactory(unit_type=UnitType.VILLAGE, parent=town)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert queries(2) == queries(8)


def test_office_sees_management_buttons_and_leader_does_not(client_for, office_user, leader_user):
    UnitFactory()
    office_page = client_for(office_user).get(reverse("rounds:unit_list")).content.decode()
    assert "新增单位" in office_page and "导入Excel" in office_page and "导出Excel" in office_page
    leader_page = client_for(leader_user).get(reverse("rounds:unit_list")).content.decode()
    assert "新增单位" not in leader_page and "导入Excel" not in leader_page


def test_office_creates_a_unit_and_history_records_who(client_for, office_user):
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    response = client_for(office_user).post(
        reverse("rounds:unit_create"),
        {
            "name": "石门村",
            "unit_type": UnitType.VILLAGE,
            "parent": town.pk,
            "principal_name": "李书记",
            "principal_phone": "13800000001",
            "is_active": "on",
        },
    )
    unit = Unit.objects.get(name="石门村")
    assert response.status_code == 302 and response.url == reverse("rounds:unit_detail", args=[unit.pk])
    assert unit.parent == town and unit.unit_type == UnitType.VILLAGE
    assert unit.history.first().history_user == office_user


def test_office_edits_a_unit_and_the_change_shows_in_history(client_for, office_user):
    unit = UnitFactory(name="县财政局", principal_name="张三")
    client = client_for(office_user)
    response = client.post(
        reverse("rounds:unit_edit", args=[unit.pk]),
        {"name": "县财政局", "unit_type": UnitType.DEPARTMENT, "principal_name": "王五", "is_active": "on"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.principal_name == "王五"
    latest = unit.history.first()
    assert latest.history_type == "~" and latest.history_user == office_user
    detail = client.get(reverse("rounds:unit_detail", args=[unit.pk])).content.decode()
    assert "张三 → 王五" in detail


def test_unit_form_explains_errors_in_chinese(client_for, office_user):
    UnitFactory(name="县财政局")
    response = client_for(office_user).post(
        reverse("rounds:unit_create"),
        {"name": "县财政局", "unit_type": "", "office_phone": "无"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["已有同名的单位，请核对是否重复录入"]
    assert errors["unit_type"] == ["请选择单位类型"]
    assert errors["office_phone"] == ["电话号码中没有数字"]
    assert Unit.objects.count() == 1


def test_a_unit_cannot_be_moved_below_its_own_subordinate(client_for, office_user):
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    village = UnitFactory(name="石门村", unit_type=UnitType.VILLAGE, parent=town)
    response = client_for(office_user).post(
        reverse("rounds:unit_edit", args=[town.pk]),
        {"name": "青山镇", "unit_type": UnitType.TOWNSHIP, "parent": village.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    town.refresh_from_db()
    assert town.parent is None


def test_unit_accounts_are_offered_only_from_the_unit_role(client_for, office_user, make_user):
    unit_account = make_user(Role.UNIT, name="单位联络员")
    make_user(Role.TEAM, name="巡察组干部")
    response = client_for(office_user).get(reverse("rounds:unit_create"))
    offered = list(response.context["form"].fields["liaison_user"].queryset)
    assert offered == [unit_account]


@pytest.mark.parametrize(
    "url_name", ["rounds:unit_create", "rounds:unit_import", "rounds:unit_import_template"]
)
def test_leader_may_not_write_units(client_for, leader_user, url_name):
    client = client_for(leader_user)
    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse(url_name), {"name": "新单位", "unit_type": UnitType.OTHER}).status_code == 403
    assert not Unit.objects.filter(name="新单位").exists()


def test_leader_may_not_edit_a_unit(client_for, leader_user):
    unit = UnitFactory(name="县财政局")
    response = client_for(leader_user).post(
        reverse("rounds:unit_edit", args=[unit.pk]), {"name": "改名", "unit_type": UnitType.OTHER}
    )
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name == "县财政局"


def test_unit_user_sees_his_own_unit_and_404_on_another(client_for, make_user):
    user = make_user(Role.UNIT)
    own = UnitFactory(name="县财政局")
    other = UnitFactory(name="县审计局")
    own.principal_user = user
    unit_save(unit=own)
    client = client_for(user)

    assert client.get(reverse("rounds:unit_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("rounds:unit_detail", args=[other.pk])).status_code == 404
    assert names_on(client.get(reverse("rounds:unit_list"))) == ["县财政局"]
    assert client.get(reverse("rounds:unit_create")).status_code == 403


def test_unit_user_loses_sight_of_the_unit_when_unlinked(client_for, make_user):
    user = make_user(Role.UNIT)
    unit = UnitFactory(liaison_user=None)
    unit.liaison_user = user
    unit_save(unit=unit)
    unit.liaison_user = None
    unit_save(unit=unit)
    assert client_for(user).get(reverse("rounds:unit_detail", args=[unit.pk])).status_code == 404


def test_my_unit_goes_straight_to_the_only_own_unit(client_for, make_user):
    user = make_user(Role.UNIT)
    unit = UnitFactory()
    unit.liaison_user = user
    unit_save(unit=unit)
    response = client_for(user).get(reverse("rounds:my_unit"))
    assert response.status_code == 302 and response.url == reverse("rounds:unit_detail", args=[unit.pk])


def test_my_unit_lists_several_own_units_and_explains_when_none(client_for, make_user):
    user = make_user(Role.UNIT)
    client = client_for(user)
    empty = client.get(reverse("rounds:my_unit"))
    assert empty.status_code == 200 and "尚未关联任何单位" in empty.content.decode()

    for name in ("县财政局", "县国资中心"):
        unit = UnitFactory(name=name)
        unit.principal_user = user
        unit_save(unit=unit)
    page = client.get(reverse("rounds:my_unit"))
    assert page.status_code == 200
    assert [u.name for u in page.context["units"]] == ["县国资中心", "县财政局"]
    assert "县财政局" in page.content.decode() and "县国资中心" in page.content.decode()


def test_unit_user_sees_the_inspection_of_his_unit_and_its_public_announcement(client_for, make_user):
    user = make_user(Role.UNIT)
    announcement = AnnouncementFactory(status=AnnouncementStatus.PUBLISHED)
    assignment = announcement.assignment
    unit = assignment.unit
    unit.principal_user = user
    unit_save(unit=unit)

    response = client_for(user).get(reverse("rounds:unit_detail", args=[unit.pk]))
    html = response.content.decode()
    assert [a.pk for a in response.context["assignments"]] == [assignment.pk]
    assert str(assignment.round) in html and assignment.team.name in html
    assert reverse("rounds:public_announcement_detail", args=[announcement.pk]) in html
    # Internal pages and the change log are not for the unit.
    assert reverse("rounds:assignment_detail", args=[assignment.pk]) not in html
    assert "变更记录" not in html


def test_draft_announcement_is_not_linked_for_the_unit(client_for, make_user):
    user = make_user(Role.UNIT)
    announcement = AnnouncementFactory(status=AnnouncementStatus.DRAFT)
    unit = announcement.assignment.unit
    unit.principal_user = user
    unit_save(unit=unit)
    html = client_for(user).get(reverse("rounds:unit_detail", args=[unit.pk])).content.decode()
    assert reverse("rounds:public_announcement_detail", args=[announcement.pk]) not in html


def test_team_member_sees_only_the_units_of_his_assignments(client_for, make_user):
    member = make_user(Role.TEAM)
    assignment = AssignmentFactory(unit=UnitFactory(name="县财政局"))
    TeamMemberFactory(team=assignment.team, cadre=CadreFactory(user=member))
    sync_team(assignment.team)
    other = UnitFactory(name="县审计局")
    client = client_for(member)
    assert names_on(client.get(reverse("rounds:unit_list"))) == ["县财政局"]
    assert client.get(reverse("rounds:unit_detail", args=[other.pk])).status_code == 404
    detail = client.get(reverse("rounds:unit_detail", args=[assignment.unit.pk]))
    assert reverse("rounds:assignment_detail", args=[assignment.pk]) in detail.content.decode()


def test_office_sees_children_assignments_and_history_on_the_detail(client_for, office_user):
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    UnitFactory(name="石门村", unit_type=UnitType.VILLAGE, parent=town)
    assignment = AssignmentFactory(unit=town)
    response = client_for(office_user).get(reverse("rounds:unit_detail", args=[town.pk]))
    html = response.content.decode()
    assert [c.name for c in response.context["children"]] == ["石门村"]
    assert reverse("rounds:round_detail", args=[assignment.round_id]) in html
    assert "变更记录" in html


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("rounds:unit_list"))
    assert response.status_code == 302 and reverse("login") in response.url


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_unit_page_costs_the_same_queries_with_three_times_the_inspections(client_for, office_user, make_user):
    """The unit's page, as the office and as the unit's principal: one inspection, then three more,
    each with its published announcement, and more subordinate units."""
    principal = make_user(Role.UNIT)
    unit = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    unit.principal_user = principal
    unit_save(unit=unit)

    def add(n):
        for _ in range(n):
            AnnouncementFactory(status=AnnouncementStatus.PUBLISHED, assignment=AssignmentFactory(unit=unit))
            UnitFactory(unit_type=UnitType.VILLAGE, parent=unit)

    url = reverse("rounds:unit_detail", args=[unit.pk])
    add(1)
    office_few, own_few = _count(client_for(office_user), url), _count(client_for(principal), url)
    add(3)
    office_many, own_many = _count(client_for(office_user), url), _count(client_for(principal), url)
    assert (office_many, own_many) == (office_few, own_few)
    assert len(client_for(principal).get(url).context["assignments"]) == 4
