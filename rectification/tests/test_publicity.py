"""双公开: personal data is found and refused; drafts, publishing and withdrawing; the default text."""

import datetime

import pytest

from rectification.models import (
    Accountability,
    AccountabilityReason,
    Publication,
    PublicationStatus,
    RectStatus,
)
from rectification.services.closing import accountability_add, measure_close
from rectification.services.publicity import (
    personal_data_problems,
    publication_default_text,
    publication_default_title,
    publication_publish,
    publication_save,
    publication_withdraw,
)
from rectification.tests.test_closing import make_world
from xuncha.errors import DomainError


def _person(w, name="陈明"):
    return accountability_add(
        rect=w.rect,
        accountability=Accountability(
            target=Accountability.Target.PERSON,
            target_name=name,
            reason=AccountabilityReason.INEFFECTIVE,
            facts="整改不力",
            action="诫勉谈话",
            decided_on=datetime.date(2026, 10, 1),
        ),
        by=w.office,
    )


def _draft(w, *, scope="public", title="整改进展情况的通报", text="已完成销号2条。"):
    return publication_save(rect=w.rect, publication=Publication(scope=scope, title=title, text=text), by=w.office)


# --- personal data --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        ("联系人身份证号11010519491231002X。", "含有身份证号码 11010519491231002X"),
        ("身份证 110105194912310021 已核实", "含有身份证号码 110105194912310021"),
        ("请致电13812345678咨询", "含有手机号码 13812345678"),
        ("手机 139-1234-5678", "含有手机号码 139-1234-5678"),
        ("电话0731-84567890", "含有固定电话号码 0731-84567890"),
        ("电话（0731）84567890", "含有固定电话号码 （0731）84567890"),
        ("邮箱 zhang.san@qingshan.gov.cn", "含有电子邮箱 zhang.san@qingshan.gov.cn"),
        ("主要负责人张三带头整改", "含有人员姓名：张三"),
        ("联络员李四负责报送", "含有人员姓名：李四"),
        ("由王建国同志牵头", "含有人员姓名：王建国"),
        ("责任人刘洋已完成", "含有人员姓名：刘洋"),
    ],
)
def test_each_kind_of_personal_data_is_named(text, expected):
    w = make_world()
    assert personal_data_problems(text, w.rect) == [expected]


@pytest.mark.django_db
def test_persons_held_accountable_are_names_but_units_are_not():
    w = make_world()
    _person(w, "陈明")
    accountability_add(
        rect=w.rect,
        accountability=Accountability(
            target=Accountability.Target.UNIT,
            target_name="局办公室",
            reason=AccountabilityReason.PERFUNCTORY,
            facts="敷衍",
            action="通报批评",
            decided_on=datetime.date(2026, 10, 1),
        ),
        by=w.office,
    )
    assert personal_data_problems("对陈明诫勉谈话，对局办公室通报批评", w.rect) == ["含有人员姓名：陈明"]


@pytest.mark.django_db
def test_clean_text_and_numbers_that_are_not_personal_pass():
    w = make_world()
    text = "截至2026年11月20日，完成整改措施12条，清退资金1380000元，整改率100%，编号2026-0731。"
    assert personal_data_problems(text, w.rect) == []


@pytest.mark.django_db
def test_several_hits_are_each_listed():
    w = make_world()
    found = personal_data_problems("张三 13812345678，李四 13912345678，张三", w.rect)
    assert found == [
        "含有手机号码 13812345678",
        "含有手机号码 13912345678",
        "含有人员姓名：张三",
        "含有人员姓名：李四",
    ]


# --- the default text ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_text_counts_and_names_nobody():
    w = make_world()
    measure_close(measure=w.m11, by=w.office)
    _person(w)
    text = publication_default_text(w.rect)
    assert "反馈的2个问题" in text and "整改措施3条" in text
    assert "已完成销号1条" in text and "长期坚持事项1条" in text and "正在整改1条" in text
    assert "问责1起" in text
    assert personal_data_problems(text, w.rect) == []
    assert personal_data_problems(publication_default_title(w.rect), w.rect) == []
    for name in ("张三", "李四", "王建国", "刘洋", "陈明"):
        assert name not in text


