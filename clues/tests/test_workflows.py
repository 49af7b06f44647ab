"""Every status of the clues app changes through its Workflow (xuncha.core.transitions): each step is
one row in the object's history, with its reason, and no module of the app assigns a status itself."""

import ast
import pathlib

import pytest

from clues.models import (
    Disposition,
    Finding,
    HandlingResult,
    Lead,
    LeadStatus,
    ScopeStatus,
    TransferBatch,
    TransferStatus,
)
from clues.services.dispositions import disposition_return
from clues.services.findings import FINDING_FLOW, TRANSITIONS
from clues.services.intake import LEAD_FLOW, SCOPE_FLOW
from clues.services.transfers import BATCH_FLOW, item_report_result
from clues.tests.test_transfers import confirmed_lead, make_world, sent_batch
from xuncha.core.transitions import workflow_of
from xuncha.errors import DomainError

APP = pathlib.Path(__file__).resolve().parents[1]
STATUS_FIELDS = {"status", "scope"}


@pytest.fixture
def w(db):
    return make_world()


def test_each_status_field_has_its_workflow():
    assert workflow_of(Finding) is FINDING_FLOW
    assert workflow_of(Lead) is LEAD_FLOW
    assert workflow_of(Lead, "scope") is SCOPE_FLOW
    assert workflow_of(TransferBatch) is BATCH_FLOW
    # The review chain's table is the workflow's, step by step.
    assert {(t.action, t.source) for t in TRANSITIONS.values()} == {
        (t.action, source) for t in FINDING_FLOW.transitions for source in t.sources
    }


def test_no_module_of_the_app_assigns_a_status_itself():
    offenders = []
    for path in APP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in STATUS_FIELDS:
                    offenders.append(f"{path.relative_to(APP)}:{node.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "update":
                if any(k.arg in STATUS_FIELDS for k in node.keywords):
                    offenders.append(f"{path.relative_to(APP)}:{node.lineno}")
    assert offenders == []


def test_the_proposal_and_its_confirmation_are_in_the_history_with_their_reasons(w):
    lead = confirmed_lead(w)  # proposed by the 组长 and confirmed by the office
    assert lead.scope == ScopeStatus.IN_SCOPE
    lead.refresh_from_db()
    reasons = list(lead.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True))
    assert any(r and r.startswith("提出处置意见：") for r in reasons)
    assert reasons[-1].startswith("确认处置：")


def test_sending_a_batch_transfers_each_lead_with_its_own_history_row(w):
    leads = [confirmed_lead(w), confirmed_lead(w)]
    batch = sent_batch(w, leads)
    for lead in leads:
        lead.refresh_from_db()
        latest = lead.history.latest()
        assert (latest.status, latest.history_change_reason) == (LeadStatus.TRANSFERRED, f"移交：{batch.number}")
        assert latest.history_user == w.office
    item = batch.items.first()
    item_report_result(item=item, result=HandlingResult.CLOSE, note="了结", by=w.jiwei)
    item.lead.refresh_from_db()
    assert item.lead.status == LeadStatus.CLOSED
    assert item.lead.history.latest().history_change_reason == f"{w.jiwei_unit.name}反馈：了结"
    batch.refresh_from_db()
    assert batch.status == TransferStatus.ACKNOWLEDGED  # one of two results in


def test_a_lead_not_proposed_cannot_be_returned(w):
    lead = confirmed_lead(w, Disposition.TO_ZUZHIBU)
    with pytest.raises(DomainError, match="没有待确认的处置意见"):
        disposition_return(lead=lead, reason="x", by=w.office)
