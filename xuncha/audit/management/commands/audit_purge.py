"""`manage.py audit_purge [--before YYYY-MM-DD]`: delete entries older than the retention period."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xuncha.audit.log import purge, retention_days


class Command(BaseCommand):
    help = "清理超过保留期的安全审计日志（保留期 AUDIT_RETENTION_DAYS，默认 365 天，最少 180 天），清理后链仍可校验"

    def add_arguments(self, parser):
        parser.add_argument("--before", help="清理此日期（YYYY-MM-DD，当地时间零点）之前的记录；默认为保留期之前")

    def handle(self, *args, before=None, **options):
        when = None
        if before:
            try:
                day = datetime.date.fromisoformat(before)
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{before}") from None
            when = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        try:
            deleted = purge(before=when)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"已清理 {deleted} 条审计日志（保留期 {retention_days()} 天）"))
