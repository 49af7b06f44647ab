"""`manage.py seed_demo`: load the fictional county 青山县 into an empty database, once."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from clues.models import Finding, Lead, TransferBatch
from demo.county import DEMO_PASSWORD, MARKER_USERNAME, build_demo, demo_loaded
from demo.data import ACCOUNTS
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
from xuncha.errors import DomainError


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
    counts["问题线索"] = Lead.objects.count()
    counts["问题底稿"] = Finding.objects.count()
    counts["移交批次"] = TransferBatch.objects.count()
    counts["账号"] = User.objects.count()
    return counts


def receipt_codes_file():
    """The public receipt codes of the demo, kept so that a later `make demo` can show them again."""
    return settings.VAR_DIR / "demo-receipt-codes.txt"


def receipt_codes_text(codes) -> str:
    lines = [f"公开举报查询码（在 {settings.SITE_URL}{reverse('clues:public_receipt')} 查询）："]
    lines += [f"  {code}  {unit}（{status}）" for code, unit, status in codes]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "载入演示数据（虚构的青山县：单位、巡察干部、七轮巡察和演示账号）。已载入时不做任何改动。"

    def handle(self, *args, **options):
        if demo_loaded():
            self.stdout.write(f"演示数据已载入（账号 {MARKER_USERNAME} 已存在），未做改动。")
            if receipt_codes_file().exists():
                self.stdout.write(receipt_codes_file().read_text(encoding="utf-8"), ending="")
            return
        if Unit.objects.exists() or Term.objects.exists() or Round.objects.exists():
            raise CommandError("数据库中已有单位、届次或轮次数据；演示数据只能载入空库。")
        started = time.monotonic()
        try:
            with transaction.atomic():
                built = build_demo()
        except DomainError as exc:  # a rule refused the demo data: a bug in the data, reported plainly
            raise CommandError(f"演示数据未能载入：{exc.full_message()}") from exc
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"青山县演示数据已载入（用时 {elapsed:.1f} 秒）："))
        for label, n in summary().items():
            self.stdout.write(f"  {label}：{n}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, (name, roles) in ACCOUNTS.items():
            self.stdout.write(f"  {username:<12} {name}（{'、'.join(roles)}）")
        for username, name, post in built.accounts:
            self.stdout.write(f"  {username:<12} {name}（巡察组：{post}）")
        # The codes are shown only now and kept only as hashes in the database; the file keeps them for
        # the next `make demo` (demo data: nobody's report).
        text = receipt_codes_text(built.codes)
        receipt_codes_file().parent.mkdir(parents=True, exist_ok=True)
        receipt_codes_file().write_text(text, encoding="utf-8")
        self.stdout.write(text, ending="")
