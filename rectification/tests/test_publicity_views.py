"""The 整改公开 tab, the publication forms, 党内公开 (logged in) and 社会公开 (no login), per role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rectification.models import Publication, PublicationStatus
from rectification.services.publicity import publication_publish, publication_save, publication_withdraw
from rectification.tests.test_closing import make_world
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory

READERS = ("office", "leader", "member", "principal", "liaison", "jiwei")
NON_OFFICE = ("leader", "member", "principal", "liaison", "jiwei")


def _pub(w, *, scope="public", title="整改进展情况的通报", text="已完成销号2条。", publish=True, rect=None):
    pub = publication_save(
        rect=rect or w.rect, publication=Publication(scope=scope, title=title, text=text), by=w.office
    )
    if publish:
        pub = publication_publish(publication=pub, by=_approver(w))
    return pub


def _approver(w):
    """An office user other than the drafter: a 社会公开 text is approved by someone else."""
    if not hasattr(w, "approver"):
        w.approver = UserFactory(roles=[Role.OFFICE])
    return w.approver


@pytest.mark.django_db
def test_publicity_tab_per_role(client):
    w = make_world()
    _pub(w, title="待审核的稿子", publish=False)
    _pub(w, title="已公开的通报")
    url = reverse("rectification:publicity", args=[w.rect.pk])
    for role in READERS:
        client.force_login(getattr(w, role))
        response = client.get(url)
        assert response.status_code == 200, role
        page = response.content.decode()
        assert "已公开的通报" in page
        assert ("待审核的稿子" in page) == (role in ("office", "leader")), role
        assert ("审核公开" in page) == (role == "office"), role
    for role in ("other_member", "other_unit_user"):
        client.force_login(getattr(w, role))
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_new_publication_is_prefilled_and_saved_by_the_office(client):
    w = make_world()
    url = reverse("rectification:publication_new", args=[w.rect.pk])
    for role in NON_OFFICE:
        client.force_login(getattr(w, role))
        assert client.get(url).status_code == 403, role
        assert client.post(url, {"scope": "public", "title": "t", "text": "x"}).status_code == 403, role
    client.force_login(w.office)
    page = client.get(url).content.decode()
    assert "逐项制定整改措施3条" in page and "反馈意见整改进展情况的通报" in page
    response = client.post(url, {"scope": "public", "title": "通报", "text": "已完成销号2条。"})
    assert response.status_code == 302
    pub = Publication.objects.get()
    assert (pub.status, pub.scope) == (PublicationStatus.DRAFT, "public")


@pytest.mark.django_db
def test_personal_data_is_flagged_on_the_page_and_publishing_needs_removal_or_a_reason(client):
    w = make_world()
    client.force_login(w.office)
    new = reverse("rectification:publication_new", args=[w.rect.pk])
    page = client.post(
        new, {"scope": "public", "title": "通报", "text": "张三同志带头整改，电话13812345678"}, follow=True
    ).content.decode()
    assert "个人信息检查发现" in page and "含有人员姓名：张三" in page and "含有手机号码 13812345678" in page
    pub = Publication.objects.get()
    # The drafter is told that someone else approves it; the other office user sees the flags and a reason box.
    assert 'data-testid="own-draft"' in page and 'data-testid="publish"' not in page
    client.force_login(_approver(w))
    tab = client.get(reverse("rectification:publicity", args=[w.rect.pk])).content.decode()
    assert 'data-testid="personal-data-flags"' in tab and 'data-testid="override-reason"' in tab
    publish = reverse("rectification:publication_publish", args=[w.rect.pk, pub.pk])
    page = client.post(publish, {"override_reason": ""}, follow=True).content.decode()
    assert "公开内容含有疑似个人信息" in page and "含有人员姓名：张三" in page
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT
    client.post(publish, {"override_reason": "经本人同意公开其带头整改事迹"})
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED and pub.personal_data_override == "经本人同意公开其带头整改事迹"


@pytest.mark.django_db
def test_the_names_the_check_knows_are_read_once_for_every_draft_of_the_page(client):
    w = make_world()
    _pub(w, title="草稿一", publish=False)
    client.force_login(w.office)
    url = reverse("rectification:publicity", args=[w.rect.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(3):
        _pub(w, title=f"草稿{i + 2}", publish=False)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    assert page.content.decode().count('data-testid="publication-row"') == 4
    names = [q["sql"] for q in four.captured_queries if "teams_cadre" in q["sql"]]
    assert len(names) == 1, "the cadre pool's names are read once, not per draft"
    # Each draft still costs its own history read (who drafted it), nothing more.
    assert len(four.captured_queries) <= len(one.captured_queries) + 3


@pytest.mark.django_db
def test_the_drafter_of_a_public_text_cannot_publish_it_through_the_page(client):
    w = make_world()
    pub = _pub(w, publish=False)
    client.force_login(w.office)
    publish = reverse("rectification:publication_publish", args=[w.rect.pk, pub.pk])
    page = client.post(publish, {}, follow=True).content.decode()
    assert "须由拟稿人以外的巡察办人员审核公开" in page
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT


@pytest.mark.django_db
def test_edit_publish_and_withdraw_through_the_pages(client):
    w = make_world()
    pub = _pub(w, publish=False)
    edit = reverse("rectification:publication_edit", args=[w.rect.pk, pub.pk])
    publish = reverse("rectification:publication_publish", args=[w.rect.pk, pub.pk])
    withdraw = reverse("rectification:publication_withdraw", args=[w.rect.pk, pub.pk])
    for role in NON_OFFICE:
        client.force_login(getattr(w, role))
        assert client.get(edit).status_code == 403, role
        assert client.post(publish).status_code == 403, role
        assert client.post(withdraw, {"reason": "x"}).status_code == 403, role
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT
    client.force_login(w.office)
    assert client.post(edit, {"scope": "party", "title": "改后的标题", "text": "已完成销号3条。"}).status_code == 302
    pub.refresh_from_db()
    assert (pub.title, pub.scope) == ("改后的标题", "party")
    page = client.get(reverse("rectification:publicity", args=[w.rect.pk])).content.decode()
    assert "公开后全县登录用户可见" in page
    client.post(publish)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.PUBLISHED
    # A published text is not edited: back to the tab with a message.
    response = client.get(edit, follow=True)
    assert "只有待审核的内容可以修改" in response.content.decode()
    page = client.post(withdraw, {"reason": ""}, follow=True).content.decode()
    assert "请填写撤回理由" in page
    client.post(withdraw, {"reason": "统计口径有误"})
    pub.refresh_from_db()
    assert (pub.status, pub.withdraw_reason) == (PublicationStatus.WITHDRAWN, "统计口径有误")
    # Another rectification's publication is not reached through this one.
    other = reverse("rectification:publication_publish", args=[w.other.pk, pub.pk])
    assert client.post(other).status_code == 404


@pytest.mark.django_db
def test_party_list_needs_a_login_and_shows_every_published_publication(client):
    w = make_world()
    _pub(w, scope="party", title="党内通报甲")
    _pub(w, scope="public", title="社会通报乙")
    _pub(w, title="待审核丙", publish=False)
    withdrawn = _pub(w, title="已撤回丁")
    publication_withdraw(publication=withdrawn, reason="有误", by=w.office)
    url = reverse("rectification:publications")
    assert client.get(url).status_code == 302
    for user in (w.principal, w.jiwei, UserFactory(roles=[Role.DEPARTMENT])):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "党内通报甲" in page and "社会通报乙" in page
        assert "待审核丙" not in page and "已撤回丁" not in page
    page = client.get(url, {"q": "甲"}).content.decode()
    assert "党内通报甲" in page and "社会通报乙" not in page
    page = client.get(url, {"scope": "public"}).content.decode()
    assert "党内通报甲" not in page and "社会通报乙" in page


@pytest.mark.django_db
def test_public_pages_without_login_show_only_published_public_texts(client):
    w = make_world()
    public = _pub(w, scope="public", title="社会公开的通报", text="第一段。\n第二段：已完成销号2条。")
    party = _pub(w, scope="party", title="只在党内的通报")
    draft = _pub(w, title="还没审核的通报", publish=False)
    withdrawn = _pub(w, title="撤回了的通报")
    publication_withdraw(publication=withdrawn, reason="有误", by=w.office)
    client.logout()
    response = client.get(reverse("rectification:public_rectifications"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "社会公开的通报" in page
    assert "只在党内的通报" not in page and "还没审核的通报" not in page and "撤回了的通报" not in page
    response = client.get(reverse("rectification:public_rectification", args=[public.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "第二段：已完成销号2条。" in page and w.rect.unit.name in page
    # Nothing internal and nobody's name: no rating, no responsible persons, no accounts.
    for secret in ("张三", "李四", "王建国", "刘洋", w.office.username, "整改评估", "整改方案与台账"):
        assert secret not in page, secret
    for pub in (party, draft, withdrawn):
        assert client.get(reverse("rectification:public_rectification", args=[pub.pk])).status_code == 404
    assert client.get(reverse("rectification:public_rectification", args=[99999])).status_code == 404
    page = client.get(reverse("rectification:public_rectifications"), {"q": "没有"}).content.decode()
    assert "没有符合条件的整改公开内容" in page


@pytest.mark.django_db
def test_public_list_paginates_newest_first(client):
    w = make_world()
    for n in range(17):
        _pub(w, title=f"第{n:02d}号通报")
    page = client.get(reverse("rectification:public_rectifications")).content.decode()
    assert "第16号通报" in page and "第00号通报" not in page
    assert page.index("第16号通报") < page.index("第15号通报")
    page = client.get(reverse("rectification:public_rectifications"), {"page": 2}).content.decode()
    assert "第00号通报" in page and "第16号通报" not in page
