"""Every URL as every role: who gets the page, who is sent to log in, who is refused, who gets 404.

The matrix is checked against the URL resolver: every named URL of the project (but Django's admin) must
have a row, and every row must name a URL that exists, so a new page cannot ship without saying who may
open it. A row says what each role gets for a GET (or a POST, for the write-only endpoints). The roles
and the world they live in are described in `tests/permission_world.py`. Detail pages of what a role may
not see answer 404, so existence does not leak: a lead is the office's, its team's, and the receiver's it
was transferred or handed to; an inspected unit never sees a lead or a finding; a unit's users see their
own unit and, once fed back, its rectification; another unit sees nothing of A.

A key names the object whose pk goes into the URL; a tuple of keys gives several arguments, and an item
that is not a key (a kind, a version number, a metric) goes in as it is. A dict is the query string, its
values keys or as they are.

One world per module (made once, in a transaction rolled back at the end); each test runs in a savepoint
of it, and each request of the matrix in a savepoint of its own, so one row's write never changes another
row's answer.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dashboards.documents import thematic as docx_thematic
from dashboards.models import QualitySettings, TeamScore
from rectification.models import (
    CommitmentKind,
    MeasureStatus,
    PublicationStatus,
    RectStatus,
    ReportComment,
    VersionStatus,
)
from tests.permission_world import ROLES, build_world
from xuncha.celery import app as celery_app
from xuncha.core.models import GeneratedDocument

LOGIN = 302
# Team A's three members, and A's unit's two users.
TEAM_A = ("team_leader", "deputy", "member")
UNIT_A = ("unit", "liaison")


def row(default, *, team=None, unit_users=None, **overrides):
    """What each role gets. `team` is the answer for team A's three members, `unit_users` for A's unit's
    principal and liaison, unless a role is named itself; anon is sent to log in unless named."""
    groups = {}
    if team is not None:
        groups |= dict.fromkeys(TEAM_A, team)
    if unit_users is not None:
        groups |= dict.fromkeys(UNIT_A, unit_users)
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    answers = {role: overrides.get(role, groups.get(role, default)) for role in ROLES}
    return answers | {"anon": overrides.get("anon", LOGIN)}


# Who sees nothing of A's rectification (team B, B's unit, a department with nothing to do with it, and
# the three administrators, who see no business data): 404.
NOT_A = {"other": 404, "other_unit": 404, "department": 404, "sysadmin": 404, "secadmin": 404, "auditor": 404}

EVERYONE = row(200)
OFFICE_ONLY = row(403, office=200)
OFFICE_AND_LEADER = row(403, office=200, leader=200)
PUBLIC = row(200, anon=200)
# Team A's rectification: those who see it read it (team B, B's unit and the department do not learn it
# exists); a write is the office's (or the unit's), anyone else who sees it is refused.
READ = row(200, **NOT_A)
RECT_OFFICE = row(403, office=200, **NOT_A)
# The office's write-only endpoints: the office is sent back to the page (done, or refused with a message).
OFFICE_POST = row(403, office=302, **NOT_A)
# The unit's writes: its principal and liaison may, but the plan is approved and the report signed, so they
# are sent back to the page with a message; the office, the leader, the team and the supervisors only read
# (403). Signing is the principal's alone.
UNIT_WRITE = row(403, unit_users=302, **NOT_A)
UNIT_SIGN = row(403, unit=302, **NOT_A)
POST_ONLY = row(405)
ACCOUNT_READERS = row(403, office=200, sysadmin=200, secadmin=200, auditor=200)
ACCOUNT_MANAGERS = row(403, office=200, sysadmin=200)
# The dashboards (领导驾驶舱): the office and the leadership see every team's figures, a team member his teams'
# part, in the rounds his teams served in (both teams serve in the round); the units, the supervisors and
# the departments none.
TEAM_FIGURES = row(403, office=200, leader=200, team=200, other=200)
# The 回头看 round: only team A's 组长 serves in it. Team A's 副组长 and 组员 and team B's member do not see
# that round: 404, as for a round that does not exist, so that the answer does not tell it exists.
LOOKBACK_FIGURES = row(403, office=200, leader=200, team_leader=200, deputy=404, member=404, other=404)

# (url name, object key for its argument or None, method, expected per role)
MATRIX = [
    ("home", None, "get", EVERYONE),
    # Django's login page answers everyone; logging out is a POST (the last row of the matrix).
    ("login", None, "get", PUBLIC),
    ("logout", None, "get", row(405, anon=405)),
    ("notifications:inbox", None, "get", EVERYONE),
    ("notifications:open", "notification", "get", row(404, office=302)),
    ("notifications:read_all", None, "post", row(302)),
    # Login security: every user's own password and sessions; no session 987654321 is anyone's (404).
    ("security:password_change", None, "get", EVERYONE),
    ("security:sessions", None, "get", EVERYONE),
    ("security:session_end", 987654321, "post", row(404)),
    ("security:audit_log", None, "get", row(403, auditor=200)),  # the 安全审计员 alone
    ("security:audit_export", None, "get", row(403, auditor=200)),  # the 安全审计员 alone
    ("rounds:public_announcements", None, "get", PUBLIC),
    ("rounds:public_announcement_detail", "announcement_a", "get", PUBLIC),
    # The list answers everyone but holds only what access.units_for gives them (tested in rounds).
    ("rounds:unit_list", None, "get", EVERYONE),
    ("rounds:unit_create", None, "get", OFFICE_ONLY),
    ("rounds:unit_import", None, "get", OFFICE_ONLY),
    ("rounds:unit_import_template", None, "get", OFFICE_ONLY),
    ("rounds:unit_export", None, "get", OFFICE_AND_LEADER),
    ("rounds:unit_detail", "unit_a", "get", row(404, office=200, leader=200, team=200, unit_users=200)),
    ("rounds:unit_detail", "unit_b", "get", row(404, office=200, leader=200, other=200, other_unit=200)),
    ("rounds:unit_edit", "unit_a", "get", OFFICE_ONLY),
    # A unit's users are sent to their unit (they have one); anyone else gets the page listing none.
    ("rounds:my_unit", None, "get", row(200, unit_users=302, other_unit=302)),
    # 人员账号 (三员分立): the office and the 系统管理员 open and run accounts (the office those without a
    # privileged role, such as A's principal); the 安全保密管理员 only grants privileged roles; the 安全审计员
    # reads. Writes with nothing to do send back to the page with a message (302).
    ("people:account_list", None, "get", ACCOUNT_READERS),
    ("people:account_create", None, "get", ACCOUNT_MANAGERS),
    ("people:account_created", None, "get", ACCOUNT_MANAGERS),
    ("people:notice_download", None, "post", row(403, office=302, sysadmin=302)),
    ("people:account_import", None, "get", ACCOUNT_MANAGERS),
    ("people:account_import_template", None, "get", ACCOUNT_MANAGERS),
    ("people:account_detail", "account", "get", ACCOUNT_READERS),
    ("people:account_edit", "account", "get", ACCOUNT_MANAGERS),
    ("people:account_disable", "account", "get", ACCOUNT_MANAGERS),
    ("people:account_enable", "account", "post", row(403, office=302, sysadmin=302)),
    ("people:account_reset_password", "account", "get", ACCOUNT_MANAGERS),
    ("people:account_unlock", "account", "post", row(403, office=302, sysadmin=302)),
    ("people:role_add", "account", "post", row(403, office=302, sysadmin=302, secadmin=302)),
    ("people:role_remove", "account", "post", row(403, office=302, sysadmin=302, secadmin=302)),
    ("people:role_transfer", "account", "get", row(403, office=302, sysadmin=302, secadmin=302)),
    ("rounds:term_list", None, "get", OFFICE_ONLY),
    ("rounds:term_create", None, "get", OFFICE_ONLY),
    ("rounds:term_edit", "term", "get", OFFICE_ONLY),
    ("rounds:coverage", None, "get", OFFICE_AND_LEADER),
    # 历史轮次录入: the office imports; the leadership reads the records, the files and the exports.
    ("archive:import", None, "get", OFFICE_AND_LEADER),
    ("archive:template", None, "get", OFFICE_AND_LEADER),
    ("archive:detail", "archive_import", "get", OFFICE_AND_LEADER),
    ("archive:confirm", "archive_import", "post", row(403, office=302)),
    ("archive:file", "archive_import", "get", OFFICE_AND_LEADER),
    ("archive:round_export", "round", "get", row(404, office=200, leader=200, team=403, other=403)),
    ("rounds:term_coverage", "term", "get", OFFICE_AND_LEADER),
    ("rounds:coverage_export", "term", "get", OFFICE_AND_LEADER),
    ("rounds:round_list", None, "get", EVERYONE),
    ("rounds:round_create", None, "get", OFFICE_ONLY),
    ("rounds:round_detail", "round", "get", row(404, office=200, leader=200, team=200, other=200)),
    ("rounds:round_edit", "round", "get", OFFICE_ONLY),
    ("rounds:milestone_edit", "round", "get", OFFICE_ONLY),
    ("rounds:assignment_create", "round", "get", OFFICE_ONLY),
    ("rounds:assignment_list", None, "get", EVERYONE),
    ("rounds:assignment_detail", "assignment_a", "get", row(404, office=200, leader=200, team=200)),
    ("rounds:assignment_detail", "assignment_b", "get", row(404, office=200, leader=200, other=200)),
    ("rounds:assignment_edit", "assignment_a", "get", OFFICE_ONLY),
    ("rounds:announcement_edit", "assignment_a", "get", OFFICE_ONLY),
    ("teams:cadre_list", None, "get", OFFICE_AND_LEADER),
    ("teams:cadre_create", None, "get", OFFICE_ONLY),
    ("teams:cadre_import", None, "get", OFFICE_ONLY),
    ("teams:cadre_import_template", None, "get", OFFICE_ONLY),
    ("teams:cadre_detail", "cadre", "get", row(404, office=200, leader=200)),
    ("teams:cadre_edit", "cadre", "get", OFFICE_ONLY),
    ("teams:team_create", "round", "get", OFFICE_ONLY),
    ("teams:team_detail", "team_a", "get", row(404, office=200, leader=200, team=200)),
    ("teams:team_detail", "team_b", "get", row(404, office=200, leader=200, other=200)),
    ("teams:team_edit", "team_a", "get", OFFICE_ONLY),
    ("teams:team_member_edit", "member", "get", OFFICE_ONLY),
    # The health check needs no login; without a worker and beat heartbeat in this world it is failing (503),
    # the same answer for everyone.
    ("healthz", None, "get", row(503, anon=503)),
    # Leads: the office and the lead's team; nobody else learns that a lead exists (404). Any member of the
    # team records, corrects and triages; only the 组长 proposes a disposition or sees who reported it.
    ("clues:lead_list", None, "get", row(404, office=200, team=200, other=200)),
    ("clues:lead_detail", "lead", "get", row(404, office=200, team=200)),
    ("clues:lead_edit", "lead", "get", row(404, office=200, team=200)),
    ("clues:lead_triage", "lead", "get", row(404, office=200, team=200)),
    ("clues:lead_create", "assignment_a", "get", row(404, office=200, leader=403, team=200)),
    # An empty reason: whoever sees the lead is sent back to it with a message, before any identity is shown.
    ("clues:lead_reveal", "lead", "post", row(404, office=302, team=302)),
    # Not a public report: 404 for whoever may reply; the deputy and the members may not (403).
    ("clues:lead_public_outcome", "lead", "post", row(404, deputy=403, member=403)),
    ("clues:lead_reveal", "lead", "get", POST_ONLY),
    # The reporter's identity is corrected by those who may reveal it: the office and the 组长.
    ("clues:lead_identity", "lead", "get", row(404, office=200, team_leader=200, deputy=403, member=403)),
    # The reply to an online reporter is the office's and the 组长's: the 副组长 and the 组员 are refused; this
    # lead came by letter, so there is no reply to give (404) even for them.
    ("clues:lead_reply", "lead", "get", row(404, deputy=403, member=403)),
    ("clues:lead_public_outcome", "lead", "get", POST_ONLY),
    ("clues:disposition_queue", None, "get", row(403, office=200, team=200, other=200)),
    ("clues:disposition_propose", "lead", "get", row(404, office=403, team_leader=200, deputy=403, member=403)),
    ("clues:disposition_confirm", "lead", "get", row(403, office=200)),
    ("clues:public_report", "announcement_a", "get", PUBLIC),
    ("clues:public_receipt", None, "get", PUBLIC),
    # A petition out of scope, handed by team A to the department (归口办理): the office and team A see the lead,
    # the department its handover page (sent there from the lead), with the attachment; nobody else.
    ("clues:lead_detail", "handed_lead", "get", row(404, office=200, team=200, department=302)),
    ("clues:handover_detail", "handed_lead", "get", row(404, office=200, department=200)),
    ("clues:lead_attachment", "attachment", "get", row(404, office=200, team=200, department=200)),
    # Findings: the office, the leadership and the teams; for anyone else the ledger does not exist.
    ("clues:finding_list", None, "get", row(404, office=200, leader=200, team=200, other=200)),
    ("clues:finding_export", None, "get", row(404, office=200, leader=200, team=200, other=200)),
    ("clues:finding_detail", "finding", "get", row(404, office=200, leader=200, team=200)),
    ("clues:finding_docx", "finding", "get", row(404, office=200, leader=200, team=200)),
    ("clues:finding_evidence", "finding_evidence", "get", row(404, office=200, leader=200, team=200)),
    ("clues:finding_create", "assignment_a", "get", row(404, office=200, leader=403, team=200)),
    ("clues:finding_edit", "finding", "get", row(404, office=200, leader=403, team=200)),
    ("clues:finding_review", ("finding", "submit"), "get", POST_ONLY),
    ("clues:finding_bulk_review", None, "get", POST_ONLY),
    ("rounds:town_assign", "round", "get", OFFICE_ONLY),
    ("rounds:announcement_bulk", "round", "get", OFFICE_ONLY),
    ("rectification:measure_bulk_close", "rect", "get", POST_ONLY),
    ("rectification:rect_bulk_remind", None, "get", POST_ONLY),
    ("clues:category_list", None, "get", OFFICE_ONLY),
    ("clues:category_create", None, "get", OFFICE_ONLY),
    ("clues:category_edit", "category", "get", OFFICE_ONLY),
    # Transfers: the office, and the receiver's staff for what was sent to it.
    ("clues:batch_list", None, "get", row(403, office=200, jiwei=200, zuzhibu=200, department=200)),
    ("clues:batch_create", None, "get", OFFICE_ONLY),
    ("clues:batch_detail", "batch", "get", row(404, office=200, jiwei=200)),
    # A lead sent in the batch: its team's, and the receiver's (纪委监委), not another receiver's.
    ("clues:lead_detail", "sent_lead", "get", row(404, office=200, team=200, jiwei=200)),
    ("clues:item_result", "item", "get", row(404, office=403, jiwei=200)),
    ("core:document_download", "document", "get", row(404, office=200, jiwei=200)),
    ("core:document_status", "document", "get", row(404, office=200, jiwei=200)),
    ("core:document_retry", "document", "get", POST_ONLY),
    ("clues:transfer_figures", None, "get", OFFICE_AND_LEADER),
    ("clues:handover_list", None, "get", row(404, office=200, jiwei=200, zuzhibu=200, department=200)),
    # Rectification (整改) of A's unit: fed back, plan approved (整改中). Feedback (反馈).
    ("rectification:rect_list", None, "get", EVERYONE),
    ("rectification:rect_detail", "rect", "get", READ),
    # A's rectification exists: the office is sent to it; B's assignment has none yet.
    ("rectification:rect_create", "assignment_a", "get", row(404, office=302, leader=403, team=403)),
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
    # The workbench's to-do lists across rectifications: everyone, each seeing only his visible rows.
    ("rectification:measure_queue", None, "get", EVERYONE),
    ("rectification:report_queue", None, "get", EVERYONE),
    ("rectification:report_list", "rect", "get", READ),
    ("rectification:report_detail", ("rect", "report"), "get", READ),
    ("rectification:version_edit", ("rect", "report"), "get", UNIT_WRITE),
    ("rectification:version_sign", ("rect", "report"), "get", POST_ONLY),
    ("rectification:report_waive", ("rect", "report"), "get", POST_ONLY),
    ("rectification:comment_add", ("rect", "report", 1), "get", POST_ONLY),
    ("rectification:evidence_download", "evidence", "get", READ),
    ("rectification:evidence_download", "draft_evidence", "get", row(404, unit_users=200)),
    ("rectification:meeting_add", ("rect", "hearing"), "get", RECT_OFFICE),
    (
        "rectification:meeting_add",
        ("rect", "democratic_life"),
        "get",
        row(403, office=200, unit_users=200, **NOT_A),
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
    ("rectification:publication_edit", ("rect", "publication"), "get", row(403, office=302, **NOT_A)),
    ("rectification:publication_publish", ("rect", "draft_publication"), "get", POST_ONLY),
    # 回头看: those who see the assignment (the office, the leadership, its team); A's is no lookback (a
    # message), the lookback round's shows A's earlier rectification to its team (team A's 组长 serves).
    ("rectification:lookback", "assignment_a", "get", row(404, office=200, leader=200, team=200)),
    ("rectification:lookback", "assignment_lookback", "get", row(404, office=200, leader=200, team_leader=200)),
    # 双公开: 党内公开 for every logged-in user, 社会公开 for anyone; a draft or a party-only text is not public.
    ("rectification:publications", None, "get", EVERYONE),
    ("rectification:public_rectifications", None, "get", PUBLIC),
    ("rectification:public_rectification", "publication", "get", PUBLIC),
    ("rectification:public_rectification", "party_publication", "get", row(404, anon=404)),
    ("rectification:public_rectification", "draft_publication", "get", row(404, anon=404)),
    # The documents: the 反馈意见 for whoever sees the rectification, the 巡察报告 never for the unit or the
    # supervisors, the signed report's PDF for whoever sees the rectification; one not yet rendered for nobody.
    ("core:document_download", "feedback_pdf", "get", READ),
    ("core:document_download", "report_pdf", "get", row(404, office=200, leader=200, team=200)),
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
    ("dashboards:round_pdf_request", "round", "get", POST_ONLY),
    ("dashboards:drilldown", ("findings", {"round": "round"}), "get", TEAM_FIGURES),
    (
        "dashboards:drilldown",
        ("problems", {"term": "term", "team": "team_a"}),
        "get",
        # Team B's member may not filter on team A, which is not his to see: 404, not 403.
        row(403, office=200, leader=200, team=200, other=404),
    ),
    ("dashboards:drilldown", ("measures_open", {"round": "lookback_round"}), "get", LOOKBACK_FIGURES),
    (
        "dashboards:drilldown",
        ("units_to_cover", {"term": "term"}),
        "get",
        row(403, office=200, leader=200, team=404, other=404),
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
    # The office's writes of rounds, teams and clues (empty forms; each request is undone after it). The
    # office acts or is refused by the state (sent back with a message), or gets the form again with its
    # errors (200); everyone else is refused.
    ("rounds:round_transition", ("round", "mobilize"), "post", row(403, office=302)),
    ("rounds:assignment_delete", "assignment_a", "post", row(403, office=302)),
    ("rounds:announcement_publish", "assignment_a", "post", row(403, office=302)),
    ("rounds:announcement_withdraw", "assignment_a", "post", row(403, office=302)),
    ("teams:team_delete", "team_a", "post", row(403, office=302)),
    ("teams:team_member_add", "team_a", "post", row(403, office=200)),
    ("teams:team_member_remove", "member", "post", row(403, office=302)),
    ("clues:disposition_confirm", "lead", "post", row(403, office=200)),
    ("clues:category_delete", "category", "post", row(403, office=302)),
    ("clues:batch_send", "batch", "post", row(403, office=302)),
    ("clues:batch_delete", "batch", "post", row(403, office=302)),
    # The receiver signs for a batch and reports on an item; the office sees both but may not. A document's
    # retry is generating it again: whoever may generate that kind for its subject is sent back (a rendered
    # one is not rendered again); whoever only sees it is refused (the receiver of a transfer letter, the
    # leadership, the team, the unit for the feedback).
    ("clues:batch_acknowledge", "batch", "post", row(404, office=403, jiwei=302)),
    ("clues:item_result", "item", "post", row(404, office=403, jiwei=200)),
    ("core:document_retry", "document", "post", row(404, office=302, jiwei=403)),
    ("core:document_retry", "feedback_pdf", "post", OFFICE_POST),
    ("core:document_retry", "report_pdf", "post", row(404, office=302, leader=403, team=403)),
    ("core:document_retry", "version_pdf", "post", row(403, office=302, unit_users=302, jiwei=302, zuzhibu=302, **NOT_A)),
    # A finding's review step: the team writes (sent back to the finding); the leadership reads only.
    ("clues:finding_review", ("finding", "submit"), "post", row(404, office=302, leader=403, team=302)),
    # Last, the rectification's write-only endpoints (empty forms): refused by the state or the form, or
    # harmless (a PDF queued, the office's documents queued, the office closes the measure at the very end).
    ("rectification:problems_sync", "rect", "post", OFFICE_POST),
    ("rectification:plan_submit", "rect", "post", UNIT_WRITE),
    ("rectification:plan_approve", "rect", "post", OFFICE_POST),
    ("rectification:plan_return", "rect", "post", OFFICE_POST),
    ("rectification:measure_delete", ("rect", "measure"), "post", UNIT_WRITE),
    ("rectification:commitment_sign", ("rect", CommitmentKind.LEADERSHIP.value), "post", UNIT_SIGN),
    ("rectification:version_new", ("rect", "report"), "post", UNIT_WRITE),
    ("rectification:version_submit", ("rect", "report"), "post", UNIT_WRITE),
    ("rectification:version_sign", ("rect", "report"), "post", UNIT_SIGN),
    ("rectification:report_waive", ("rect", "report"), "post", OFFICE_POST),
    (
        "rectification:version_pdf",
        ("rect", "report", 1),
        "post",
        row(302, leader=403, team=403, **NOT_A),
    ),
    # An empty comment: the office and the supervisors get the page again with the error.
    (
        "rectification:comment_add",
        ("rect", "report", 1),
        "post",
        row(403, office=200, jiwei=200, zuzhibu=200, **NOT_A),
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
    # The whole round's dashboard PDF, rendered in the background: for whom sees every team's figures.
    ("dashboards:round_pdf_request", "round", "post", row(403, office=302, leader=302)),
    # Bulk actions (批量办理), posted empty: who may use the bar is sent back with "请先勾选…"; anyone
    # else is refused. A bulk outcome lives in its user's session: anyone else gets 404.
    ("clues:finding_bulk_review", None, "post", row(403, office=302, team_leader=302, deputy=302)),
    ("bulk_result", "0" * 32, "get", row(404)),
    ("rectification:measure_bulk_close", "rect", "post", OFFICE_POST),
    ("rounds:town_assign", "round", "post", row(403, office=302)),
    ("rounds:announcement_bulk", "round", "post", row(403, office=302)),
    ("rectification:rect_bulk_remind", None, "post", row(403, office=302)),
    # Logging out, for the very last (anyone, logged in or not, is sent on).
    ("logout", None, "post", row(302)),
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


def _named_urls(resolver=None, namespace=()) -> set[str]:
    """Every named URL pattern of the project, as "namespace:name", walking included resolvers."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _named_urls(pattern, namespace + ((pattern.namespace,) if pattern.namespace else ()))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(":".join((*namespace, pattern.name)))
    return names


