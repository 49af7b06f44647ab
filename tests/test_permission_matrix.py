"""Every URL as every role: who gets the page, who is sent to log in, who is refused, who gets 404.

A row says what each role gets for a GET (or a POST, for the write-only endpoints). Roles:
anon, office, leader, member (of team A), other (member of team B), unit (principal of A's unit),
jiwei, zuzhibu. Detail pages of what a role may not see answer 404, so existence does not leak.

A key names the object whose pk goes into the URL; a tuple of keys gives several arguments, and an item
that is not a key (a kind, a version number, a metric) goes in as it is. A dict is the query string, its
values keys or as they are.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clues.services.transfers import batch_create, batch_send
from clues.tests.factories import FindingFactory, LeadFactory
from dashboards.documents import thematic as docx_thematic
from dashboards.models import QualitySettings, TeamScore
from rectification.documents.feedback import KIND_FEEDBACK_DOCX, KIND_FEEDBACK_PDF, KIND_REPORT_PDF
from rectification.models import (
    Accountability,
    AccountabilityReason,
    CommitmentKind,
    MeasureStatus,
    ProgressLevel,
    Publication,
    PublicationStatus,
    RectStatus,
    ReportComment,
    ReportKind,
    VersionStatus,
)
from rectification.services import plan as plan_services
from rectification.services import reports as report_services
from rectification.services.closing import accountability_add
from rectification.services.publicity import publication_publish, publication_save
from rectification.services.reports import KIND_VERSION_PDF
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import RoundKind, RoundStatus
from rounds.services import unit_save, unit_set_staff
from rounds.services.assignments import announcement_publish
from rounds.tests.factories import (
    AnnouncementFactory,
    AssignmentFactory,
    RoundFactory,
    TermFactory,
    UnitFactory,
)
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import PASSWORD, UserFactory
from xuncha.core.models import DocumentStatus, GeneratedDocument
from xuncha.notifications.services import notify

ROLES = ["anon", "office", "leader", "member", "other", "unit", "jiwei", "zuzhibu"]
LOGIN = 302


def row(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES} | {"anon": overrides.get("anon", LOGIN)}


EVERYONE = row(200)
OFFICE_ONLY = row(403, office=200)
OFFICE_AND_LEADER = row(403, office=200, leader=200)
PUBLIC = row(200, anon=200)
# Team A's rectification: those who see it read it (team B does not learn it exists); a write is the
# office's (or the unit's), anyone else who sees it is refused.
READ = row(200, other=404)
RECT_OFFICE = row(403, office=200, other=404)
# The office's write-only endpoints: the office is sent back to the page (done, or refused with a message).
OFFICE_POST = row(403, office=302, other=404)
# The unit's writes: its principal may, but the plan is approved and the report signed, so he is sent back
# to the page with a message; the office, the leader, the team and the supervisors only read (403).
UNIT_WRITE = row(403, unit=302, other=404)
POST_ONLY = row(405)
# The dashboards (领导驾驶舱): the office and the leadership see every team's figures, a team member his teams'
# part, in the rounds his teams served in (both teams serve in the round); the unit and the supervisors none.
TEAM_FIGURES = row(403, office=200, leader=200, member=200, other=200)
# The 回头看 round: only team A's member serves in it.
LOOKBACK_FIGURES = row(403, office=200, leader=200, member=200)

# (url name, object key for its argument or None, method, expected per role)
MATRIX = [
    ("home", None, "get", EVERYONE),
    ("notifications:inbox", None, "get", EVERYONE),
    ("notifications:open", "notification", "get", row(404, office=302)),
    ("notifications:read_all", None, "post", row(302)),
    ("rounds:public_announcements", None, "get", PUBLIC),
    ("rounds:public_announcement_detail", "announcement_a", "get", PUBLIC),
    # The list answers everyone but holds only what access.units_for gives them (tested in rounds).
    ("rounds:unit_list", None, "get", EVERYONE),
    ("rounds:unit_create", None, "get", OFFICE_ONLY),
    ("rounds:unit_import", None, "get", OFFICE_ONLY),
    ("rounds:unit_import_template", None, "get", OFFICE_ONLY),
    ("rounds:unit_export", None, "get", OFFICE_AND_LEADER),
    ("rounds:unit_detail", "unit_a", "get", row(404, office=200, leader=200, member=200, unit=200)),
    ("rounds:unit_detail", "unit_b", "get", row(404, office=200, leader=200, other=200)),
    ("rounds:unit_edit", "unit_a", "get", OFFICE_ONLY),
    ("rounds:my_unit", None, "get", row(200, unit=302)),
    ("rounds:term_list", None, "get", OFFICE_ONLY),
    ("rounds:term_create", None, "get", OFFICE_ONLY),
    ("rounds:term_edit", "term", "get", OFFICE_ONLY),
    ("rounds:coverage", None, "get", OFFICE_AND_LEADER),
    ("rounds:term_coverage", "term", "get", OFFICE_AND_LEADER),
    ("rounds:coverage_export", "term", "get", OFFICE_AND_LEADER),
    ("rounds:round_list", None, "get", EVERYONE),
    ("rounds:round_create", None, "get", OFFICE_ONLY),
    ("rounds:round_detail", "round", "get", row(404, office=200, leader=200, member=200, other=200)),
    ("rounds:round_edit", "round", "get", OFFICE_ONLY),
    ("rounds:milestone_edit", "round", "get", OFFICE_ONLY),
    ("rounds:assignment_create", "round", "get", OFFICE_ONLY),
    ("rounds:assignment_list", None, "get", EVERYONE),
    ("rounds:assignment_detail", "assignment_a", "get", row(404, office=200, leader=200, member=200)),
    ("rounds:assignment_detail", "assignment_b", "get", row(404, office=200, leader=200, other=200)),
    ("rounds:assignment_edit", "assignment_a", "get", OFFICE_ONLY),
    ("rounds:announcement_edit", "assignment_a", "get", OFFICE_ONLY),
    ("teams:cadre_list", None, "get", OFFICE_AND_LEADER),
    ("teams:cadre_create", None, "get", OFFICE_ONLY),
    ("teams:cadre_detail", "cadre", "get", row(404, office=200, leader=200)),
    ("teams:cadre_edit", "cadre", "get", OFFICE_ONLY),
    ("teams:team_create", "round", "get", OFFICE_ONLY),
    ("teams:team_detail", "team_a", "get", row(404, office=200, leader=200, member=200)),
    ("teams:team_detail", "team_b", "get", row(404, office=200, leader=200, other=200)),
    ("teams:team_edit", "team_a", "get", OFFICE_ONLY),
    ("teams:team_member_edit", "member", "get", OFFICE_ONLY),
    # Leads: the office and the lead's team; nobody else learns that a lead exists (404).
    ("clues:lead_list", None, "get", row(404, office=200, member=200, other=200)),
    ("clues:lead_detail", "lead", "get", row(404, office=200, member=200)),
    ("clues:lead_edit", "lead", "get", row(404, office=200, member=200)),
    ("clues:lead_triage", "lead", "get", row(404, office=200, member=200)),
    ("clues:lead_create", "assignment_a", "get", row(404, office=200, leader=403, member=200)),
    ("clues:disposition_queue", None, "get", row(403, office=200, member=200, other=200)),
    ("clues:disposition_propose", "lead", "get", row(404, office=403, member=200)),
    ("clues:public_report", "announcement_a", "get", PUBLIC),
    ("clues:public_receipt", None, "get", PUBLIC),
    # Findings: the office, the leadership and the teams; for anyone else the ledger does not exist.
    ("clues:finding_list", None, "get", row(404, office=200, leader=200, member=200, other=200)),
    ("clues:finding_export", None, "get", row(404, office=200, leader=200, member=200, other=200)),
    ("clues:finding_detail", "finding", "get", row(404, office=200, leader=200, member=200)),
    ("clues:finding_docx", "finding", "get", row(404, office=200, leader=200, member=200)),
    ("clues:finding_create", "assignment_a", "get", row(404, office=200, leader=403, member=200)),
    ("clues:finding_edit", "finding", "get", row(404, office=200, leader=403, member=200)),
    ("clues:category_list", None, "get", OFFICE_ONLY),
    # Transfers: the office, and the receiver's staff for what was sent to it.
    ("clues:batch_list", None, "get", row(403, office=200, jiwei=200, zuzhibu=200)),
    ("clues:batch_create", None, "get", OFFICE_ONLY),
    ("clues:batch_detail", "batch", "get", row(404, office=200, jiwei=200)),
    ("core:document_download", "document", "get", row(404, office=200, jiwei=200)),
    ("clues:transfer_figures", None, "get", OFFICE_AND_LEADER),
    ("clues:handover_list", None, "get", row(404, office=200, jiwei=200, zuzhibu=200)),
    # Rectification (整改) of A's unit: fed back, plan approved (整改中). Feedback (反馈).
    ("rectification:rect_list", None, "get", EVERYONE),
    ("rectification:rect_detail", "rect", "get", READ),
    # A's rectification exists: the office is sent to it; B's assignment has none yet.
    ("rectification:rect_create", "assignment_a", "get", row(404, office=302, leader=403, member=403)),
    ("rectification:rect_create", "assignment_b", "get", row(404, office=200, leader=403, other=403)),
    ("rectification:feedback_edit", "rect", "get", RECT_OFFICE),
    ("rectification:problem_edit", ("rect", "problem"), "get", RECT_OFFICE),
    ("rectification:meeting_record", "rect", "get", RECT_OFFICE),
    ("rectification:problems_sync", "rect", "get", POST_ONLY),
    ("rectification:feedback_render", "rect", "get", POST_ONLY),
    # The plan (整改方案与台账) and the two commitments (双承诺), both signed.
    ("rectification:plan", "rect", "get", READ),
    ("rectification:plan_export", "rect", "get", READ),
    ("rectification:plan_import", "rect", "get", UNIT_WRITE),
    ("rectification:measure_add", ("rect", "problem"), "get", UNIT_WRITE),
    ("rectification:measure_edit", ("rect", "measure"), "get", UNIT_WRITE),
    ("rectification:commitment_edit", ("rect", CommitmentKind.PRINCIPAL.value), "get", UNIT_WRITE),
    ("rectification:commitment_edit", ("rect", CommitmentKind.LEADERSHIP.value), "get", UNIT_WRITE),
    ("rectification:commitment_sign", ("rect", CommitmentKind.PRINCIPAL.value), "get", POST_ONLY),
    ("rectification:plan_submit", "rect", "get", POST_ONLY),
    ("rectification:plan_approve", "rect", "get", POST_ONLY),
    ("rectification:measure_delete", ("rect", "measure"), "get", POST_ONLY),
    # Reports (双报告): the first half-monthly report signed, with evidence; the next one a draft, whose
    # evidence only the unit sees.
    ("rectification:report_list", "rect", "get", READ),
    ("rectification:report_detail", ("rect", "report"), "get", READ),
    ("rectification:version_edit", ("rect", "report"), "get", UNIT_WRITE),
    ("rectification:version_sign", ("rect", "report"), "get", POST_ONLY),
    ("rectification:comment_add", ("rect", "report", 1), "get", POST_ONLY),
    ("rectification:evidence_download", "evidence", "get", READ),
    ("rectification:evidence_download", "draft_evidence", "get", row(404, unit=200)),
    ("rectification:meeting_add", ("rect", "hearing"), "get", RECT_OFFICE),
    (
        "rectification:meeting_add",
        ("rect", "democratic_life"),
        "get",
        row(403, office=200, unit=200, other=404),
    ),
    ("rectification:meeting_add", ("rect", "party"), "get", row(404)),
    ("rectification:supervision", None, "get", row(403, office=200, jiwei=200, zuzhibu=200)),
    # The ledger (对账销号), closing, accountability (问责) and publicity (整改公开).
    ("rectification:ledger", "rect", "get", READ),
    ("rectification:measure_close", ("rect", "measure"), "get", POST_ONLY),
    ("rectification:rect_close", "rect", "get", RECT_OFFICE),
    ("rectification:accountability_add", "rect", "get", RECT_OFFICE),
    ("rectification:accountability_edit", ("rect", "accountability"), "get", RECT_OFFICE),
    ("rectification:publicity", "rect", "get", READ),
    ("rectification:publication_new", "rect", "get", RECT_OFFICE),
    ("rectification:publication_edit", ("rect", "draft_publication"), "get", RECT_OFFICE),
    # Only a draft is edited: the office is sent back from a published one.
    ("rectification:publication_edit", ("rect", "publication"), "get", row(403, office=302, other=404)),
    ("rectification:publication_publish", ("rect", "draft_publication"), "get", POST_ONLY),
    # 回头看: those who see the assignment (the office, the leadership, its team); A's is no lookback (a
    # message), the lookback round's shows A's earlier rectification to its team (team A's member serves).
    ("rectification:lookback", "assignment_a", "get", row(404, office=200, leader=200, member=200)),
    ("rectification:lookback", "assignment_lookback", "get", row(404, office=200, leader=200, member=200)),
    # 双公开: 党内公开 for every logged-in user, 社会公开 for anyone; a draft or a party-only text is not public.
    ("rectification:publications", None, "get", EVERYONE),
    ("rectification:public_rectifications", None, "get", PUBLIC),
    ("rectification:public_rectification", "publication", "get", PUBLIC),
    ("rectification:public_rectification", "party_publication", "get", row(404, anon=404)),
    ("rectification:public_rectification", "draft_publication", "get", row(404, anon=404)),
    # The documents: the 反馈意见 for whoever sees the rectification, the 巡察报告 never for the unit or the
    # supervisors, the signed report's PDF for whoever sees the rectification; one not yet rendered for nobody.
    ("core:document_download", "feedback_pdf", "get", READ),
    ("core:document_download", "report_pdf", "get", row(404, office=200, leader=200, member=200)),
    ("core:document_download", "version_pdf", "get", READ),
    ("core:document_download", "queued_docx", "get", row(404)),
    # The dashboards: the county's (the current term, or the one named) and a round's, its PDF, the
    # drill-down list behind a number (a team member may not filter on another team, and does not see the
    # units still to cover: a county-wide figure), the Excel exports.
    ("dashboards:county", None, "get", TEAM_FIGURES),
    ("dashboards:county", {"term": "term"}, "get", TEAM_FIGURES),
    ("dashboards:round", "round", "get", TEAM_FIGURES),
    ("dashboards:round", "lookback_round", "get", LOOKBACK_FIGURES),
    ("dashboards:round_pdf", "round", "get", TEAM_FIGURES),
    ("dashboards:round_pdf", "lookback_round", "get", LOOKBACK_FIGURES),
    ("dashboards:drilldown", ("findings", {"round": "round"}), "get", TEAM_FIGURES),
    (
        "dashboards:drilldown",
        ("problems", {"term": "term", "team": "team_a"}),
        "get",
        row(403, office=200, leader=200, member=200),
    ),
    ("dashboards:drilldown", ("measures_open", {"round": "lookback_round"}), "get", LOOKBACK_FIGURES),
    (
        "dashboards:drilldown",
        ("units_to_cover", {"term": "term"}),
        "get",
        row(403, office=200, leader=200, member=404, other=404),
    ),
    ("dashboards:drilldown", ("to_jiwei", {"term": "term", "export": "xlsx"}), "get", TEAM_FIGURES),
    ("dashboards:drilldown", ("persons", {"round": "round", "export": "xlsx"}), "get", TEAM_FIGURES),
    ("dashboards:export", None, "get", TEAM_FIGURES),
    ("dashboards:export", {"round": "lookback_round", "table": "by_team"}, "get", LOOKBACK_FIGURES),
    # 巡察质量考评 and 共性问题分析: the office and the leadership; not the teams (they are what is evaluated).
    ("dashboards:quality", None, "get", OFFICE_AND_LEADER),
    ("dashboards:quality", {"round": "round"}, "get", OFFICE_AND_LEADER),
    ("dashboards:quality_export", None, "get", OFFICE_AND_LEADER),
    ("dashboards:quality_settings", None, "get", OFFICE_ONLY),
    ("dashboards:team_scores", "team_a", "get", OFFICE_AND_LEADER),
    ("dashboards:common_problems", None, "get", OFFICE_AND_LEADER),
    ("dashboards:common_problems", {"round": "round"}, "get", OFFICE_AND_LEADER),
    ("dashboards:thematic_report", None, "get", POST_ONLY),
    # Last, the rectification's write-only endpoints (empty forms): refused by the state or the form, or
    # harmless (a PDF queued, the office's documents queued, the office closes the measure at the very end).
    ("rectification:problems_sync", "rect", "post", OFFICE_POST),
    ("rectification:plan_submit", "rect", "post", UNIT_WRITE),
    ("rectification:plan_approve", "rect", "post", OFFICE_POST),
    ("rectification:plan_return", "rect", "post", OFFICE_POST),
    ("rectification:measure_delete", ("rect", "measure"), "post", UNIT_WRITE),
    ("rectification:commitment_sign", ("rect", CommitmentKind.LEADERSHIP.value), "post", UNIT_WRITE),
    ("rectification:version_new", ("rect", "report"), "post", UNIT_WRITE),
    ("rectification:version_submit", ("rect", "report"), "post", UNIT_WRITE),
    ("rectification:version_sign", ("rect", "report"), "post", UNIT_WRITE),
    ("rectification:version_pdf", ("rect", "report", 1), "post", row(302, leader=403, member=403, other=404)),
    # An empty comment: the office and the supervisors get the page again with the error.
    (
        "rectification:comment_add",
        ("rect", "report", 1),
        "post",
        row(403, office=200, jiwei=200, zuzhibu=200, other=404),
    ),
    ("rectification:measure_return", ("rect", "measure"), "post", OFFICE_POST),
    ("rectification:measure_reopen", ("rect", "measure"), "post", OFFICE_POST),
    ("rectification:publication_publish", ("rect", "publication"), "post", OFFICE_POST),
    ("rectification:publication_withdraw", ("rect", "publication"), "post", OFFICE_POST),
    ("rectification:feedback_render", "rect", "post", OFFICE_POST),
    ("rectification:measure_close", ("rect", "measure"), "post", OFFICE_POST),
    # The dashboards' writes (empty forms): the office gets the settings form again with its errors, saves
    # an empty score sheet (nothing changes) and queues the term's 专题报告.
    ("dashboards:quality_settings", None, "post", OFFICE_ONLY),
    ("dashboards:team_scores", "team_a", "post", row(403, office=302)),
    ("dashboards:thematic_report", None, "post", row(403, office=302)),
]

# Writes: everyone but the office is refused and nothing changes (the office's writes are tested per app).
WRITES = [
    ("rounds:round_transition", "round", {"action": "mobilize"}),
    ("rounds:assignment_delete", "assignment_a", {}),
    ("rounds:announcement_publish", "assignment_a", {}),
    ("rounds:announcement_withdraw", "assignment_a", {}),
    ("teams:team_create", "round", {}),
    ("teams:team_delete", "team_a", {}),
    ("teams:team_member_add", "team_a", {}),
    ("teams:team_member_remove", "member", {}),
    ("rounds:unit_create", None, {}),
    ("rounds:round_create", None, {}),
    ("clues:disposition_confirm", "lead", {}),
    ("clues:batch_send", "batch", {}),
]


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    term = TermFactory()
    round = RoundFactory(term=term, status=RoundStatus.PREPARING)
    team_a, team_b = TeamFactory(round=round, number=1), TeamFactory(round=round, number=2)
    users = {
        "office": UserFactory(roles=[Role.OFFICE]),
        "leader": UserFactory(roles=[Role.LEADER]),
        "member": UserFactory(roles=[Role.TEAM]),
        "other": UserFactory(roles=[Role.TEAM]),
        "unit": UserFactory(roles=[Role.UNIT]),
        "jiwei": UserFactory(roles=[Role.JIWEI]),
        "zuzhibu": UserFactory(roles=[Role.ZUZHIBU]),
    }
    member = TeamMemberFactory(team=team_a, role=MemberRole.LEADER, cadre=CadreFactory(user=users["member"]))
    TeamMemberFactory(team=team_b, role=MemberRole.LEADER, cadre=CadreFactory(user=users["other"]))
    unit_a = UnitFactory()
    unit_a.principal_user = users["unit"]
    unit_save(unit=unit_a)
    assignment_a = AssignmentFactory(team=team_a, unit=unit_a)
    assignment_b = AssignmentFactory(team=team_b)
    announcement_a = AnnouncementFactory(assignment=assignment_a)
    announcement_publish(announcement=announcement_a, by=users["office"])
    AnnouncementFactory(assignment=assignment_b)
    notify(recipients=[users["office"]], title="提醒", link="/")
    # A lead and a finding of team A; a batch of another lead of team A sent to the discipline commission.
    jiwei_unit = UnitFactory(name="县纪委监委")
    unit_set_staff(unit=jiwei_unit, users=[users["jiwei"]])
    unit_set_staff(unit=UnitFactory(name="县委组织部"), users=[users["zuzhibu"]])
    lead = LeadFactory(assignment=assignment_a, reporter_named=True, reporter_name="举报人甲")
    finding = FindingFactory(assignment=assignment_a)
    sent = LeadFactory(assignment=assignment_a, scope="in_scope", status="confirmed", disposition="to_jiwei")
    batch = batch_create(receiver=jiwei_unit, leads=[sent], by=users["office"])
    with django_capture_on_commit_callbacks(execute=True):  # renders the letter and the list
        batch = batch_send(batch=batch, by=users["office"])
    objects = {
        "term": term,
        "round": round,
        "team_a": team_a,
        "team_b": team_b,
        "member": member,
        "cadre": member.cadre,
        "unit_a": unit_a,
        "unit_b": assignment_b.unit,
        "assignment_a": assignment_a,
        "assignment_b": assignment_b,
        "announcement_a": announcement_a,
        "notification": users["office"].notifications.get(),
        "lead": lead,
        "finding": finding,
        "batch": batch,
        "document": GeneratedDocument.objects.filter(object_id=batch.pk).first(),
    }
    objects |= _rectification(users, assignment_a, member.cadre)
    return users, objects


PDF = b"%PDF-1.4\n% minutes of the party group meeting\n"


def _document(subject, kind, *, fmt="pdf", rendered=True):
    """A document as the renderer leaves it (done, with its file), or still queued."""
    document = GeneratedDocument.objects.create(
        kind=kind,
        title=kind,
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        fmt=fmt,
        status=DocumentStatus.DONE if rendered else DocumentStatus.QUEUED,
    )
    if rendered:
        document.file.save(f"{kind}.{fmt}", ContentFile(PDF))
    return document


def _rectification(users, assignment, cadre) -> dict:
    """A's rectification, through the services: fed back 40 days ago; a problem and its measure; both
    commitments signed by the principal; the plan submitted and approved (整改中). The first half-monthly
    report submitted with evidence and signed, commented on by the discipline commission; the next one a
    draft with evidence. An accountability; publications: public and published, party-only and published,
    a draft. The feedback documents. A 回头看 round revisiting A's round, assigning A's unit to a team on which
    team A's member serves."""
    office, principal = users["office"], users["unit"]
    today = timezone.localdate()
    rect = RectificationFactory(
        assignment=assignment,
        meeting_date=today - timedelta(days=40),
        deadline=today + timedelta(days=60),
    )
    problem = ProblemFactory(rectification=rect, seq=1, title="会议记录不全")
    measure = MeasureFactory(problem=problem, seq=1)
    for kind, members in (
        (CommitmentKind.PRINCIPAL, ""),
        (CommitmentKind.LEADERSHIP, "班子成员甲、班子成员乙"),
    ):
        commitment = plan_services.commitment_save(
            rect=rect, kind=kind, text="坚决扛起整改主体责任。", members=members, by=principal
        )
        plan_services.commitment_sign(commitment=commitment, user=principal, password=PASSWORD)
    plan_services.plan_submit(rect=rect, by=principal)
    rect = plan_services.plan_approve(rect=rect, by=office)
    first, second = rect.reports.filter(kind=ReportKind.HALF_MONTHLY).order_by("due_date")[:2]
    version = report_services.version_start(report=first, by=principal)
    report_services.version_update(
        version=version,
        summary="本期召开党组会议两次。",
        principal_report="本人主持召开整改专题会议。",
        entries={measure.pk: (ProgressLevel.ONGOING, "已印发会议记录制度。")},
        by=principal,
    )
    upload = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
    [evidence] = report_services.evidence_add(entry=version.entries.get(), files=[upload], by=principal)
    report_services.version_submit(version=version, by=principal)
    version = report_services.version_sign(version=version, user=principal, password=PASSWORD)
    report_services.comment_add(version=version, author=users["jiwei"], body="请补充制度执行情况。")
    draft = report_services.version_start(report=second, by=principal)
    upload = SimpleUploadedFile("草稿佐证.pdf", PDF, content_type="application/pdf")
    [draft_evidence] = report_services.evidence_add(entry=draft.entries.get(), files=[upload], by=principal)
    accountability = accountability_add(
        rect=rect,
        accountability=Accountability(
            target=Accountability.Target.UNIT,
            target_name=rect.unit.name,
            reason=AccountabilityReason.INEFFECTIVE,
            facts="整改进度滞后。",
            action="通报批评",
            decided_on=today,
        ),
        by=office,
    )

    def publication(scope, title, publish=True):
        pub = publication_save(
            rect=rect, publication=Publication(scope=scope, title=title, text="已完成销号一条。"), by=office
        )
        return publication_publish(publication=pub, by=office) if publish else pub

    lookback_round = RoundFactory(
        term=assignment.round.term, kind=RoundKind.LOOKBACK, revisit_of=assignment.round
    )
    lookback_team = TeamFactory(round=lookback_round, number=1)
    TeamMemberFactory(team=lookback_team, role=MemberRole.LEADER, cadre=cadre)
    return {
        "rect": rect,
        "problem": problem,
        "measure": measure,
        "report": first,
        "evidence": evidence,
        "draft_evidence": draft_evidence,
        "accountability": accountability,
        "publication": publication("public", "整改进展情况的通报"),
        "party_publication": publication("party", "党内通报"),
        "draft_publication": publication("public", "待审核的通报", publish=False),
        "feedback_pdf": _document(rect, KIND_FEEDBACK_PDF),
        "report_pdf": _document(rect, KIND_REPORT_PDF),
        "version_pdf": _document(version, KIND_VERSION_PDF),
        "queued_docx": _document(rect, KIND_FEEDBACK_DOCX, fmt="docx", rendered=False),
        "assignment_lookback": AssignmentFactory(team=lookback_team, unit=assignment.unit),
        "lookback_round": lookback_round,
    }


