"""The issue taxonomy (问题类别): data the office edits; nobody else may."""

import pytest
from django.urls import reverse

from clues.models import Category
from clues.services.findings import category_delete, category_save, finding_update
from clues.tests.factories import CategoryFactory, FindingFactory
from clues.tests.test_findings import build_world, data, write
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def test_only_the_office_edits_the_taxonomy(world, client, client_for):
    category = world.category
    urls = [
        ("get", reverse("clues:category_list")),
        ("get", reverse("clues:category_create")),
        ("get", reverse("clues:category_edit", args=[category.pk])),
        ("post", reverse("clues:category_create")),
        ("post", reverse("clues:category_edit", args=[category.pk])),
        ("post", reverse("clues:category_delete", args=[category.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"name": "改名", "scheme": "三个聚焦"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (world.county_leader, world.leader, world.writer, world.unit_user):
        c = client_for(user)
        for method, url in urls:
            assert getattr(c, method)(url, {"name": "改名", "scheme": "三个聚焦"}).status_code == 403, (user, url)
    category.refresh_from_db()
    assert category.name == "中央八项规定精神"
    with pytest.raises(DomainError, match="只有巡察办"):
        category_save(category=Category(scheme="三个聚焦", name="新类别"), by=world.leader)


def test_the_tree_shows_each_scheme_its_areas_and_how_often_each_is_used(world, client_for):
    FindingFactory(assignment=world.assignment, category=world.category)
    FindingFactory(assignment=world.assignment, category=world.category)
    CategoryFactory(scheme="测试体系", name="落实新时代党的组织路线方面")
    response = client_for(world.office).get(reverse("clues:category_list"))
    tree = response.context["tree"]
    area = next(a for a in tree["三个聚焦"] if a.category == world.area)
    assert [c.name for c in area.children] == ["中央八项规定精神"]
    assert area.children[0].used == 2 and area.total_used == 2
    assert [a.category.name for a in tree["测试体系"]] == ["落实新时代党的组织路线方面"]
    html = response.content.decode()
    assert "中央八项规定精神" in html and "落实新时代党的组织路线方面" in html
    assert f'?category={world.category.pk}">2</a>' in html


def test_the_office_adds_an_area_and_a_sub_category_that_takes_its_scheme(world, client_for):
    client = client_for(world.office)
    response = client.post(
        reverse("clues:category_create"), {"scheme": "测试体系", "name": "专项领域", "order": 5, "is_active": "on"}
    )
    assert response.status_code == 302
    area = Category.objects.get(name="专项领域")
    assert area.parent is None and area.scheme == "测试体系"
    page = client.get(reverse("clues:category_create"), {"parent": area.pk})
    assert page.context["form"].initial["parent"] == area.pk
    client.post(
        reverse("clues:category_create"),
        {"scheme": "三个聚焦", "parent": area.pk, "name": "专项子类", "order": 1, "is_active": "on"},
    )
    child = Category.objects.get(name="专项子类")
    assert child.parent == area and child.scheme == "测试体系"


def test_the_tree_has_two_levels_and_no_duplicate_names(world, client_for):
    with pytest.raises(DomainError) as exc:
        category_save(category=Category(parent=world.category, name="第三级"), by=world.office)
    assert "不能再设下级" in exc.value.full_message()
    with pytest.raises(DomainError) as exc:
        category_save(category=Category(parent=world.area, name="中央八项规定精神"), by=world.office)
    assert "已有“中央八项规定精神”" in exc.value.full_message()
    with pytest.raises(DomainError) as exc:
        category_save(category=Category(scheme="三个聚焦", name=world.area.name), by=world.office)
    assert "领域中已有" in exc.value.full_message()
    # An area that has sub-categories cannot itself be moved under another area.
    other_area = CategoryFactory(name="另一领域")
    world.area.parent = other_area
    with pytest.raises(DomainError, match="问题类别未保存"):
        category_save(category=world.area, by=world.office)
    response = client_for(world.office).post(
        reverse("clues:category_create"), {"scheme": "三个聚焦", "parent": world.category.pk, "name": "第三级", "order": 0}
    )
    # The form offers only areas as parents; a sub-category is not a valid choice.
    assert response.status_code == 200 and not Category.objects.filter(name="第三级").exists()
    assert "第三级" in response.content.decode()


def test_a_category_in_use_can_be_deactivated_but_not_deleted(world, client_for):
    finding = write(world)
    still_active = CategoryFactory(parent=world.area, name="形式主义、官僚主义")
    client = client_for(world.office)
    response = client.post(reverse("clues:category_delete", args=[world.category.pk]), follow=True)
    assert "已被1条问题底稿使用，不能删除" in response.content.decode()
    assert Category.objects.filter(pk=world.category.pk).exists()
    with pytest.raises(DomainError, match="下还有具体类别"):
        category_delete(category=world.area, by=world.office)

    response = client.post(
        reverse("clues:category_edit", args=[world.category.pk]),
        {"scheme": "三个聚焦", "parent": world.area.pk, "name": "中央八项规定精神", "order": 4},
    )
    assert response.status_code == 302
    world.category.refresh_from_db()
    assert not world.category.is_active
    # No longer offered to a new finding, refused by the service, and the filed finding keeps it.
    writer = client_for(world.writer)
    new_form = writer.get(reverse("clues:finding_create", args=[world.assignment.pk])).context["form"]
    offered = [pk for _, options in new_form.fields["category"].choices[1:] for pk, _ in options]
    assert still_active.pk in offered and world.category.pk not in offered
    with pytest.raises(DomainError):
        write(world)
    finding.refresh_from_db()
    assert finding.category == world.category
    edit_page = writer.get(reverse("clues:finding_edit", args=[finding.pk]))
    assert edit_page.context["form"]["category"].value() == world.category.pk
    assert f'<option value="{world.category.pk}" selected>中央八项规定精神</option>' in edit_page.content.decode()


def test_an_unused_category_is_deleted(world, client_for):
    spare = CategoryFactory(parent=world.area, name="备用类别")
    response = client_for(world.office).post(reverse("clues:category_delete", args=[spare.pk]))
    assert response.status_code == 302 and response.url == reverse("clues:category_list")
    assert not Category.objects.filter(pk=spare.pk).exists()


def test_a_finding_filed_before_deactivation_still_saves_unchanged(world):
    finding = write(world)
    world.category.is_active = False
    category_save(category=world.category, by=world.office)
    updated = finding_update(finding=finding, data=data(world, title="补充说明"), by=world.writer)
    assert updated.title == "补充说明" and updated.category == world.category


def test_sub_categories_moved_with_a_renamed_scheme_keep_a_history_row(world):
    area = category_save(category=Category(scheme="旧体系", name="领域甲"), by=world.office)
    child = category_save(category=Category(scheme="旧体系", name="类别乙", parent=area), by=world.office)
    before = child.history.count()
    area.scheme = "新体系"
    category_save(category=area, by=world.office)
    child.refresh_from_db()
    assert child.scheme == "新体系"
    assert child.history.count() == before + 1
    latest = child.history.first()
    assert latest.scheme == "新体系" and latest.history_user == world.office