def test_every_named_url_has_a_row_and_every_row_a_url():
    # Django's admin is left out: every admin page is guarded by is_staff (no role of the project has it),
    # and Django tests its own admin.
    urls = {name for name in _named_urls() if not name.startswith("admin:")}
    rows = {name for name, *_ in MATRIX}
    missing, stale = sorted(urls - rows), sorted(rows - urls)
    assert not (missing or stale), (
        f"named URLs without a row in the matrix: {missing}; rows naming a URL that no longer exists: {stale}"
    )
    incomplete = [(name, key) for name, key, _, expected in MATRIX if set(expected) != set(ROLES)]
    assert not incomplete, f"rows without an answer for every role: {incomplete}"


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for the module, made once in a transaction that is rolled back at the end; each test
    runs in a savepoint inside it (pytest-django's `db`), so what one test writes the next does not see."""
    media = tmp_path_factory.mktemp("media")
    fast = override_settings(
        MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cache.clear()
            users, objects = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield users, objects, media
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        cache.clear()


@pytest.fixture
def world(_world, _test_settings, settings, db):
    """(users by role, objects by key); the files the world stored stay where it stored them."""
    users, objects, media = _world
    settings.MEDIA_ROOT = media
    return users, objects


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
        with transaction.atomic():  # each row on the same world: what a request writes is undone
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        label = f"{method.upper()} {name} {key or ''}"
        got[label] = response.status_code
        wanted[label] = expected[role]
    mismatches = {k: (got[k], wanted[k]) for k in got if got[k] != wanted[k]}
    assert not mismatches, f"{role}: (got, wanted) {mismatches}"


# Who may see which object of the world (the product rules; an object not named here is no secret). A
# refusal (403) of an object the role may not see must not tell that it exists: the same URL with a pk that
# exists nowhere must be refused alike.
_RECT = {"office", "leader", *TEAM_A, *UNIT_A, "jiwei", "zuzhibu"}
SEES = {
    "round": {"office", "leader", *TEAM_A, "other"},
    "lookback_round": {"office", "leader", "team_leader"},
    "unit_a": {"office", "leader", *TEAM_A, *UNIT_A},
    "unit_b": {"office", "leader", "other", "other_unit"},
    "assignment_a": {"office", "leader", *TEAM_A},
    "assignment_b": {"office", "leader", "other"},
    "assignment_lookback": {"office", "leader", "team_leader"},
    "team_a": {"office", "leader", *TEAM_A},
    "team_b": {"office", "leader", "other"},
    "member": {"office", "leader", *TEAM_A},
    "cadre": {"office", "leader"},
    "notification": {"office"},
    "lead": {"office", *TEAM_A},
    "sent_lead": {"office", *TEAM_A, "jiwei"},
    "handed_lead": {"office", *TEAM_A, "department"},
    "attachment": {"office", *TEAM_A, "department"},
    "finding": {"office", "leader", *TEAM_A},
    "finding_evidence": {"office", "leader", *TEAM_A},
    "batch": {"office", "jiwei"},
    "item": {"office", "jiwei"},
    "document": {"office", "jiwei"},
    "report_pdf": {"office", "leader", *TEAM_A},
    "draft_evidence": set(UNIT_A),
    "draft_publication": _RECT,
    **dict.fromkeys(
        ("rect", "problem", "measure", "report", "accountability", "publication", "party_publication"), _RECT
    ),
    **dict.fromkeys(("evidence", "feedback_pdf", "version_pdf", "queued_docx"), _RECT),
}


def _keys(key) -> set[str]:
    keys = key if isinstance(key, tuple) else (key,) if key else ()
    return {k for k in keys if isinstance(k, str)} | {
        v for k in keys if isinstance(k, dict) for v in k.values() if isinstance(v, str)
    }


class _Ghost:
    pk = 987654321


@pytest.mark.parametrize("role", ROLES)
def test_a_refusal_does_not_tell_that_an_object_exists(world, client, role):
    users, objects = world
    if role != "anon":
        client.force_login(users[role])
    leaks = {}
    for name, key, method, expected in MATRIX:
        unseen = {k for k in _keys(key) if k in SEES and role not in SEES[k]}
        if expected[role] != 403 or not unseen:
            continue
        ghosts = objects | dict.fromkeys(unseen, _Ghost())
        with transaction.atomic():
            response = getattr(client, method)(_url(name, key, ghosts))
            transaction.set_rollback(True)
        if response.status_code != 403:
            leaks[f"{method.upper()} {name} {key}"] = response.status_code
    assert not leaks, f"{role}: refused (403) for what he may not see, but a missing one answers {leaks}"


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
    # The world's documents were asked for long ago (a waiting one would otherwise be the answer to
    # asking again: xuncha.core.documents.document_request).
    GeneratedDocument.objects.update(created_at=timezone.now() - timedelta(hours=1))
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


@pytest.mark.parametrize(
    "role", ["office", "leader", "team_leader", "deputy", "member", "unit", "liaison", "jiwei", "zuzhibu"]
)
def test_the_overview_links_the_inspection_report_only_for_the_team_side(world, client, role):
    users, objects = world
    client.force_login(users[role])
    page = client.get(reverse("rectification:rect_detail", args=[objects["rect"].pk])).content.decode()
    assert reverse("core:document_download", args=[objects["feedback_pdf"].pk]) in page
    internal = reverse("core:document_download", args=[objects["report_pdf"].pk]) in page
    assert internal == (role in ("office", "leader", *TEAM_A))


# The pages that list things, each as the role gets it (after any redirect).
LISTS = [
    "home",
    "notifications:inbox",
    "rounds:unit_list",
    "rounds:my_unit",
    "rounds:round_list",
    "rounds:assignment_list",
    "clues:lead_list",
    "clues:disposition_queue",
    "clues:finding_list",
    "clues:batch_list",
    "clues:handover_list",
    "rectification:rect_list",
    "rectification:supervision",
    "rectification:publications",
    "dashboards:county",
]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_the_lists_name_a_lead_a_finding_or_a_unit_only_to_who_sees_it(world, client, role):
    users, objects = world
    client.force_login(users[role])
    text = "".join(client.get(reverse(page), follow=True).content.decode() for page in LISTS)
    named = {
        "lead": objects["lead"].number,
        "handed_lead": objects["handed_lead"].number,
        "finding": objects["finding"].number,
        "unit_b": objects["unit_b"].name,
    }
    wrong = {key: value in text for key, value in named.items() if (value in text) != (role in SEES[key])}
    assert not wrong, f"{role}: named on a list (True) or missing from it (False): {wrong}"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_no_page_names_the_reporter(world, client, role):
    """Who reported a lead is shown only through the logged reveal (a POST with a reason), never on a page."""
    users, objects = world
    client.force_login(users[role])
    pages = [reverse(page) for page in LISTS] + [
        reverse(name, args=[objects["lead"].pk])
        for name in ("clues:lead_detail", "clues:lead_edit", "clues:lead_triage", "clues:disposition_propose")
    ]
    named = [url for url in pages if "举报人甲" in client.get(url, follow=True).content.decode()]
    assert not named, f"{role}: the reporter is named on {named}"