def _url(name, key, objects, extra=None):
    keys = key if isinstance(key, tuple) else (key,) if key else ()

    def value(k):
        return objects[k].pk if k in objects else k

    args = [value(k) for k in keys if not isinstance(k, dict)]
    if extra:
        args += list(extra.values())
    query = {q: value(v) for k in keys if isinstance(k, dict) for q, v in k.items()}
    return reverse(name, args=args) + (f"?{urlencode(query)}" if query else "")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_matrix_says(world, client, role):
    users, objects = world
    if role != "anon":
        client.force_login(users[role])
    got, wanted = {}, {}
    for name, key, method, expected in MATRIX:
        url = _url(name, key, objects)
        response = getattr(client, method)(url)
        label = f"{method.upper()} {name} {key or ''}"
        got[label] = response.status_code
        wanted[label] = expected[role]
    mismatches = {k: (got[k], wanted[k]) for k in got if got[k] != wanted[k]}
    assert not mismatches, f"{role}: (got, wanted) {mismatches}"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "office"])
def test_nobody_but_the_office_can_write(world, client, role):
    users, objects = world
    if role != "anon":
        client.force_login(users[role])
    round, team_a = objects["round"], objects["team_a"]
    before = (round.status, team_a.members.count(), round.teams.count(), round.assignments.count())
    lead, finding = objects["lead"], objects["finding"]
    for name, key, extra in WRITES:
        response = client.post(_url(name, key, objects, extra), {"name": "新单位", "unit_type": "department"})
        assert response.status_code in (302, 403, 404), f"{role} {name}: {response.status_code}"
        if role == "anon":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code in (403, 404), f"{role} {name}: {response.status_code}"
    round.refresh_from_db()
    objects["announcement_a"].refresh_from_db()
    assert before == (round.status, team_a.members.count(), round.teams.count(), round.assignments.count())
    assert objects["announcement_a"].status == "published"
    lead.refresh_from_db()
    finding.refresh_from_db()
    assert (lead.status, lead.disposition, finding.status) == ("registered", "", "draft")
    assert not lead.reveals.exists()


