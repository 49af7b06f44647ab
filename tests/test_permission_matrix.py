"""Every URL as every role: who gets the page, who is sent to log in, who is refused, who gets 404.

A row says what each role gets for a GET (or a POST, for the write-only endpoints). Roles:
anon, office, leader, member (of team A), other (member of team B), unit (principal of A's unit),
jiwei, zuzhibu. Detail pages of what a role may not see answer 404, so existence does not leak.
"""

import pytest
from django.urls import reverse

from rounds.models import RoundStatus
from rounds.services import unit_save
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
]


@pytest.fixture
def world(db):
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
