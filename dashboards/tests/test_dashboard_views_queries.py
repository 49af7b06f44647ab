"""Every dashboard page costs the same number of queries for a small county and one ten times its size.

`build_world(n)` adds n "blocks" to a county: each block is units of every type, inspected in a finished
round and a rectifying one, with approved findings (and a draft), fed-back problems, measures in every
state, and leads transferred to the discipline commission and the organization department with results
and persons dealt with. Rows are bulk-created: the services are tested elsewhere.
"""

import datetime
import itertools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clues.models import (
    Category,
    Channel,
    DisciplineForm,
    Disposition,
    Finding,
    FindingStatus,
    HandlingResult,
    Lead,
    LeadStatus,
    PersonDealt,
    Sanction,
    TransferBatch,
    TransferItem,
    TransferStatus,
)
from rectification.models import Measure, MeasureKind, MeasureStatus, Problem, Rectification, RectStatus
from rounds.models import Assignment, AssignmentMode, Round, RoundStatus, Term, Unit, UnitType
from rounds.tests.factories import RoundFactory, TermFactory, UnitFactory
from teams.models import MemberRole, Team
from teams.tests.factories import CadreFactory, TeamFactory, TeamMemberFactory
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
TYPES = [UnitType.DEPARTMENT, UnitType.TOWNSHIP, UnitType.VILLAGE, UnitType.SOE, UnitType.INSTITUTION]


class World:
    """The fixed frame (term, rounds, teams, categories, receivers) and `add(n)` for n more blocks."""

    def __init__(self):
        self.term = TermFactory(start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2030, 12, 31))
        self.done = RoundFactory(term=self.term, number=1, status=RoundStatus.DONE)
        self.rectifying = RoundFactory(term=self.term, number=2, status=RoundStatus.RECTIFYING)
        self.preparing = RoundFactory(term=self.term, number=3, status=RoundStatus.PREPARING)
        self.teams = {
            self.done.pk: [TeamFactory(round=self.done, number=i) for i in (1, 2)],
            self.rectifying.pk: [TeamFactory(round=self.rectifying, number=i) for i in (1, 2)],
            self.preparing.pk: [TeamFactory(round=self.preparing, number=1)],
        }
        self.areas = [Category.objects.create(scheme="测试体系", name=f"领域{i}", order=i) for i in (1, 2)]
        self.subs = [
            Category.objects.create(scheme="测试体系", parent=area, name=f"{area.name}子类{j}", order=j)
            for area in self.areas
            for j in (1, 2)
        ]
        self.jiwei = UnitFactory(name="县纪委监委")
        self.zuzhibu = UnitFactory(name="县委组织部")
        self.blocks = 0

    def add(self, n: int) -> None:
        today = timezone.localdate()
        units = Unit.objects.bulk_create(
            [
                Unit(name=f"单位{self.blocks + b}-{i}", unit_type=TYPES[i % len(TYPES)])
                for b in range(n)
                for i in range(len(TYPES) * 2)
            ]
        )
        self.blocks += n
        assignments = []
        for k, unit in enumerate(units):
            for round in (self.done, self.rectifying):
                team = self.teams[round.pk][k % 2]
                mode = AssignmentMode.ELEVATED if unit.unit_type == UnitType.VILLAGE else AssignmentMode.REGULAR
                assignments.append(Assignment(round=round, team=team, unit=unit, mode=mode))
            if k % 3 == 0:
                team = self.teams[self.preparing.pk][0]
                assignments.append(Assignment(round=self.preparing, team=team, unit=unit))
        assignments = Assignment.objects.bulk_create(assignments)
        findings, leads = [], []
        inspected = [a for a in assignments if a.round_id != self.preparing.pk]
        for k, a in enumerate(inspected):
            for j, status in enumerate((FindingStatus.APPROVED, FindingStatus.APPROVED, FindingStatus.DRAFT)):
                findings.append(
                    Finding(
                        assignment=a, round_id=a.round_id, unit_id=a.unit_id, team_id=a.team_id, year=2026,
                        serial=next(_serial), category=self.subs[(k + j) % len(self.subs)] if j else self.areas[0],
                        title="问题", manifestation="表现", basis="依据", status=status,
                    )
                )  # fmt: skip
            for disposition in (Disposition.TO_JIWEI, Disposition.TO_ZUZHIBU):
                leads.append(
                    Lead(
                        assignment=a, round_id=a.round_id, unit_id=a.unit_id, team_id=a.team_id,
                        serial=next(_serial), channel=Channel.LETTER, received_on=today, summary="反映问题",
                        content="内容", disposition=disposition, status=LeadStatus.TRANSFERRED,
                    )
                )  # fmt: skip
        Finding.objects.bulk_create(findings)
        leads = Lead.objects.bulk_create(leads)
        sent = TransferBatch.objects.create(
            receiver=self.jiwei, round=self.rectifying, year=2026, serial=next(_serial),
            status=TransferStatus.SENT, sent_at=timezone.now(),
        )  # fmt: skip
        draft = TransferBatch.objects.create(receiver=self.zuzhibu, round=self.rectifying, year=2026,
                                             serial=next(_serial))  # fmt: skip
        items = TransferItem.objects.bulk_create(
            [
                TransferItem(batch=draft if k % 5 == 4 else sent, lead=lead,
                             result=HandlingResult.CASE if k % 2 == 0 else HandlingResult.TALK)
                for k, lead in enumerate(leads)
            ]
        )  # fmt: skip
        PersonDealt.objects.bulk_create(
            [
                PersonDealt(item=item, name=f"某{k}", form=DisciplineForm.values[k % 4], sanction=Sanction.PARTY)
                for k, item in enumerate(items)
            ]
        )
        rects = Rectification.objects.bulk_create(
            [
                Rectification(
                    assignment=a, round_id=a.round_id, unit_id=a.unit_id, team_id=a.team_id, demands="要求",
                    deadline=today + datetime.timedelta(days=60), meeting_date=today - datetime.timedelta(days=50),
                    status=RectStatus.CLOSED if a.round_id == self.done.pk else RectStatus.IN_PROGRESS,
                )
                for a in inspected
            ]
        )  # fmt: skip
        problems = Problem.objects.bulk_create(
            [
                Problem(rectification=r, seq=j, category=self.subs[j], title="反馈问题", description="表现")
                for r in rects
                for j in (1, 2)
            ]
        )
        kinds = [
            (MeasureKind.IMMEDIATE, MeasureStatus.CLOSED),
            (MeasureKind.DEADLINE, MeasureStatus.OPEN),
            (MeasureKind.DEADLINE, MeasureStatus.RETURNED),
            (MeasureKind.LONG_TERM, MeasureStatus.OPEN),
        ]
        Measure.objects.bulk_create(
            [
                Measure(
                    problem=p, rectification_id=p.rectification_id, seq=j, content="措施", goal="目标",
                    deadline=today + datetime.timedelta(days=(-5 if j % 2 else 20)), kind=kind, status=status,
                    closed_at=timezone.now() - datetime.timedelta(days=20) if status == MeasureStatus.CLOSED else None,
                    responsible_leader="甲", responsible_branch="办公室", responsible_person="乙",
                )
                for p in problems
                for j, (kind, status) in enumerate(kinds, start=1)
            ]
        )  # fmt: skip


