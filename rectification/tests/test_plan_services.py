"""Services of the plan: measures, 双承诺, submit / approve / return — and every refusal."""

import datetime

import pytest

from rectification.models import Commitment, CommitmentKind, Measure, MeasureKind, RectStatus
from rectification.services import plan, signing
from rectification.tests.factories import MeasureFactory, ProblemFactory
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

from .test_plan_fixtures import make_world, measure_values, new_measure

d = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db, office_user, leader_user, make_user):
    return make_world(office_user, leader_user, make_user)


def sign_both(w):
    for kind, members in ((CommitmentKind.PRINCIPAL, ""), (CommitmentKind.LEADERSHIP, "吴志刚、李建国")):
        c = plan.commitment_save(
            rect=w.rect,
            kind=kind,
            text=plan.commitment_default_text(w.rect, kind),
            members=members,
            by=w.liaison,
        )
        plan.commitment_sign(commitment=c, user=w.principal, password=w.password)


def ready_to_submit(w):
    plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(), by=w.liaison)
    plan.measure_save(rect=w.rect, problem=w.p2, measure=new_measure(content="清理惠农资金"), by=w.liaison)
    sign_both(w)


# --- measures ----------------------------------------------------------------------------------------


def test_measure_save_numbers_within_the_problem_and_updates(w):
    m1 = plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(), by=w.liaison)
    m2 = plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(content="第二条"), by=w.liaison)
    m3 = plan.measure_save(rect=w.rect, problem=w.p2, measure=new_measure(), by=w.liaison)
    assert (m1.seq, m2.seq, m3.seq) == (1, 2, 1)
    assert m2.number == "1.2" and m3.rectification_id == w.rect.pk
    assert m1.history.first().history_user == w.liaison

    m1.goal = "  全部整改  "
    plan.measure_save(rect=w.rect, problem=w.p1, measure=m1, by=w.principal)
    m1.refresh_from_db()
    assert m1.goal == "全部整改" and m1.seq == 1


def test_measure_save_refuses_missing_fields_and_deadlines_out_of_range(w):
    blank = new_measure(
        content=" ", goal="", responsible_leader="", responsible_branch="", responsible_person=""
    )
    with pytest.raises(DomainError) as exc:
        plan.measure_save(rect=w.rect, problem=w.p1, measure=blank, by=w.liaison)
    assert exc.value.message == "整改措施未保存"
    for label in ("整改措施", "整改目标", "责任领导", "责任党支部（股室）", "责任人"):
        assert f"{label}不能为空" in exc.value.reasons

    early = new_measure(deadline=d(2026, 6, 30))
    with pytest.raises(DomainError) as exc:
        plan.measure_save(rect=w.rect, problem=w.p1, measure=early, by=w.liaison)
    assert "不能早于反馈会日期（2026-07-01）" in exc.value.full_message()

    for kind in MeasureKind.values:  # long-term measures too stay within the rectification's deadline
        late = new_measure(deadline=d(2026, 10, 1), kind=kind)
        with pytest.raises(DomainError) as exc:
            plan.measure_save(rect=w.rect, problem=w.p1, measure=late, by=w.liaison)
        assert "不能晚于整改期限（2026-09-30）" in exc.value.full_message()

    with pytest.raises(DomainError) as exc:
        plan.measure_save(
            rect=w.rect, problem=w.p1, measure=new_measure(deadline=None, kind="x"), by=w.liaison
        )
    assert "完成时限不能为空" in exc.value.reasons and plan.KIND_MESSAGE in exc.value.reasons

    # the boundaries themselves are fine
    plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(deadline=d(2026, 7, 1)), by=w.liaison)
    plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(deadline=d(2026, 9, 30)), by=w.liaison)
    assert Measure.objects.count() == 2


def test_measure_save_refuses_a_problem_of_another_rectification(w):
    foreign = ProblemFactory()
    with pytest.raises(DomainError, match="不属于本单位"):
        plan.measure_save(rect=w.rect, problem=foreign, measure=new_measure(), by=w.liaison)


