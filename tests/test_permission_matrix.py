"""Every URL as every role: who gets the page, who is sent to log in, who is refused, who gets 404.

A row says what each role gets for a GET (or a POST, for the write-only endpoints). Roles:
anon, office, leader, member (of team A), other (member of team B), unit (principal of A's unit),
jiwei, zuzhibu. Detail pages of what a role may not see answer 404, so existence does not leak.
"""

import pytest
from django.urls import reverse

from clues.services.transfers import batch_create, batch_send
from clues.tests.factories import FindingFactory, LeadFactory
from rounds.models import RoundStatus
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
from xuncha.accounts.tests.factories import UserFactory
from xuncha.core.models import GeneratedDocument
from xuncha.notifications.services import notify

ROLES = ["anon", "office", "leader", "member", "other", "unit", "jiwei", "zuzhibu"]
LOGIN = 302


def row(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES} | {"anon": overrides.get("anon", LOGIN)}


EVERYONE = row(200)
OFFICE_ONLY = row(403, office=200)
OFFICE_AND_LEADER = row(403, office=200, leader=200)
PUBLIC = row(200, anon=200)

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
    sent = LeadFactory(
        assignment=assignment_a, scope="in_scope", status="confirmed", disposition="to_jiwei"
    )
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
    return users, objects


def _url(name, key, objects, extra=None):
    args = [objects[key].pk] if key else []
    if extra:
        args += list(extra.values())
    return reverse(name, args=args)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_the_matrix_says(world, client, role):
    users, objects = world
    if role != "anon":
        client.force_login(users[role])
    got, wanted = {}, {}
    for name, key, method, expected in MATRIX:
        url = _url(name, key, objects)
        response = getattr(client, method)(url)
        got[f"{name} {key or ''}"] = response.status_code
        wanted[f"{name} {key or ''}"] = expected[role]
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
