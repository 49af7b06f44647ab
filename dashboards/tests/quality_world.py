"""A small world for the quality evaluation tests, built with the apps' factories, with known indicators.

Team A (2 units):
- findings: 5 (3 approved; 2 returned at least once, one of them twice) → 1.50 per unit, 40.0% sent back;
- leads: 4, 3 in a sent batch (one 立案, one 谈话函询), 1 in a batch not yet sent → 75.0% transferred,
  33.3% of them 立案;
- measures: unit 1: closed, long-term (open), open, returned; unit 2: closed → 3/5 = 60.0% done.
Team B (no unit, nothing): every indicator None.
Team C of another round: 1 approved finding, must not show in A's round.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from clues.models import FindingReview, FindingStatus, HandlingResult, TransferBatch, TransferItem
from clues.tests.factories import FindingFactory, LeadFactory
from rectification.models import MeasureKind, MeasureStatus
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import Round, RoundStatus, UnitType
from rounds.tests.factories import AssignmentFactory, RoundFactory, UnitFactory
from teams.tests.factories import TeamFactory

_serial = iter(range(1, 10_000))


def review(finding, action, frm=FindingStatus.SUBMITTED, to=FindingStatus.RETURNED):
    return FindingReview.objects.create(finding=finding, action=action, from_status=frm, to_status=to)


def batch(round, *, sent: bool):
    receiver = UnitFactory(unit_type=UnitType.DEPARTMENT)
    return TransferBatch.objects.create(
        receiver=receiver,
        round=round,
        year=2026,
        serial=next(_serial),
        status="sent" if sent else "draft",
        sent_at=timezone.now() if sent else None,
    )


def set_status(round, status):
    Round.objects.filter(pk=round.pk).update(status=status)
    round.status = status


@dataclass
class World:
    round: object
    team_a: object
    team_b: object
    team_c: object
    units_a: list
    other_round: object


def build_world() -> World:
    other = RoundFactory(planned_start=datetime.date(2025, 3, 1), planned_end=datetime.date(2025, 6, 30))
    round = RoundFactory()  # numbered after `other`: the newer round
    team_a = TeamFactory(round=round, number=1)
    team_b = TeamFactory(round=round, number=2)
    a1 = AssignmentFactory(team=team_a)
    a2 = AssignmentFactory(team=team_a)

    # Findings.
    f1 = FindingFactory(assignment=a1, status=FindingStatus.APPROVED)
    FindingFactory(assignment=a1, status=FindingStatus.APPROVED)
    FindingFactory(assignment=a2, status=FindingStatus.APPROVED)
    f4 = FindingFactory(assignment=a2, status=FindingStatus.RETURNED)
    f5 = FindingFactory(assignment=a2, status=FindingStatus.SUBMITTED)
    review(f1, FindingReview.Action.RETURN)
    review(f1, FindingReview.Action.RETURN)
    review(f1, FindingReview.Action.APPROVE, FindingStatus.LEADER_APPROVED, FindingStatus.APPROVED)
    review(f4, FindingReview.Action.RETURN)
    review(f5, FindingReview.Action.SUBMIT, FindingStatus.DRAFT, FindingStatus.SUBMITTED)

    # Leads and their transfer.
    sent, draft = batch(round, sent=True), batch(round, sent=False)
    leads = [LeadFactory(assignment=a1) for _ in range(4)]
    TransferItem.objects.create(batch=sent, lead=leads[0], result=HandlingResult.CASE)
    TransferItem.objects.create(batch=sent, lead=leads[1], result=HandlingResult.TALK)
    TransferItem.objects.create(batch=sent, lead=leads[2])
    TransferItem.objects.create(batch=draft, lead=leads[3], result=HandlingResult.CASE)

    # Rectification of the two units.
    r1 = RectificationFactory(assignment=a1)
    p1 = ProblemFactory(rectification=r1)
    MeasureFactory(problem=p1, status=MeasureStatus.CLOSED)
    MeasureFactory(problem=p1, kind=MeasureKind.LONG_TERM)
    MeasureFactory(problem=p1)
    MeasureFactory(problem=p1, status=MeasureStatus.RETURNED)
    r2 = RectificationFactory(assignment=a2)
    MeasureFactory(problem=ProblemFactory(rectification=r2), status=MeasureStatus.CLOSED)
    round.refresh_from_db()

    # Another round's team.
    team_c = TeamFactory(round=other, number=1)
    c1 = AssignmentFactory(team=team_c)
    FindingFactory(assignment=c1, status=FindingStatus.APPROVED)
    set_status(other, RoundStatus.DONE)
    return World(round, team_a, team_b, team_c, [a1.unit, a2.unit], other)


def add_team(round, number: int):
    """A team with a unit, a finding, a transferred lead and a measure: rows in every indicator's table."""
    status = round.status
    set_status(round, RoundStatus.PREPARING)
    team = TeamFactory(round=round, number=number)
    assignment = AssignmentFactory(team=team)
    set_status(round, status)
    finding = FindingFactory(assignment=assignment, status=FindingStatus.APPROVED)
    review(finding, FindingReview.Action.RETURN)
    lead = LeadFactory(assignment=assignment)
    TransferItem.objects.create(batch=batch(round, sent=True), lead=lead, result=HandlingResult.CASE)
    rect = RectificationFactory(assignment=assignment, round_status=status)
    MeasureFactory(problem=ProblemFactory(rectification=rect), status=MeasureStatus.CLOSED)
    return team
