"""The review chain of a working paper: 撰写人提交 → 副组长 → 组长 → 巡察办, returns with a reason, locking
and reopening."""

import pytest
from django.urls import reverse

from clues.models import FindingReview, FindingStatus
from clues.services.findings import (
    LOCKED_MESSAGE,
    allowed_transitions,
    finding_create,
    finding_review,
    finding_update,
)
from clues.tests.test_findings import approve_all, build_world, data, member_of, write
from rounds.tests.factories import AssignmentFactory
from teams.models import MemberRole
from teams.tests.factories import TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db

S = FindingStatus


@pytest.fixture
def world(db):
    return build_world()


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def trail(finding) -> list[tuple]:
    return list(finding.reviews.order_by("id").values_list("action", "from_status", "to_status", "by"))


def test_the_full_chain_records_each_step_and_tells_the_next_reviewer(world):
    finding = write(world)
    link = reverse("clues:finding_detail", args=[finding.pk])

    finding = finding_review(finding=finding, action="submit", by=world.writer)
    assert finding.status == S.SUBMITTED
    assert inbox(world.deputy) == [f"待副组长审核：问题底稿{finding.number}“违规发放津补贴”"]
    assert inbox(world.leader) == [] and inbox(world.office) == []

    finding = finding_review(finding=finding, action="approve", by=world.deputy, reason="事实清楚")
    assert finding.status == S.DEPUTY_APPROVED
    assert inbox(world.leader) == [f"待组长审批：问题底稿{finding.number}“违规发放津补贴”"]

    finding = finding_review(finding=finding, action="approve", by=world.leader)
    assert finding.status == S.LEADER_APPROVED
    assert inbox(world.office) == [f"待巡察办审核：问题底稿{finding.number}“违规发放津补贴”"]
    assert finding.approved_at is None and not finding.is_locked

    finding = finding_review(finding=finding, action="approve", by=world.office)
    assert finding.status == S.APPROVED and finding.is_locked and finding.approved_at is not None
    assert inbox(world.writer) == [f"问题底稿已审定：{finding.number}“违规发放津补贴”"]

    assert trail(finding) == [
        ("submit", S.DRAFT, S.SUBMITTED, world.writer.pk),
        ("approve", S.SUBMITTED, S.DEPUTY_APPROVED, world.deputy.pk),
        ("approve", S.DEPUTY_APPROVED, S.LEADER_APPROVED, world.leader.pk),
        ("approve", S.LEADER_APPROVED, S.APPROVED, world.office.pk),
    ]
    assert finding.reviews.get(by=world.deputy).reason == "事实清楚"
    assert set(Notification.objects.values_list("link", flat=True)) == {link}


def test_a_team_without_a_deputy_skips_that_step_explicitly_and_the_leader_approves_once(world):
    team = TeamFactory(round=world.round, number=3)
    leader, writer = member_of(team, MemberRole.LEADER), member_of(team)

    assignment = AssignmentFactory(team=team)
    finding = finding_create(assignment=assignment, data=data(world), by=writer)
    finding = finding_review(finding=finding, action="submit", by=writer)
    # Straight to the 组长, told that the 副组长's step was skipped (not "待副组长审核" under his name).
    assert finding.status == S.DEPUTY_APPROVED
    assert inbox(leader) == [f"待组长审批：问题底稿{finding.number}“违规发放津补贴”"]
    assert "本组未设副组长，副组长审核环节跳过" in Notification.objects.get(recipient=leader).body
    skip = finding.reviews.get(action="skip")
    assert (skip.from_status, skip.to_status, skip.by, skip.reason) == (
        S.SUBMITTED, S.DEPUTY_APPROVED, None, "本组未设副组长，副组长审核环节跳过"
    )
    # The history says why too.
    assert finding.history.filter(status=S.DEPUTY_APPROVED).first().history_change_reason.startswith("本组未设副组长")
    # The 组长 approves once; he cannot act at a 副组长 step, and nobody can skip by hand.
    assert finding_review(finding=finding, action="approve", by=leader).status == S.LEADER_APPROVED
    with pytest.raises(DomainError, match="不能“跳过”"):
        finding_review(finding=finding, action="skip", by=world.office)
    assert [r[0] for r in trail(finding)] == ["submit", "skip", "approve"]


