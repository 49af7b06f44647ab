"""Issue 14 §1: every role starts from its to-do queues on the 工作台 — a count per queue that opens the
list it counts (the same query), oldest first, with the deadline colour; a bounded number of queries."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clues.models import FindingStatus, TransferBatch
from clues.services.transfers import batch_acknowledge
from clues.tests.factories import FindingFactory, LeadFactory
from clues.tests.test_transfers import confirmed_lead, in_scope_lead, make_team, make_world, sent_batch
from dashboards.selectors.workbench import todo_queues
from rectification.models import (
    Commitment,
    CommitmentKind,
    ProgressLevel,
    Publication,
    PublicationScope,
    Rectification,
    RectStatus,
    Report,
    ReportEntry,
    ReportEvidence,
    ReportVersion,
    VersionStatus,
)
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.tests.factories import RoundFactory, UnitFactory
from teams.models import Cadre, MemberRole
from teams.tests.factories import CadreFactory, TeamMemberFactory
from xuncha.access.grants import sync_unit
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db

d = datetime.date
TODAY = d(2026, 7, 12)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def _queues(user) -> dict:
    return {q.key: q for q in todo_queues(user)}


def _list_pks(client_for, user, url, key="page_obj") -> list[int]:
    response = client_for(user).get(url)
    assert response.status_code == 200, url
    return [row.pk for row in response.context[key].object_list]


def _unit(make_user, name, principal=None):
    unit = UnitFactory(name=name)
    unit.principal_user = principal or make_user(Role.UNIT)
    unit.liaison_user = make_user(Role.UNIT)
    unit.save()
    sync_unit(unit)
    return unit


def _rect(unit, **kwargs):
    kwargs.setdefault("status", RectStatus.IN_PROGRESS)
    return RectificationFactory(assignment__unit=unit, **kwargs)


# --- findings and leads ---------------------------------------------------------------------------


def test_the_office_counts_findings_waiting_for_it_and_the_ledger_shows_those(db, client_for):
    w = make_world()
    waiting = [FindingFactory(assignment=w.assignment, status=FindingStatus.LEADER_APPROVED) for _ in range(2)]
    FindingFactory(assignment=w.assignment, status=FindingStatus.DEPUTY_APPROVED)
    FindingFactory(assignment=w.assignment, status=FindingStatus.APPROVED)
    queue = _queues(w.office)["findings_office_review"]
    assert queue.count == 2 and queue.url == reverse("clues:finding_list") + "?queue=office_review"
    response = client_for(w.office).get(queue.url)
    assert sorted(f.pk for f in response.context["findings"]) == sorted(f.pk for f in waiting)
    assert response.context["totals"].total == 2


def test_a_leader_and_a_deputy_each_count_the_findings_at_their_step(db, make_user, client_for):
    w = make_world()
    # w.team has no 副组长: its findings skip that step (clues.services.findings), so the 组长 reviews
    # them once, after it; a submitted one is no one's to review at his step.
    FindingFactory(assignment=w.assignment, status=FindingStatus.SUBMITTED)
    alone_approved = FindingFactory(assignment=w.assignment, status=FindingStatus.DEPUTY_APPROVED)
    FindingFactory(assignment=w.assignment, status=FindingStatus.LEADER_APPROVED)
    # One he wrote himself is not his to review (no one approves his own work).
    FindingFactory(assignment=w.assignment, status=FindingStatus.DEPUTY_APPROVED, written_by=w.zuzhang)
    # His team of another round, with a 副组长: the submitted one is the deputy's.
    deputy = make_user(Role.TEAM)
    team = make_team(RoundFactory())
    TeamMemberFactory(team=team, role=MemberRole.LEADER, cadre=Cadre.objects.get(user=w.zuzhang))
    TeamMemberFactory(team=team, role=MemberRole.DEPUTY, cadre=CadreFactory(user=deputy))
    other = FindingFactory(assignment__team=team, assignment__round=team.round, status=FindingStatus.SUBMITTED)
    theirs = FindingFactory(
        assignment__team=team, assignment__round=team.round, status=FindingStatus.DEPUTY_APPROVED
    )

    mine = _queues(w.zuzhang)["findings_my_review"]
    assert mine.count == 2
    url = mine.url
    response = client_for(w.zuzhang).get(url)
    assert sorted(f.pk for f in response.context["findings"]) == sorted([alone_approved.pk, theirs.pk])
    assert _queues(deputy)["findings_my_review"].count == 1
    assert [f.pk for f in client_for(deputy).get(url).context["findings"]] == [other.pk]
    # A plain member reviews nothing and is offered no review queue.
    assert "findings_my_review" not in _queues(w.zuyuan)


def test_leads_waiting_for_triage_and_for_a_proposal_open_their_lists_oldest_first(db, client_for):
    w = make_world()
    newer = LeadFactory(assignment=w.assignment, received_on=d(2026, 7, 5))
    older = LeadFactory(assignment=w.assignment, received_on=d(2026, 7, 1))
    LeadFactory(assignment=w.other_assignment)  # another team's
    proposing = [in_scope_lead(w.assignment), in_scope_lead(w.assignment)]
    queues = _queues(w.zuzhang)
    assert queues["leads_to_triage"].count == 2 and queues["leads_to_triage"].oldest == d(2026, 7, 1)
    assert _list_pks(client_for, w.zuzhang, queues["leads_to_triage"].url) == [older.pk, newer.pk]
    assert queues["leads_to_propose"].count == 2
    assert sorted(_list_pks(client_for, w.zuzhang, queues["leads_to_propose"].url)) == sorted(
        lead.pk for lead in proposing
    )
    assert "leads_to_propose" not in _queues(w.zuyuan)


def test_the_office_counts_dispositions_to_confirm_and_leads_to_transfer(db, client_for):
    w = make_world()
    confirmed = [confirmed_lead(w), confirmed_lead(w)]
    queues = _queues(w.office)
    assert queues["leads_to_transfer"].count == 2
    response = client_for(w.office).get(queues["leads_to_transfer"].url)
    assert sorted(lead.pk for lead in response.context["leads"]) == sorted(lead.pk for lead in confirmed)
    assert queues["dispositions_pending"].count == 0


# --- transfers: the receiver's words --------------------------------------------------------------


def test_a_receiver_counts_batches_to_sign_for_and_reads_them_as_waiting_for_it(db, client_for):
    w = make_world()
    batch = sent_batch(w, [confirmed_lead(w)])
    queues = _queues(w.jiwei)
    assert queues["batches_to_acknowledge"].count == 1
    assert queues["batches_to_acknowledge"].label == "待签收的移交批次"
    response = client_for(w.jiwei).get(queues["batches_to_acknowledge"].url)
    assert [b.pk for b in response.context["page_obj"]] == [batch.pk]
    html = response.content.decode()
    assert "待签收" in html and "已移交" not in html
    detail = client_for(w.jiwei).get(reverse("clues:batch_detail", args=[batch.pk])).content.decode()
    assert "已移交" not in detail.split("</h1>")[0] and "待签收" in detail.split("</h1>")[0]
    # The office, which sent it, reads 已移交.
    office_html = client_for(w.office).get(reverse("clues:batch_list")).content.decode()
    assert "已移交" in office_html
    # 组织部 received nothing.
    assert _queues(w.zuzhibu)["batches_to_acknowledge"].count == 0

    batch_acknowledge(batch=batch, by=w.jiwei)
    queues = _queues(w.jiwei)
    assert queues["batches_to_acknowledge"].count == 0 and queues["batches_results_due"].count == 1
    TransferBatch.objects.filter(pk=batch.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    queues = _queues(w.jiwei)
    assert queues["batches_overdue"].count == 1 and queues["batches_overdue"].state == "overdue"
    assert queues["batches_results_due"].overdue == 1
    assert _queues(w.office)["transfers_overdue"].count == 1
    assert _list_pks(client_for, w.office, _queues(w.office)["transfers_overdue"].url) == [batch.pk]


# --- rectification --------------------------------------------------------------------------------


def test_the_principal_counts_reports_to_sign_and_commitments_the_liaison_reports_to_fill(make_user, client_for):
    unit = _unit(make_user, "县农业农村局")
    rect = _rect(unit)  # meeting 1 July: reports due 15 July, 31 July, …
    first = Report.objects.get(rectification=rect, due_date=d(2026, 7, 15))
    ReportVersion.objects.create(report=first, number=1, status=VersionStatus.SUBMITTED, submitted_at=timezone.now())
    Report.objects.filter(pk=first.pk).update(submitted_at=timezone.now())
    Commitment.objects.create(rectification=rect, kind=CommitmentKind.PRINCIPAL, text="我承诺……")
    other = _rect(_unit(make_user, "县教育局"))  # another unit's: never counted here
    ReportVersion.objects.create(
        report=other.reports.earliest("due_date"), number=1, status=VersionStatus.SUBMITTED
    )

    principal = _queues(unit.principal_user)
    assert set(principal) == {"reports_to_sign", "commitments_to_sign", "measures_due"}
    assert principal["reports_to_sign"].count == 1
    assert _list_pks(client_for, unit.principal_user, principal["reports_to_sign"].url) == [first.pk]
    assert principal["commitments_to_sign"].count == 1
    assert _list_pks(client_for, unit.principal_user, principal["commitments_to_sign"].url) == [rect.pk]

    liaison = _queues(unit.liaison_user)
    assert set(liaison) == {"reports_to_fill", "measures_due"}
    # Due 31 July is beyond the 7 days: nothing to fill yet; then the clock moves on.
    assert liaison["reports_to_fill"].count == 0
    Report.objects.filter(rectification=rect, due_date=d(2026, 7, 31)).update(due_date=d(2026, 7, 10))
    liaison = _queues(unit.liaison_user)
    assert liaison["reports_to_fill"].count == 1 and liaison["reports_to_fill"].state == "overdue"
    assert len(_list_pks(client_for, unit.liaison_user, liaison["reports_to_fill"].url)) == 1


def test_measures_due_within_seven_days_or_overdue_open_their_list_earliest_first(make_user, client_for):
    unit = _unit(make_user, "县农业农村局")
    rect = _rect(unit)
    problem = ProblemFactory(rectification=rect)
    soon = MeasureFactory(problem=problem, deadline=d(2026, 7, 19))
    late = MeasureFactory(problem=problem, deadline=d(2026, 7, 10))
    MeasureFactory(problem=problem, deadline=d(2026, 7, 20))  # 8 days ahead
    other = _rect(_unit(make_user, "县教育局"))
    MeasureFactory(problem=ProblemFactory(rectification=other), deadline=d(2026, 7, 11))

    queue = _queues(unit.liaison_user)["measures_due"]
    assert (queue.count, queue.overdue, queue.due_soon, queue.state) == (2, 1, 1, "overdue")
    response = client_for(unit.liaison_user).get(queue.url)
    assert [m.pk for m in response.context["page_obj"]] == [late.pk, soon.pk]
    assert [m.state for m in response.context["page_obj"]] == ["overdue", "due-soon"]
    # The workbench's own table below the queues shows the same rows.
    home = client_for(unit.liaison_user).get(reverse("home"))
    assert [m.pk for m in home.context["my_due_measures"]] == [late.pk, soon.pk]


def test_the_office_counts_plans_measures_to_close_publications_and_overdue_reports(
    office_user, make_user, client_for, tmp_path
):
    waiting = _rect(_unit(make_user, "县农业农村局"), status=RectStatus.PLAN_SUBMITTED)
    Rectification.objects.filter(pk=waiting.pk).update(plan_submitted_at=timezone.now())
    rect = _rect(_unit(make_user, "县林业局"), meeting_date=d(2026, 6, 1))  # 15 June … 30 June overdue
    problem = ProblemFactory(rectification=rect)
    done = MeasureFactory(problem=problem, deadline=d(2026, 7, 30))
    said_done_no_file = MeasureFactory(problem=problem, deadline=d(2026, 7, 30))
    report = rect.reports.earliest("due_date")
    version = ReportVersion.objects.create(report=report, number=1, status=VersionStatus.SUBMITTED)
    entry = ReportEntry.objects.create(version=version, measure=done, progress=ProgressLevel.DONE)
    ReportEntry.objects.create(version=version, measure=said_done_no_file, progress=ProgressLevel.DONE)
    ReportEvidence.objects.create(entry=entry, file=ContentFile(b"x", name="a.pdf"), name="a.pdf", size=1, sha256="0")
    Report.objects.filter(pk=report.pk).update(submitted_at=timezone.now())
    Publication.objects.create(rectification=rect, scope=PublicationScope.PARTY, title="整改情况", text="……")

    queues = _queues(office_user)
    assert queues["plans_to_review"].count == 1
    assert _list_pks(client_for, office_user, queues["plans_to_review"].url) == [waiting.pk]
    assert queues["measures_to_close"].count == 1
    assert _list_pks(client_for, office_user, queues["measures_to_close"].url) == [done.pk]
    assert queues["publications_to_approve"].count == 1
    assert _list_pks(client_for, office_user, queues["publications_to_approve"].url) == [rect.pk]
    overdue = queues["reports_overdue"]
    assert overdue.count == 1 and overdue.state == "overdue"  # 30 June; 15 June was submitted
    assert _list_pks(client_for, office_user, overdue.url) == [rect.reports.get(due_date=d(2026, 6, 30)).pk]
    # The cards below the queues agree with them.
    board = client_for(office_user).get(reverse("home")).context["rect_office"]
    assert board["plans_count"] == 1 and board["overdue_count"] == overdue.count


def test_a_list_opened_by_another_user_shows_only_his_own_queue(make_user, client_for):
    unit = _unit(make_user, "县农业农村局")
    rect = _rect(unit)
    MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 13))
    stranger = _unit(make_user, "县教育局").liaison_user
    url = reverse("rectification:measure_queue") + "?queue=due_soon"
    assert _list_pks(client_for, stranger, url) == []
    assert _queues(stranger)["measures_due"].count == 0


# --- bounded ---------------------------------------------------------------------------------------


def _queries(client_for, user) -> int:
    client = client_for(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return len(ctx.captured_queries)


def test_every_roles_workbench_takes_the_same_queries_however_many_rows_wait(db, client_for, make_user):
    w = make_world()
    unit = _unit(make_user, "县农业农村局", principal=w.unit_user)
    liaison = unit.liaison_user
    roles = [w.office, w.zuzhang, w.zuyuan, w.unit_user, liaison, w.jiwei, w.zuzhibu]

    def add_rows():
        FindingFactory(assignment=w.assignment, status=FindingStatus.LEADER_APPROVED)
        FindingFactory(assignment=w.assignment, status=FindingStatus.SUBMITTED)
        LeadFactory(assignment=w.assignment)
        in_scope_lead(w.assignment)
        sent_batch(w, [confirmed_lead(w)])
        rect = _rect(unit)
        MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 13))
        ReportVersion.objects.create(
            report=rect.reports.earliest("due_date"), number=1, status=VersionStatus.SUBMITTED
        )

    add_rows()
    few = {user.username: _queries(client_for, user) for user in roles}
    for _ in range(3):
        add_rows()
    many = {user.username: _queries(client_for, user) for user in roles}
    assert many == few
    assert _queues(w.jiwei)["batches_to_acknowledge"].count == 4
    assert _queues(w.unit_user)["reports_to_sign"].count == 4