def _rect_state(objects) -> dict:
    rect, report = objects["rect"], objects["report"]
    rect.refresh_from_db()
    return {
        "rect": rect.status,
        "measures": list(rect.measures.values_list("status", flat=True)),
        "signed_commitments": sorted(rect.commitments.exclude(signed_at=None).values_list("kind", flat=True)),
        "versions": list(report.versions.order_by("number").values_list("number", "status")),
        "comments": ReportComment.objects.filter(version__report=report).count(),
        "publications": dict(rect.publications.values_list("title", "status")),
        "documents": GeneratedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(rect), object_id=rect.pk
        ).count(),
        "accountabilities": rect.accountabilities.count(),
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_rectification_posts_of_the_matrix_change_only_what_the_office_may(world, client, role):
    users, objects = world
    if role != "anon":
        client.force_login(users[role])
    before = _rect_state(objects)
    assert before == {
        "rect": RectStatus.IN_PROGRESS,
        "measures": [MeasureStatus.OPEN],
        "signed_commitments": sorted(CommitmentKind.values),
        "versions": [(1, VersionStatus.SIGNED)],
        "comments": 1,
        "publications": {
            "整改进展情况的通报": PublicationStatus.PUBLISHED,
            "党内通报": PublicationStatus.PUBLISHED,
            "待审核的通报": PublicationStatus.DRAFT,
        },
        "documents": 3,
        "accountabilities": 1,
    }
    for name, key, method, _ in MATRIX:
        if method == "post" and name.startswith("rectification:"):
            client.post(_url(name, key, objects))
    if role == "office":  # the four feedback documents queued again, and the measure closed
        before |= {"documents": 3 + 4, "measures": [MeasureStatus.CLOSED]}
    assert _rect_state(objects) == before


