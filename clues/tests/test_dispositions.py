"""Dispositions: the 组长 proposes with a reason, the office confirms or returns; the queue shows each his part."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clues.models import Channel, Disposition, LeadStatus, PartnerDepartment, ScopeStatus
from clues.services.dispositions import disposition_confirm, disposition_propose, disposition_return
from clues.tests.factories import LeadFactory
from clues.tests.test_transfers import in_scope_lead, make_world
from xuncha.errors import DomainError
from xuncha.notifications.models import Notification


@pytest.fixture
def w(db):
    return make_world()


@pytest.fixture
def lead(w):
    return in_scope_lead(w.assignment)


def _propose(w, lead, disposition=Disposition.TO_JIWEI, reason="反映问题具体，涉嫌违规发放津补贴"):
    return disposition_propose(lead=lead, disposition=disposition, reason=reason, by=w.zuzhang)


# --- proposing ----------------------------------------------------------------------------------------


def test_team_leader_proposes_with_a_reason_and_the_office_is_told(w, lead):
    _propose(w, lead)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PROPOSED
    assert (lead.proposed_disposition, lead.proposed_by) == (Disposition.TO_JIWEI, w.zuzhang)
    assert lead.proposed_reason == "反映问题具体，涉嫌违规发放津补贴"
    assert lead.disposition == ""
    note = Notification.objects.get(recipient=w.office)
    assert lead.number in note.title and note.link == reverse("clues:disposition_confirm", args=[lead.pk])


@pytest.mark.parametrize("who", ["zuyuan", "other_zuzhang", "office", "jiwei"])
def test_only_the_team_leader_proposes(w, lead, who):
    with pytest.raises(DomainError) as exc:
        disposition_propose(lead=lead, disposition=Disposition.CLOSE, reason="理由", by=getattr(w, who))
    assert "组长" in exc.value.message
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED and lead.proposed_disposition == ""


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_proposal_needs_a_reason(w, lead, reason):
    with pytest.raises(DomainError) as exc:
        _propose(w, lead, reason=reason)
    assert "理由" in exc.value.message
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED


def test_only_leads_in_scope_or_handed_over_by_a_partner_are_disposed(w):
    pending = LeadFactory(assignment=w.assignment)  # not yet triaged
    out = LeadFactory(assignment=w.assignment, scope=ScopeStatus.OUT_OF_SCOPE, status=LeadStatus.HANDED_OVER)
    for lead in (pending, out):
        with pytest.raises(DomainError):
            _propose(w, lead)
    handover = LeadFactory(
        assignment=w.assignment, channel=Channel.HANDOVER, partner_department=PartnerDepartment.AUDIT
    )
    _propose(w, handover)
    handover.refresh_from_db()
    assert handover.status == LeadStatus.PROPOSED


def test_a_confirmed_lead_takes_no_new_proposal(w, lead):
    _propose(w, lead)
    disposition_confirm(lead=lead, by=w.office)
    with pytest.raises(DomainError):
        _propose(w, lead, Disposition.CLOSE)


# --- confirming ---------------------------------------------------------------------------------------


def test_only_the_office_confirms(w, lead):
    _propose(w, lead)
    for user in (w.zuzhang, w.leadership, w.jiwei):
        with pytest.raises(DomainError):
            disposition_confirm(lead=lead, by=user)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PROPOSED


def test_office_confirms_the_proposal_and_the_leader_hears_of_it(w, lead):
    _propose(w, lead)
    disposition_confirm(lead=lead, by=w.office)
    lead.refresh_from_db()
    assert (lead.status, lead.disposition, lead.confirmed_by) == (
        LeadStatus.CONFIRMED,
        Disposition.TO_JIWEI,
        w.office,
    )
    assert lead.confirmed_at is not None
    assert Notification.objects.filter(recipient=w.zuzhang, title__contains="已确认").exists()


def test_office_may_choose_another_disposition_and_the_reason_is_kept(w, lead):
    _propose(w, lead, Disposition.TO_JIWEI, reason="组长的理由")
    disposition_confirm(lead=lead, by=w.office, disposition=Disposition.TO_ZUZHIBU)
    lead.refresh_from_db()
    assert lead.disposition == Disposition.TO_ZUZHIBU
    assert lead.proposed_disposition == Disposition.TO_JIWEI and lead.proposed_reason == "组长的理由"


@pytest.mark.parametrize(
    "disposition, status",
    [
        (Disposition.CLOSE, LeadStatus.CLOSED),
        (Disposition.HOLD, LeadStatus.CONFIRMED),
        (Disposition.VERIFY, LeadStatus.CONFIRMED),
        (Disposition.TO_OTHER, LeadStatus.CONFIRMED),
    ],
)
def test_what_a_confirmed_disposition_does_to_the_lead(w, lead, disposition, status):
    _propose(w, lead, disposition)
    disposition_confirm(lead=lead, by=w.office)
    lead.refresh_from_db()
    assert lead.status == status


def test_nothing_to_confirm_without_a_proposal(w, lead):
    with pytest.raises(DomainError):
        disposition_confirm(lead=lead, by=w.office)


# --- returning ----------------------------------------------------------------------------------------


def test_office_returns_a_proposal_with_a_reason_and_the_leader_proposes_again(w, lead, client):
    _propose(w, lead)
    with pytest.raises(DomainError):
        disposition_return(lead=lead, reason=" ", by=w.office)
    with pytest.raises(DomainError):
        disposition_return(lead=lead, reason="理由不充分", by=w.zuzhang)
    disposition_return(lead=lead, reason="请补充已掌握的证据情况", by=w.office)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED
    note = Notification.objects.get(recipient=w.zuzhang)
    assert "退回" in note.title and "请补充已掌握的证据情况" in note.body
    client.force_login(w.zuzhang)
    queue = client.get(reverse("clues:disposition_queue")).content.decode()
    assert lead.number in queue and "已退回：请补充已掌握的证据情况" in queue
    form = client.get(reverse("clues:disposition_propose", args=[lead.pk])).content.decode()
    assert "请补充已掌握的证据情况" in form
    _propose(w, lead, Disposition.VERIFY, reason="由巡察组核实")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PROPOSED


# --- the pages ----------------------------------------------------------------------------------------


def test_leader_proposes_through_the_page_and_a_refusal_keeps_his_text(w, lead, client):
    client.force_login(w.zuzhang)
    url = reverse("clues:disposition_propose", args=[lead.pk])
    page = client.get(url)
    assert page.status_code == 200 and lead.summary in page.content.decode()
    refused = client.post(url, {"disposition": Disposition.TO_JIWEI, "reason": ""})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED
    response = client.post(url, {"disposition": Disposition.TO_JIWEI, "reason": "<b>涉嫌</b>违纪"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PROPOSED and lead.proposed_reason == "<b>涉嫌</b>违纪"
    client.force_login(w.office)
    confirm = client.get(reverse("clues:disposition_confirm", args=[lead.pk])).content.decode()
    assert "&lt;b&gt;涉嫌&lt;/b&gt;违纪" in confirm and "<b>涉嫌</b>" not in confirm


def test_the_propose_page_is_the_team_leaders(w, lead, client):
    url = reverse("clues:disposition_propose", args=[lead.pk])
    expected = {
        "zuyuan": 403,
        "office": 403,
        "other_zuzhang": 404,
        "unit_user": 404,
        "jiwei": 404,
        "zuzhibu": 404,
    }
    for who, status in expected.items():
        client.force_login(getattr(w, who))
        assert client.get(url).status_code == status, who
        assert client.post(url, {"disposition": "close", "reason": "x"}).status_code == status, who
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED


def test_office_confirms_or_returns_through_the_page(w, client):
    first, second = in_scope_lead(w.assignment), in_scope_lead(w.assignment)
    _propose(w, first)
    _propose(w, second)
    client.force_login(w.zuzhang)
    assert client.get(reverse("clues:disposition_confirm", args=[first.pk])).status_code == 403
    assert (
        client.post(
            reverse("clues:disposition_confirm", args=[first.pk]),
            {"action": "confirm", "disposition": "close"},
        ).status_code
        == 403
    )
    client.force_login(w.office)
    response = client.post(
        reverse("clues:disposition_confirm", args=[first.pk]),
        {"action": "confirm", "disposition": "to_zuzhibu"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.disposition) == (LeadStatus.CONFIRMED, Disposition.TO_ZUZHIBU)
    missing = client.post(
        reverse("clues:disposition_confirm", args=[second.pk]),
        {"action": "return", "disposition": "to_jiwei"},
    )
    assert missing.status_code == 200 and "退回时请填写退回理由" in missing.content.decode()
    second.refresh_from_db()
    assert second.status == LeadStatus.PROPOSED
    client.post(
        reverse("clues:disposition_confirm", args=[second.pk]),
        {"action": "return", "disposition": "to_jiwei", "reason": "理由不充分"},
    )
    second.refresh_from_db()
    assert second.status == LeadStatus.TRIAGED


def test_the_queue_shows_the_office_what_awaits_confirmation_and_the_leader_his_own_leads(w, client):
    todo = in_scope_lead(w.assignment, summary="待提出的线索")
    proposed = in_scope_lead(w.assignment, summary="待确认的线索")
    _propose(w, proposed)
    theirs = in_scope_lead(w.other_assignment, summary="别组的线索")
    client.force_login(w.office)
    office = client.get(reverse("clues:disposition_queue")).content.decode()
    assert "待确认的线索" in office and "待提出的线索" not in office
    office_todo = client.get(reverse("clues:disposition_queue"), {"tab": "todo"}).content.decode()
    assert todo.summary in office_todo and theirs.summary in office_todo
    client.force_login(w.zuzhang)
    mine = client.get(reverse("clues:disposition_queue")).content.decode()
    assert todo.summary in mine and theirs.summary not in mine and proposed.summary not in mine
    filtered = client.get(reverse("clues:disposition_queue"), {"tab": "todo", "q": "别的"}).content.decode()
    assert todo.summary not in filtered
    # A member follows his team's leads but does not propose.
    client.force_login(w.zuyuan)
    member = client.get(reverse("clues:disposition_queue"))
    assert member.status_code == 200
    assert todo.summary in member.content.decode() and theirs.summary not in member.content.decode()
    assert reverse("clues:disposition_propose", args=[todo.pk]) not in member.content.decode()
    assert reverse("clues:disposition_propose", args=[todo.pk]) in mine
    for user in (w.unit_user, w.jiwei, w.leadership):
        client.force_login(user)
        assert client.get(reverse("clues:disposition_queue")).status_code == 403, user.username


def test_the_queue_costs_the_same_queries_for_more_leads(w, client):
    client.force_login(w.office)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("clues:disposition_queue")).status_code == 200
        return len(ctx.captured_queries)

    _propose(w, in_scope_lead(w.assignment))
    few = count()
    for _ in range(8):
        lead = in_scope_lead(w.assignment)
        _propose(w, lead)
        disposition_return(lead=lead, reason="补充", by=w.office)
        _propose(w, lead)
    assert count() == few