def _count(client, url) -> int:
    # Counted cold: the dashboards keep their figures in the cache (xuncha.core.aggregates), and what
    # must not grow with the data is the work of computing them.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def _urls(world: World) -> list[str]:
    term, round = world.term, world.rectifying
    team = world.teams[round.pk][0]
    drill = reverse("dashboards:drilldown", args=["findings"])
    return [
        f"{reverse('dashboards:county')}?term={term.pk}",
        reverse("dashboards:round", args=[round.pk]),
        f"{drill}?term={term.pk}",
        f"{drill}?round={round.pk}&team={team.pk}&category={world.areas[0].pk}&page=2",
        f"{reverse('dashboards:drilldown', args=['measures_overdue'])}?term={term.pk}&unit_type=village",
        f"{reverse('dashboards:drilldown', args=['units'])}?round={round.pk}",
        f"{reverse('dashboards:drilldown', args=['problems'])}?term={term.pk}",
        f"{reverse('dashboards:drilldown', args=['to_jiwei'])}?term={term.pk}",
        f"{reverse('dashboards:drilldown', args=['persons_form2'])}?round={round.pk}",
        f"{reverse('dashboards:drilldown', args=['units_covered'])}?term={term.pk}",
    ]


def _team_urls(world: World) -> list[str]:
    term, round = world.term, world.rectifying
    return [
        f"{reverse('dashboards:county')}?term={term.pk}",
        reverse("dashboards:round", args=[round.pk]),
        f"{reverse('dashboards:drilldown', args=['findings'])}?term={term.pk}",
        f"{reverse('dashboards:drilldown', args=['measures'])}?round={round.pk}",
        f"{reverse('dashboards:drilldown', args=['to_jiwei'])}?term={term.pk}",
    ]


def _counts(client, urls) -> dict[str, int]:
    for url in urls:  # warm up per-process caches (content types, ...) before counting
        client.get(url)
    return {url: _count(client, url) for url in urls}


def test_each_page_costs_the_same_queries_at_ten_times_the_size(client, make_user):
    world = World()
    world.add(1)
    leader = make_user(Role.LEADER)
    member = make_user(Role.TEAM)
    TeamMemberFactory(team=world.teams[world.rectifying.pk][0], cadre=CadreFactory(user=member),
                      role=MemberRole.LEADER)  # fmt: skip
    TeamMemberFactory(team=world.teams[world.done.pk][1], cadre=member.cadre)

    client.force_login(leader)
    small = _counts(client, _urls(world))
    client.force_login(member)
    small_team = _counts(client, _team_urls(world))

    world.add(9)
    assert Finding.objects.count() >= 10 * 2 * 10
    client.force_login(leader)
    large = _counts(client, _urls(world))
    client.force_login(member)
    large_team = _counts(client, _team_urls(world))

    assert large == small
    assert large_team == small_team
    # The measured numbers, for the report (pytest -s shows them).
    print({re.sub(r"\d+", "N", url): n for url, n in small.items()})
    print({re.sub(r"\d+", "N", url): n for url, n in small_team.items()})


def test_the_world_is_counted_as_built(client, make_user):
    """The frame of the query test is itself a meaningful county: every figure is non-zero."""
    from dashboards.selectors.figures import Scope, figures

    world = World()
    world.add(2)
    values = figures(Scope(world.term))
    zero = [k for k, v in values.items() if not v and k not in ("to_cover_share",)]
    assert zero == []
    assert values["units"] == 2 * 10 * 2  # the preparing round's assignments are not inspected yet
    assert values["findings"] == 2 * values["units"]  # the draft is not counted
    assert Team.objects.count() == 5 and Round.objects.count() == 3 and Term.objects.count() == 1
