"""The world of the permission matrix: one inspection round, two teams, two inspected units, the
receivers of leads, and one user for each of the roles the matrix asks about.

Everything is made through the project's factories and services, as the application would make it:
team members join before the assignments (the services grant the team its assignments), a unit's
principal and liaison are granted their unit by `unit_save`, a department's staff the petitions handed
to it and the batches sent to it by `unit_set_staff`.

Roles (the matrix's columns):

- anon: not logged in
- office: 巡察办
- leader: 领导
- team_leader, deputy, member: 组长, 副组长 and 组员 of team A
- other: 组员 of team B, the other team of the same round
- unit, liaison: principal and liaison (联络员) of the unit team A inspects (A's unit)
- other_unit: principal of the unit team B inspects (B's unit)
- jiwei, zuzhibu: staff of 纪委监委 and 组织部 (the discipline commission receives a batch of team A's leads)
- department: staff of a functional department (职能部门) to which team A handed a petition (归口办理)
- sysadmin, secadmin, auditor: the three administrators (三员分立): accounts, privileged roles, the audit
  log; none of them sees rounds, leads, findings or reporter identities
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from clues.models import Channel, OutOfScope, ScopeStatus
from clues.services.findings import finding_add_evidence
from clues.services.intake import lead_record, lead_triage
from clues.services.transfers import batch_create, batch_send
from clues.tests.factories import CategoryFactory, FindingFactory, LeadFactory
from rectification.documents.feedback import KIND_FEEDBACK_DOCX, KIND_FEEDBACK_PDF, KIND_REPORT_PDF
from rectification.models import (
    Accountability,
    AccountabilityReason,
    CommitmentKind,
    ProgressLevel,
    Publication,
    ReportKind,
)
from rectification.services import plan as plan_services
from rectification.services import reports as report_services
from rectification.services.closing import accountability_add
from rectification.services.publicity import publication_publish, publication_save
from rectification.services.reports import KIND_VERSION_PDF
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.models import ArchiveImport, RoundKind, RoundStatus
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

ROLES = [
    "anon",
    "office",
    "leader",
    "team_leader",
    "deputy",
    "member",
    "other",
    "unit",
    "liaison",
    "other_unit",
    "jiwei",
    "zuzhibu",
    "department",
    "sysadmin",
    "secadmin",
    "auditor",
]

PDF = b"%PDF-1.4\n% minutes of the party group meeting\n"


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world():
    """Every role's user, and every object whose pk a URL of the matrix takes, by key."""
    term = TermFactory()
    round = RoundFactory(term=term, status=RoundStatus.PREPARING)
    team_a, team_b = TeamFactory(round=round, number=1), TeamFactory(round=round, number=2)
    users = {
        "office": UserFactory(roles=[Role.OFFICE]),
        "leader": UserFactory(roles=[Role.LEADER]),
        "team_leader": UserFactory(roles=[Role.TEAM]),
        "deputy": UserFactory(roles=[Role.TEAM]),
        "member": UserFactory(roles=[Role.TEAM]),
        "other": UserFactory(roles=[Role.TEAM]),
        "unit": UserFactory(roles=[Role.UNIT]),
        "liaison": UserFactory(roles=[Role.UNIT]),
        "other_unit": UserFactory(roles=[Role.UNIT]),
        "jiwei": UserFactory(roles=[Role.JIWEI]),
        "zuzhibu": UserFactory(roles=[Role.ZUZHIBU]),
        "department": UserFactory(roles=[Role.DEPARTMENT]),
        "sysadmin": UserFactory(roles=[Role.SYSADMIN]),
        "secadmin": UserFactory(roles=[Role.SECADMIN]),
        "auditor": UserFactory(roles=[Role.AUDITOR]),
    }
    # Team members join before the assignments, which grant the team its units.
    team_member = TeamMemberFactory(
        team=team_a, role=MemberRole.LEADER, cadre=CadreFactory(user=users["team_leader"])
    )
    TeamMemberFactory(team=team_a, role=MemberRole.DEPUTY, cadre=CadreFactory(user=users["deputy"]))
    TeamMemberFactory(team=team_a, role=MemberRole.MEMBER, cadre=CadreFactory(user=users["member"]))
    TeamMemberFactory(team=team_b, role=MemberRole.MEMBER, cadre=CadreFactory(user=users["other"]))
    unit_a = UnitFactory()
    unit_a.principal_user = users["unit"]
    unit_a.liaison_user = users["liaison"]
    unit_save(unit=unit_a)
    assignment_a = AssignmentFactory(team=team_a, unit=unit_a)
    assignment_b = AssignmentFactory(team=team_b)
    unit_b = assignment_b.unit
    unit_b.principal_user = users["other_unit"]
    unit_save(unit=unit_b)
    announcement_a = AnnouncementFactory(assignment=assignment_a)
    announcement_publish(announcement=announcement_a, by=users["office"])
    AnnouncementFactory(assignment=assignment_b)
    notify(recipients=[users["office"]], title="提醒", link="/")
    notification = users["office"].notifications.get()
    # The receivers: the discipline commission, the organization department, a functional department.
    jiwei_unit = UnitFactory(name="县纪委监委")
    unit_set_staff(unit=jiwei_unit, users=[users["jiwei"]])
    unit_set_staff(unit=UnitFactory(name="县委组织部"), users=[users["zuzhibu"]])
    department = UnitFactory(name="县信访局")
    unit_set_staff(unit=department, users=[users["department"]])
    # A lead and a finding of team A; a batch of another lead of team A sent to the discipline commission.
    lead = LeadFactory(assignment=assignment_a, reporter_named=True, reporter_name="举报人甲")
    finding = FindingFactory(assignment=assignment_a)
    [finding_evidence] = finding_add_evidence(
        finding=finding, files=[_pdf("谈话笔录.pdf")], by=users["team_leader"]
    )
    sent = LeadFactory(assignment=assignment_a, scope="in_scope", status="confirmed", disposition="to_jiwei")
    batch = batch_create(receiver=jiwei_unit, leads=[sent], by=users["office"])
    with TestCase.captureOnCommitCallbacks(execute=True):  # renders the letter and the list
        batch = batch_send(batch=batch, by=users["office"])
    # A petition out of the inspection's scope, with an attachment, handed by team A to the department.
    handed = lead_record(
        assignment=assignment_a,
        data={
            "channel": Channel.LETTER,
            "received_on": timezone.localdate(),
            "content": "反映本人征地补偿款未足额发放。",
        },
        attachments=[_pdf("补偿协议.pdf")],
        by=users["team_leader"],
    )
    handed = lead_triage(
        lead=handed,
        scope=ScopeStatus.OUT_OF_SCOPE,
        category=OutOfScope.LAND,
        handed_to=department,
        explanation="按归口管理原则转县信访局办理。",
        by=users["team_leader"],
    )
    objects = {
        "term": term,
        "round": round,
        "team_a": team_a,
        "team_b": team_b,
        "member": team_member,
        "cadre": team_member.cadre,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "assignment_a": assignment_a,
        "assignment_b": assignment_b,
        "announcement_a": announcement_a,
        "notification": notification,
        "lead": lead,
        "finding": finding,
        "finding_evidence": finding_evidence,
        "category": CategoryFactory(),
        "sent_lead": sent,
        "batch": batch,
        "item": batch.items.get(),
        "document": GeneratedDocument.objects.filter(object_id=batch.pk).first(),
        "handed_lead": handed,
        "attachment": handed.attachments.get(),
        # An account without a privileged role (A's principal): the office and the 系统管理员 run it.
        "account": users["unit"],
    }
    objects |= _rectification(users, assignment_a, team_member.cadre)
    # An uploaded workbook of past rounds (历史轮次录入), dry-run and waiting for the office's confirmation.
    objects["archive_import"] = ArchiveImport.objects.create(
        file=SimpleUploadedFile("past.xlsx", b"PK\x03\x04"), file_name="历史轮次.xlsx", sha256="0" * 64, size=4,
        uploaded_by=users["office"], token="t",
    )
    return users, objects


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
    team A's 组长 serves."""
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
    [evidence] = report_services.evidence_add(entry=version.entries.get(), files=[_pdf("会议纪要.pdf")], by=principal)
    report_services.version_submit(version=version, by=principal)
    version = report_services.version_sign(version=version, user=principal, password=PASSWORD)
    report_services.comment_add(version=version, author=users["jiwei"], body="请补充制度执行情况。")
    draft = report_services.version_start(report=second, by=principal)
    [draft_evidence] = report_services.evidence_add(
        entry=draft.entries.get(), files=[_pdf("草稿佐证.pdf")], by=principal
    )
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

    # A 社会公开 text is approved by an office user other than its drafter.
    drafter = UserFactory(roles=[Role.OFFICE], username="office_drafter")

    def publication(scope, title, publish=True):
        pub = publication_save(
            rect=rect, publication=Publication(scope=scope, title=title, text="已完成销号一条。"), by=drafter
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