# --- drafts, publishing, withdrawing --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_needs_a_title_a_text_a_scope_and_the_office():
    w = make_world()
    with pytest.raises(DomainError) as exc:
        publication_save(rect=w.rect, publication=Publication(scope="", title=" ", text=""), by=w.office)
    assert exc.value.reasons == ["请选择公开范围", "请填写标题", "请填写公开内容"]
    with pytest.raises(DomainError, match="只有巡察办"):
        _draft_by(w, w.leader)
    pub = _draft(w)
    assert (pub.status, pub.created_by, pub.rectification) == (PublicationStatus.DRAFT, w.office, w.rect)


def _draft_by(w, user):
    return publication_save(
        rect=w.rect, publication=Publication(scope="party", title="标题", text="内容"), by=user
    )


@pytest.mark.django_db
def test_a_draft_with_personal_data_is_refused_listing_each():
    w = make_world()
    with pytest.raises(DomainError) as exc:
        _draft(w, text="主要负责人张三（电话13812345678）牵头整改。")
    assert exc.value.reasons == ["含有手机号码 13812345678", "含有人员姓名：张三"]
    assert not Publication.objects.exists()
    with pytest.raises(DomainError) as exc:
        _draft(w, title="李四关于整改的通报")
    assert exc.value.reasons == ["含有人员姓名：李四"]


@pytest.mark.django_db
def test_only_a_draft_is_edited():
    w = make_world()
    pub = _draft(w)
    pub.text = "已完成销号3条。"
    publication_save(rect=w.rect, publication=pub, by=w.office)
    publication_publish(publication=pub, by=w.office)
    pub.refresh_from_db()
    pub.text = "改过的内容"
    with pytest.raises(DomainError, match="只有待审核的内容可以修改"):
        publication_save(rect=w.rect, publication=pub, by=w.office)
    assert Publication.objects.get().text == "已完成销号3条。"
    with pytest.raises(DomainError, match="不属于本整改"):
        publication_save(rect=w.other, publication=Publication.objects.get(), by=w.office)


@pytest.mark.django_db
def test_publish_and_withdraw():
    w = make_world()
    pub = _draft(w)
    with pytest.raises(DomainError, match="只有巡察办"):
        publication_publish(publication=pub, by=w.principal)
    pub = publication_publish(publication=pub, by=w.office)
    assert pub.status == PublicationStatus.PUBLISHED and pub.published_by == w.office and pub.published_at
    with pytest.raises(DomainError, match="只有待审核的内容可以公开"):
        publication_publish(publication=pub, by=w.office)
    with pytest.raises(DomainError, match="请填写撤回理由"):
        publication_withdraw(publication=pub, reason=" ", by=w.office)
    with pytest.raises(DomainError, match="只有巡察办"):
        publication_withdraw(publication=pub, reason="数据有误", by=w.leader)
    pub = publication_withdraw(publication=pub, reason="数据有误", by=w.office)
    assert (pub.status, pub.withdraw_reason) == (PublicationStatus.WITHDRAWN, "数据有误")
    assert pub.withdrawn_at is not None
    with pytest.raises(DomainError, match="只有已公开的内容可以撤回"):
        publication_withdraw(publication=pub, reason="再撤一次", by=w.office)
    with pytest.raises(DomainError, match="只有待审核的内容可以公开"):
        publication_publish(publication=pub, by=w.office)


@pytest.mark.django_db
def test_publish_needs_the_rectification_under_way():
    w = make_world(status=RectStatus.PLANNING)
    pub = _draft(w)
    with pytest.raises(DomainError, match="整改中"):
        publication_publish(publication=pub, by=w.office)
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT


@pytest.mark.django_db
def test_publish_checks_personal_data_again():
    w = make_world()
    pub = _draft(w, text="对陈明同志进行了诫勉谈话。")  # not yet a name recorded on the rectification
    _person(w, "陈明")
    with pytest.raises(DomainError) as exc:
        publication_publish(publication=pub, by=w.office)
    assert exc.value.reasons == ["含有人员姓名：陈明"]
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT
