"""双公开: personal data is found and refused; drafts, publishing and withdrawing; the default text."""

import datetime

import pytest

from clues.models import PersonDealt, TransferBatch, TransferItem
from clues.tests.factories import FindingFactory, LeadFactory
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
from rounds.tests.factories import UnitFactory
from teams.tests.factories import CadreFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.errors import DomainError


def _approver(w):
    """An office user other than the drafter (w.office): a 社会公开 text is approved by someone else."""
    if not hasattr(w, "approver"):
        w.approver = UserFactory(roles=[Role.OFFICE])
    return w.approver


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
def test_a_draft_with_personal_data_is_kept_but_not_published_until_removed():
    w = make_world()
    pub = _draft(w, text="主要负责人张三（电话13812345678）牵头整改。")
    assert pub.status == PublicationStatus.DRAFT
    with pytest.raises(DomainError, match="公开内容含有疑似个人信息") as exc:
        publication_publish(publication=pub, by=_approver(w))
    assert exc.value.reasons == ["含有手机号码 13812345678", "含有人员姓名：张三"]
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT
    pub.text = "主要负责人牵头整改。"
    publication_save(rect=w.rect, publication=pub, by=w.office)
    assert publication_publish(publication=pub, by=_approver(w)).status == PublicationStatus.PUBLISHED


@pytest.mark.django_db
def test_a_flagged_publication_is_published_only_with_a_reason_which_is_kept():
    w = make_world()
    pub = _draft(w, text="欢迎监督，监督电话0731-84567890。")
    with pytest.raises(DomainError, match="请填写放行理由"):
        publication_publish(publication=pub, by=_approver(w), override_reason="   ")
    pub = publication_publish(publication=pub, by=_approver(w), override_reason="单位公开的监督电话，不是个人信息")
    assert pub.status == PublicationStatus.PUBLISHED
    assert pub.personal_data_override == "单位公开的监督电话，不是个人信息"
    assert pub.personal_data_found == "含有固定电话号码 0731-84567890"
    assert pub.history.first().history_change_reason == "放行个人信息检查：单位公开的监督电话，不是个人信息"


@pytest.mark.django_db
def test_every_name_the_system_knows_is_found():
    w = make_world()
    # Names recorded anywhere, not only on this rectification: a village's officials, the cadre pool, the
    # subject of a lead, a person dealt with on a transferred lead, a person held accountable, the persons
    # a finding names responsible (without the post in brackets).
    UnitFactory(name="青山村", principal_name="赵支书", liaison_name="钱会计")
    CadreFactory(name="孙巡察")
    lead = LeadFactory(subject_name="周被反映")
    batch = TransferBatch.objects.create(receiver=UnitFactory(), round=lead.round, year=2026, serial=1)
    item = TransferItem.objects.create(batch=batch, lead=lead)
    PersonDealt.objects.create(item=item, name="郑处分", form=1, sanction="talk")
    _person(w, "吴问责")
    FindingFactory(responsible_persons="冯责任（副局长，直接责任）、陈主体")
    names = ["赵支书", "钱会计", "孙巡察", "周被反映", "郑处分", "吴问责", "冯责任", "陈主体"]
    text = "；".join(f"{name}一事" for name in names)
    assert sorted(personal_data_problems(text, w.rect)) == sorted(f"含有人员姓名：{name}" for name in names)
    assert personal_data_problems("副局长，直接责任", w.rect) == []  # the bracket's words are no names
    with pytest.raises(DomainError) as exc:
        publication_publish(publication=_draft(w, text="对周被反映的问题已整改。"), by=_approver(w))
    assert exc.value.reasons == ["含有人员姓名：周被反映"]


@pytest.mark.django_db
def test_a_public_text_is_approved_by_an_office_user_other_than_its_drafters():
    w = make_world()
    pub = _draft(w)
    with pytest.raises(DomainError, match="须由拟稿人以外的巡察办人员审核公开"):
        publication_publish(publication=pub, by=w.office)
    # Whoever edited it is a drafter too.
    editor = _approver(w)
    pub.text = "已完成销号3条。"
    publication_save(rect=w.rect, publication=pub, by=editor)
    with pytest.raises(DomainError, match="须由拟稿人以外"):
        publication_publish(publication=pub, by=editor)
    third = UserFactory(roles=[Role.OFFICE])
    assert publication_publish(publication=pub, by=third).published_by == third
    # 党内公开 is not held to it.
    party = _draft(w, scope="party")
    assert publication_publish(publication=party, by=w.office).status == PublicationStatus.PUBLISHED


@pytest.mark.django_db
def test_only_a_draft_is_edited():
    w = make_world()
    pub = _draft(w)
    pub.text = "已完成销号3条。"
    publication_save(rect=w.rect, publication=pub, by=w.office)
    publication_publish(publication=pub, by=_approver(w))
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
    pub = publication_publish(publication=pub, by=_approver(w))
    assert pub.status == PublicationStatus.PUBLISHED and pub.published_by == w.approver and pub.published_at
    with pytest.raises(DomainError, match="只有待审核的内容可以公开"):
        publication_publish(publication=pub, by=_approver(w))
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
        publication_publish(publication=pub, by=_approver(w))


@pytest.mark.django_db
def test_publish_needs_the_rectification_under_way():
    w = make_world(status=RectStatus.PLANNING)
    pub = _draft(w)
    with pytest.raises(DomainError, match="整改中"):
        publication_publish(publication=pub, by=_approver(w))
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT


@pytest.mark.django_db
def test_publish_checks_personal_data_again():
    w = make_world()
    pub = _draft(w, text="对陈明同志进行了诫勉谈话。")  # not yet a name recorded on the rectification
    _person(w, "陈明")
    with pytest.raises(DomainError) as exc:
        publication_publish(publication=pub, by=_approver(w))
    assert exc.value.reasons == ["含有人员姓名：陈明"]
    pub.refresh_from_db()
    assert pub.status == PublicationStatus.DRAFT
