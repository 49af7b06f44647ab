import datetime

import pytest

from clues.services.findings import finding_create
from clues.services.intake import lead_record
from clues.tests.factories import CategoryFactory
from rounds.models import Round, RoundStatus
from rounds.tests.factories import AssignmentFactory
from xuncha.accounts.roles import Role
from xuncha.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_assignment():
    assignment = AssignmentFactory()
    Round.objects.filter(pk=assignment.round_id).update(status=RoundStatus.DONE)
    assignment.round.refresh_from_db()
    return assignment


def test_no_lead_is_recorded_in_a_completed_round(done_assignment, make_user):
    office = make_user(Role.OFFICE)
    data = {"channel": "letter", "received_on": datetime.date(2026, 10, 1), "content": "反映问题", "summary": "反映问题"}
    with pytest.raises(DomainError, match="已完成，不能再登记问题线索"):
        lead_record(assignment=done_assignment, data=data, by=office)
    assert not done_assignment.leads.exists()


def test_no_finding_is_written_in_a_completed_round(done_assignment, make_user):
    office = make_user(Role.OFFICE)
    data = {"category": CategoryFactory(), "title": "问题", "manifestation": "表现", "basis": "依据"}
    with pytest.raises(DomainError, match="已完成，不能再撰写问题底稿"):
        finding_create(assignment=done_assignment, data=data, by=office)
    assert not done_assignment.findings.exists()
