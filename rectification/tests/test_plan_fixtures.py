"""What the plan tests share (no tests here): a rectification being planned, its unit's principal and
liaison, two problems, and readers of every kind."""

import datetime
from types import SimpleNamespace

from rectification.models import Measure, MeasureKind
from rectification.tests.factories import ProblemFactory, RectificationFactory
from rounds.services import unit_save
from teams.tests.factories import TeamMemberFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import PASSWORD

d = datetime.date


def make_world(office_user, leader_user, make_user) -> SimpleNamespace:
    """A rectification in 制定方案 (meeting 2026-07-01, deadline 2026-09-30) with two problems."""
    rect = RectificationFactory(meeting_date=d(2026, 7, 1), deadline=d(2026, 9, 30))
    unit = rect.unit
    unit.name = "县农业农村局"
    principal = make_user(Role.UNIT, username="principal", name="吴志刚")
    liaison = make_user(Role.UNIT, username="liaison", name="孙丽")
    unit.principal_user = principal
    unit.liaison_user = liaison
    unit_save(unit=unit)
    member = make_user(Role.TEAM, username="member")
    TeamMemberFactory(team=rect.team, cadre__user=member)
    outsider = make_user(Role.TEAM, username="outsider")
    jiwei = make_user(Role.JIWEI, username="jiwei")
    other_unit = make_user(Role.UNIT, username="otherunit")
    p1 = ProblemFactory(rectification=rect, seq=1, title="耕地保护责任落实不到位")
    p2 = ProblemFactory(rectification=rect, seq=2, title="惠农资金监管不严")
    return SimpleNamespace(
        rect=rect,
        unit=unit,
        principal=principal,
        liaison=liaison,
        office=office_user,
        leader=leader_user,
        member=member,
        outsider=outsider,
        jiwei=jiwei,
        other_unit=other_unit,
        p1=p1,
        p2=p2,
        password=PASSWORD,
    )


def measure_values(**overrides) -> dict:
    values = {
        "content": "开展耕地“非农化”问题专项排查整治",
        "goal": "排查出的问题全部整改到位",
        "deadline": d(2026, 8, 31),
        "kind": MeasureKind.DEADLINE,
        "responsible_leader": "李建国",
        "responsible_branch": "耕地保护股",
        "responsible_person": "郑洁",
    }
    return values | overrides


def new_measure(**overrides) -> Measure:
    return Measure(**measure_values(**overrides))