def test_the_writer_reviews_his_own_finding_at_no_step(world):
    # The 副组长 writes: his step is skipped (recorded), the 组长 and the office approve.
    finding = finding_create(assignment=world.assignment, data=data(world), by=world.deputy)
    finding = finding_review(finding=finding, action="submit", by=world.deputy)
    assert finding.status == S.DEPUTY_APPROVED
    assert finding.reviews.get(action="skip").reason == "副组长为撰写人本人，副组长审核环节跳过"
    with pytest.raises(DomainError, match="不能审核本人撰写的问题底稿"):
        finding_review(finding=finding, action="approve", by=world.deputy)
    with pytest.raises(DomainError, match="不能审核本人撰写的问题底稿"):
        finding_review(finding=finding, action="return", by=world.deputy, reason="自己退回")
    finding_review(finding=finding, action="approve", by=world.leader)

    # The 组长 writes: the 副组长 reviews, the 组长's own step is skipped, the office approves.
    own = finding_create(assignment=world.assignment, data=data(world, title="组长撰写"), by=world.leader)
    own = finding_review(finding=own, action="submit", by=world.leader)
    assert own.status == S.SUBMITTED
    own = finding_review(finding=own, action="approve", by=world.deputy)
    assert own.status == S.LEADER_APPROVED
    assert own.reviews.get(action="skip").reason == "组长为撰写人本人，组长审批环节跳过"
    assert inbox(world.office)[-1] == f"待巡察办审核：问题底稿{own.number}“组长撰写”"


def test_an_office_writer_waits_for_another_office_user(world):
    drafter = UserFactory(roles=[Role.OFFICE])
    finding = finding_create(assignment=world.assignment, data=data(world), by=drafter)
    for action, by in (("submit", drafter), ("approve", world.deputy), ("approve", world.leader)):
        finding = finding_review(finding=finding, action=action, by=by)
    assert finding.status == S.LEADER_APPROVED
    assert [t.action for t in allowed_transitions(drafter, finding)] == []
    with pytest.raises(DomainError, match="“巡察办审核”环节须由撰写人以外的巡察办办理"):
        finding_review(finding=finding, action="approve", by=drafter)
    # The other office user was told, the drafter not.
    assert inbox(world.office)[-1].startswith("待巡察办审核")
    assert not any(t.startswith("待巡察办审核") for t in inbox(drafter))
    finding = finding_review(finding=finding, action="approve", by=world.office)
    assert finding.status == S.APPROVED
    # Reopening is not a review: the drafter may reopen with a reason.
    assert finding_review(finding=finding, action="reopen", by=drafter, reason="金额有误").status == S.RETURNED


def test_each_step_refuses_the_wrong_person(world):
    finding = write(world)
    finding_review(finding=finding, action="submit", by=world.writer)
    # The deputy's step: not a 组员, not the 组长 (the team has a deputy), not the office, not another team.
    with pytest.raises(DomainError, match="不能审核本人撰写的问题底稿"):
        finding_review(finding=finding, action="approve", by=world.writer)
    for wrong in (world.leader, world.office, world.other_member, world.county_leader):
        with pytest.raises(DomainError, match="“副组长审核”环节只能由"):
            finding_review(finding=finding, action="approve", by=wrong)
    finding_review(finding=finding, action="approve", by=world.deputy)
    # The leader's step: not the deputy.
    for wrong in (world.deputy, world.office):
        with pytest.raises(DomainError, match="“组长审批”环节只能由本组组长通过"):
            finding_review(finding=finding, action="approve", by=wrong)
    finding_review(finding=finding, action="approve", by=world.leader)
    # The office's step: nobody of the team.
    for wrong in (world.leader, world.deputy, world.county_leader):
        with pytest.raises(DomainError, match="“巡察办审核”环节只能由巡察办通过"):
            finding_review(finding=finding, action="approve", by=wrong)
    finding.refresh_from_db()
    assert finding.status == S.LEADER_APPROVED
    assert finding.reviews.count() == 3