@pytest.mark.parametrize(
    "status, message",
    [
        (RectStatus.PLAN_SUBMITTED, "整改方案已报送，不能修改"),
        (RectStatus.IN_PROGRESS, "整改方案已审核，不能修改"),
        (RectStatus.CLOSED, "整改方案已审核，不能修改"),
    ],
)
def test_measures_are_frozen_once_the_plan_is_submitted(w, status, message):
    existing = MeasureFactory(problem=w.p1)
    w.rect.status = status
    w.rect.save()
    with pytest.raises(DomainError, match=message):
        plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(), by=w.liaison)
    existing.goal = "改了"
    with pytest.raises(DomainError, match=message):
        plan.measure_save(rect=w.rect, problem=w.p1, measure=existing, by=w.liaison)
    with pytest.raises(DomainError, match=message):
        plan.measure_delete(measure=existing, by=w.liaison)
    assert Measure.objects.get(pk=existing.pk).goal == "会议记录完整规范"


def test_measure_delete_renumbers_the_problem(w):
    ms = [
        plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(content=f"措施{i}"), by=w.liaison)
        for i in range(3)
    ]
    plan.measure_delete(measure=ms[0], by=w.liaison)
    assert list(w.p1.measures.order_by("seq").values_list("content", "seq")) == [("措施1", 1), ("措施2", 2)]
    with pytest.raises(DomainError, match="已被删除"):
        plan.measure_delete(measure=ms[0], by=w.liaison)


# --- 双承诺 -------------------------------------------------------------------------------------------


def test_default_texts_name_the_unit_and_the_deadline(w):
    principal = plan.commitment_default_text(w.rect, CommitmentKind.PRINCIPAL)
    leadership = plan.commitment_default_text(w.rect, CommitmentKind.LEADERSHIP)
    for text in (principal, leadership):
        assert "县农业农村局" in text and "2026年9月30日" in text
    assert "第一责任人" in principal and "直接部署、直接参与、直接督办" in principal and "真实性" in principal
    assert "把自己摆进去、把职责摆进去" in leadership
    draft = plan.commitment_for(w.rect, CommitmentKind.PRINCIPAL)
    assert draft.pk is None and draft.text == principal


def test_commitment_save_and_its_refusals(w):
    with pytest.raises(DomainError) as exc:
        plan.commitment_save(
            rect=w.rect, kind=CommitmentKind.LEADERSHIP, text="承诺", members="", by=w.liaison
        )
    assert "请填写领导班子成员姓名" in exc.value.reasons
    with pytest.raises(DomainError) as exc:
        plan.commitment_save(rect=w.rect, kind=CommitmentKind.PRINCIPAL, text="  ", by=w.liaison)
    assert "承诺内容不能为空" in exc.value.reasons
    with pytest.raises(DomainError, match="类型不正确"):
        plan.commitment_save(rect=w.rect, kind="other", text="承诺", by=w.liaison)

    c = plan.commitment_save(
        rect=w.rect, kind=CommitmentKind.PRINCIPAL, text="第一稿", members="x", by=w.liaison
    )
    assert c.members == ""  # only the leadership's names its members
    again = plan.commitment_save(rect=w.rect, kind=CommitmentKind.PRINCIPAL, text="第二稿", by=w.liaison)
    assert again.pk == c.pk and Commitment.objects.get(pk=c.pk).text == "第二稿"

    plan.commitment_sign(commitment=c, user=w.principal, password=w.password)
    with pytest.raises(DomainError, match="承诺书已签署，不能修改"):
        plan.commitment_save(rect=w.rect, kind=CommitmentKind.PRINCIPAL, text="第三稿", by=w.liaison)
    assert Commitment.objects.get(pk=c.pk).text == "第二稿"


def test_commitment_sign_records_signer_and_hash(w):
    c = plan.commitment_save(
        rect=w.rect,
        kind=CommitmentKind.LEADERSHIP,
        text="领导班子承诺",
        members="吴志刚、李建国",
        by=w.liaison,
    )
    signed = plan.commitment_sign(commitment=c, user=w.principal, password=w.password)
    signed.refresh_from_db()
    assert signed.is_signed and signed.signed_by == w.principal and signed.signer_name == "吴志刚"
    expected = signing.content_sha256(
        {
            "kind": "leadership",
            "text": "领导班子承诺",
            "members": "吴志刚、李建国",
            "unit": "县农业农村局",
            "signer": "吴志刚",
            "signed_at": signed.signed_at.isoformat(),
        }
    )
    assert signed.sha256 == expected and len(expected) == 64
    assert signed.sm3 == signing.content_sm3(plan.commitment_payload(signed)) and len(signed.sm3) == 64
    with pytest.raises(DomainError, match="不能重复签署"):
        plan.commitment_sign(commitment=c, user=w.principal, password=w.password)


