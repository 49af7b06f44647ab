"""`manage.py audit_verify`: recompute the security audit log's HMAC chain; exit status 1 on a break."""

import sys

from django.core.management.base import BaseCommand

from xuncha.audit.log import verify
from xuncha.audit.models import ChainHead


class Command(BaseCommand):
    help = "校验安全审计日志的完整性（HMAC 链）：有记录被修改、删除或插入时列出问题并以状态 1 退出"

    def handle(self, *args, **options):
        problems = verify()
        head = ChainHead.objects.filter(pk=1).first()
        count = head.count if head else 0
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            self.stderr.write(self.style.ERROR(f"审计日志校验失败：发现 {len(problems)} 处问题"))
            sys.exit(1)
        purged = f"（已按保留期清理 {head.purged} 条）" if head and head.purged else ""
        self.stdout.write(self.style.SUCCESS(f"审计日志完整：{count} 条记录校验通过{purged}"))