def test_a_return_needs_a_reason_and_the_finding_can_be_resubmitted(world):
    finding = write(world)
    finding_review(finding=finding, action="submit", by=world.writer)
    finding_review(finding=finding, action="approve", by=world.deputy)
    with pytest.raises(DomainError, match="退回须填写理由"):
        finding_review(finding=finding, action="return", by=world.leader, reason="   ")
    finding.refresh_from_db()
    assert finding.status == S.DEPUTY_APPROVED
    with pytest.raises(DomainError, match="不能审核本人撰写的问题底稿"):
        finding_review(finding=finding, action="return", by=world.writer, reason="我想改")
    with pytest.raises(DomainError, match="只能由本组组长退回"):
        finding_review(finding=finding, action="return", by=world.deputy, reason="我想改")

    finding = finding_review(finding=finding, action="return", by=world.leader, reason="金额需与账目核对")
    assert finding.status == S.RETURNED
    review = finding.reviews.latest("id")
    assert (review.action, review.from_status, review.reason) == ("return", S.DEPUTY_APPROVED, "金额需与账目核对")
    assert inbox(world.writer)[-1] == f"问题底稿被退回：{finding.number}“违规发放津补贴”"
    assert "金额需与账目核对" in Notification.objects.filter(recipient=world.writer).latest("id").body

    finding = finding_update(finding=finding, data={"manifestation": "经核对，违规发放11.8万元。"}, by=world.writer)
    finding = finding_review(finding=finding, action="submit", by=world.writer)
    assert finding.status == S.SUBMITTED
    assert finding.reviews.count() == 4


def test_the_office_returns_at_its_step(world):
    finding = write(world)
    for action, by in (("submit", world.writer), ("approve", world.deputy), ("approve", world.leader)):
        finding_review(finding=finding, action=action, by=by)
    finding = finding_review(finding=finding, action="return", by=world.office, reason="定性依据引用条款有误")
    assert finding.status == S.RETURNED and finding.reviews.latest("id").from_status == S.LEADER_APPROVED


def test_an_approved_finding_is_locked_until_the_office_reopens_it_with_a_reason(world):
    finding = approve_all(world, write(world))
    with pytest.raises(DomainError) as exc:
        finding_update(finding=finding, data={"title": "改"}, by=world.writer)
    assert exc.value.message == LOCKED_MESSAGE
    with pytest.raises(DomainError, match="只能由巡察办重新打开"):
        finding_review(finding=finding, action="reopen", by=world.leader, reason="需补充")
    with pytest.raises(DomainError, match="重新打开须填写理由"):
        finding_review(finding=finding, action="reopen", by=world.office)

    finding = finding_review(finding=finding, action="reopen", by=world.office, reason="整改反馈发现金额有出入")
    assert finding.status == S.RETURNED and finding.approved_at is None
    reopen = finding.reviews.latest("id")
    assert (reopen.action, reopen.from_status, reopen.reason) == ("reopen", S.APPROVED, "整改反馈发现金额有出入")
    statuses = [h.status for h in finding.history.order_by("history_date", "history_id")]
    assert statuses[-2:] == [S.APPROVED, S.RETURNED]
    assert finding.history.latest().history_user == world.office
    assert inbox(world.writer)[-1] == f"问题底稿已重新打开：{finding.number}“违规发放津补贴”"
    # Now it can be changed, and goes through the whole chain again.
    assert finding_update(finding=finding, data={"title": "违规发放津补贴11.8万元"}, by=world.writer).title.endswith("11.8万元")


def test_an_illegal_transition_is_refused_with_a_clear_message(world):
    finding = write(world)
    with pytest.raises(DomainError) as exc:
        finding_review(finding=finding, action="approve", by=world.deputy)
    assert exc.value.message == "底稿当前状态为“起草中”，不能“通过”"
    with pytest.raises(DomainError, match="不能“重新打开”"):
        finding_review(finding=finding, action="reopen", by=world.office, reason="x")
    approve_all(world, finding)
    with pytest.raises(DomainError, match="底稿当前状态为“已审定”，不能“提交”"):
        finding_review(finding=finding, action="submit", by=world.writer)
    with pytest.raises(DomainError, match="未知的审核操作"):
        finding_review(finding=finding, action="publish", by=world.office)
    assert FindingReview.objects.filter(finding=finding).count() == 4


