"""`manage.py seed_demo`: load the fictional county 青山县 into an empty database, once."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rounds.models import (
    Announcement,
    AnnouncementStatus,
    Assignment,
    Round,
    RoundStatus,
    Term,
    Unit,
    UnitType,
)
from teams.models import Cadre, Team, TeamMember
from xuncha.accounts.models import User
from xuncha.core.demo import DEMO_PASSWORD, MARKER_USERNAME, build_demo, demo_loaded
from xuncha.core.demo_data import ACCOUNTS
from xuncha.core.errors import DomainError


def summary() -> dict[str, int]:
    counts = {}
    for value, label in UnitType.choices:
        if n := Unit.objects.filter(unit_type=value).count():
            counts[label] = n
    counts["巡察干部"] = Cadre.objects.count()
    for value, label in RoundStatus.choices:
        if n := Round.objects.filter(status=value).count():
            counts[f"轮次（{label}）"] = n
    counts["巡察组"] = Team.objects.count()
    counts["巡察组成员"] = TeamMember.objects.count()
    counts["巡察任务"] = Assignment.objects.count()
    counts["已发布公告"] = Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED).count()
    counts["账号"] = User.objects.count()
    return counts


class Command(BaseCommand):
    help = "载入演示数据（虚构的青山县：单位、巡察干部、七轮巡察和演示账号）。已载入时不做任何改动。"

    def handle(self, *args, **options):
        if demo_loaded():
            self.stdout.write(f"演示数据已载入（账号 {MARKER_USERNAME} 已存在），未做改动。")
            return
        if Unit.objects.exists() or Term.objects.exists() or Round.objects.exists():
            raise CommandError("数据库中已有单位、届次或轮次数据；演示数据只能载入空库。")
        started = time.monotonic()
        try:
            with transaction.atomic():
                build_demo()
        except DomainError as exc:  # a rule refused the demo data: a bug in the data, reported plainly
            raise CommandError(f"演示数据未能载入：{exc.full_message()}") from exc
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"青山县演示数据已载入（用时 {elapsed:.1f} 秒）："))
        for label, n in summary().items():
            self.stdout.write(f"  {label}：{n}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, (name, roles) in ACCOUNTS.items():
            self.stdout.write(f"  {username:<9} {name}（{'、'.join(roles)}）")