def _dashboards_state() -> dict:
    return {
        "settings": QualitySettings.history.count(),
        "scores": TeamScore.history.count(),
        "reports": GeneratedDocument.objects.filter(kind=docx_thematic.KIND).count(),
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_dashboards_posts_of_the_matrix_change_only_what_the_office_may(world, client, role):
    users, objects = world
    if role != "anon":
        client.force_login(users[role])
    QualitySettings.current()
    before = _dashboards_state()
    for name, key, method, _ in MATRIX:
        if method == "post" and name.startswith("dashboards:"):
            client.post(_url(name, key, objects))
    if role == "office":  # the term's 专题报告 queued; the settings and the scores as they were
        before |= {"reports": before["reports"] + 1}
    assert _dashboards_state() == before


@pytest.mark.parametrize("role", ["office", "leader", "member", "unit", "jiwei", "zuzhibu"])
def test_the_overview_links_the_inspection_report_only_for_the_team_side(world, client, role):
    users, objects = world
    client.force_login(users[role])
    page = client.get(reverse("rectification:rect_detail", args=[objects["rect"].pk])).content.decode()
    assert reverse("core:document_download", args=[objects["feedback_pdf"].pk]) in page
    internal = reverse("core:document_download", args=[objects["report_pdf"].pk]) in page
    assert internal == (role in ("office", "leader", "member"))