def test_allowed_transitions_name_who_may_act_now(world):
    finding = write(world)
    assert [t.action for t in allowed_transitions(world.writer, finding)] == ["submit"]
    assert allowed_transitions(world.county_leader, finding) == []
    finding = finding_review(finding=finding, action="submit", by=world.writer)
    assert [t.action for t in allowed_transitions(world.deputy, finding)] == ["approve", "return"]
    assert allowed_transitions(world.writer, finding) == []
    assert allowed_transitions(world.leader, finding) == []


# --- through the pages --------------------------------------------------------------------------------


def test_the_review_buttons_show_only_to_whoever_may_act(world, client_for):
    finding = write(world)
    finding_review(finding=finding, action="submit", by=world.writer)
    url = reverse("clues:finding_detail", args=[finding.pk])
    deputy_page = client_for(world.deputy).get(url).content.decode()
    assert 'data-testid="review-panel"' in deputy_page and 'data-testid="review-approve"' in deputy_page
    for user in (world.writer, world.leader, world.office, world.county_leader):
        assert 'data-testid="review-panel"' not in client_for(user).get(url).content.decode()


def test_a_deputy_returns_through_the_page_and_a_missing_reason_is_said(world, client_for):
    finding = write(world)
    finding_review(finding=finding, action="submit", by=world.writer)
    client = client_for(world.deputy)
    url = reverse("clues:finding_review", args=[finding.pk, "return"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "退回须填写理由" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == S.SUBMITTED
    response = client.post(url, {"reason": "<b>证据不足</b>"}, follow=True)
    finding.refresh_from_db()
    assert finding.status == S.RETURNED
    html = response.content.decode()
    assert "已退回撰写人修改" in html and "&lt;b&gt;证据不足&lt;/b&gt;" in html


def test_the_chain_through_the_pages(world, client_for):
    finding = write(world)
    steps = [(world.writer, "submit"), (world.deputy, "approve"), (world.leader, "approve"), (world.office, "approve")]
    for user, action in steps:
        response = client_for(user).post(reverse("clues:finding_review", args=[finding.pk, action]), {"reason": ""})
        assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == S.APPROVED and finding.reviews.count() == 4


def test_the_county_leadership_gets_403_on_every_review_action(world, client_for):
    finding = write(world)
    client = client_for(world.county_leader)
    for action in ("submit", "approve", "return", "reopen"):
        response = client.post(reverse("clues:finding_review", args=[finding.pk, action]), {"reason": "x"})
        assert response.status_code == 403
    assert not finding.reviews.exists()


def test_an_office_user_not_on_the_team_still_may_only_do_the_office_steps(world, client_for):
    other_office = UserFactory(roles=[Role.OFFICE])
    finding = write(world)
    finding_review(finding=finding, action="submit", by=world.writer)
    response = client_for(other_office).post(
        reverse("clues:finding_review", args=[finding.pk, "approve"]), {"reason": ""}, follow=True
    )
    assert "“副组长审核”环节只能由" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == S.SUBMITTED


def test_the_writer_sees_no_review_buttons_and_a_posted_review_is_refused_in_words(world, client_for):
    finding = finding_create(assignment=world.assignment, data=data(world), by=world.deputy)
    finding_review(finding=finding, action="submit", by=world.deputy)
    finding_review(finding=finding, action="approve", by=world.leader)
    drafter_page = client_for(world.deputy).get(reverse("clues:finding_detail", args=[finding.pk])).content.decode()
    assert 'data-testid="review-approve"' not in drafter_page
    assert "跳过" in drafter_page and "副组长为撰写人本人" in drafter_page  # the trail shows the skipped step
    response = client_for(world.deputy).post(
        reverse("clues:finding_review", args=[finding.pk, "return"]), {"reason": "我来退回"}, follow=True
    )
    assert "不能审核本人撰写的问题底稿" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == S.LEADER_APPROVED