def test_commitment_sign_refuses_a_wrong_password_the_liaison_and_an_empty_text(w):
    c = plan.commitment_save(rect=w.rect, kind=CommitmentKind.PRINCIPAL, text="承诺", by=w.liaison)
    with pytest.raises(DomainError, match="密码不正确"):
        plan.commitment_sign(commitment=c, user=w.principal, password="wrong")
    with pytest.raises(DomainError, match="只有本单位主要负责人本人"):
        plan.commitment_sign(commitment=c, user=w.liaison, password=w.password)
    with pytest.raises(DomainError, match="只有本单位主要负责人本人"):
        plan.commitment_sign(commitment=c, user=w.office, password=w.password)
    c.refresh_from_db()
    assert not c.is_signed and c.sha256 == ""

    Commitment.objects.filter(pk=c.pk).update(text="")
    with pytest.raises(DomainError, match="内容为空"):
        plan.commitment_sign(commitment=c, user=w.principal, password=w.password)


# --- submit, approve, return -------------------------------------------------------------------------


def test_submit_lists_every_missing_piece(w):
    plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(), by=w.liaison)
    with pytest.raises(DomainError) as exc:
        plan.plan_submit(rect=w.rect, by=w.liaison)
    assert exc.value.reasons == [
        "问题2尚未制定整改措施",
        "主要负责人承诺书尚未签署",
        "领导班子承诺书尚未签署",
    ]
    plan.commitment_save(rect=w.rect, kind=CommitmentKind.PRINCIPAL, text="承诺", by=w.liaison)
    with pytest.raises(DomainError) as exc:
        plan.plan_submit(rect=w.rect, by=w.liaison)
    assert "主要负责人承诺书尚未签署" in exc.value.reasons  # drafted is not signed
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLANNING


def test_submit_approve_and_notifications(w):
    ready_to_submit(w)
    w.rect.plan_return_reason = "旧的理由"
    w.rect.save()
    plan.plan_submit(rect=w.rect, by=w.liaison)
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLAN_SUBMITTED and w.rect.plan_submitted_at
    assert w.rect.plan_return_reason == ""
    assert Notification.objects.filter(recipient=w.office, title__contains="报送了整改方案").count() == 1
    with pytest.raises(DomainError, match="已报送"):
        plan.plan_submit(rect=w.rect, by=w.liaison)

    with pytest.raises(DomainError, match="只有巡察办"):
        plan.plan_approve(rect=w.rect, by=w.leader)
    plan.plan_approve(rect=w.rect, by=w.office)
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.IN_PROGRESS
    assert w.rect.plan_approved_by == w.office and w.rect.plan_approved_at
    for user in (w.principal, w.liaison):
        assert Notification.objects.filter(recipient=user, title="整改方案已审核通过").exists()
    with pytest.raises(DomainError, match="没有待审核的方案"):
        plan.plan_approve(rect=w.rect, by=w.office)
    with pytest.raises(DomainError, match="没有待审核的方案"):
        plan.plan_return(rect=w.rect, reason="再改", by=w.office)
    with pytest.raises(DomainError, match="已审核"):
        plan.plan_submit(rect=w.rect, by=w.liaison)


def test_return_needs_a_reason_and_reopens_the_plan(w):
    ready_to_submit(w)
    with pytest.raises(DomainError, match="没有待审核的方案"):
        plan.plan_return(rect=w.rect, reason="补充", by=w.office)
    plan.plan_submit(rect=w.rect, by=w.liaison)
    with pytest.raises(DomainError, match="请填写退回理由"):
        plan.plan_return(rect=w.rect, reason="  ", by=w.office)
    with pytest.raises(DomainError, match="只有巡察办"):
        plan.plan_return(rect=w.rect, reason="补充", by=w.principal)
    plan.plan_return(rect=w.rect, reason="问题2的措施缺少长效机制", by=w.office)
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLANNING
    assert w.rect.plan_return_reason == "问题2的措施缺少长效机制"
    assert Notification.objects.filter(recipient=w.liaison, title="整改方案被退回修改").exists()
    # the unit revises and submits again; the reason is cleared
    plan.measure_save(
        rect=w.rect, problem=w.p2, measure=new_measure(kind=MeasureKind.LONG_TERM), by=w.liaison
    )
    plan.plan_submit(rect=w.rect, by=w.principal)
    w.rect.refresh_from_db()
    assert w.rect.status == RectStatus.PLAN_SUBMITTED and w.rect.plan_return_reason == ""


def test_measure_values_helper_matches_the_model():
    assert set(measure_values()) <= {f.name for f in Measure._meta.get_fields()}
