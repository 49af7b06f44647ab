"""Import a workbook of past rounds (历史轮次录入) from disk: checked, then imported all or nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive.services.imports import ImportRefused, archive_import_file


class Command(BaseCommand):
    help = "导入历史轮次工作簿（.xlsx），有任何错误都不导入"

    def add_arguments(self, parser):
        parser.add_argument("path", help="工作簿路径")
        parser.add_argument("--by", default="", help="记为导入人的巡察办账号（用户名）")

    def handle(self, *args, path, by="", **options):
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"没有账号 {by}")
        try:
            record = archive_import_file(path=path, by=user)
        except ImportRefused as exc:
            lines = [f"{e.sheet} 第{e.row}行 {e.column}：{e.message}" for e in exc.errors]
            raise CommandError("工作簿有错误，未导入：\n" + "\n".join(lines)) from None
        rounds = "、".join(str(r) for r in record.rounds.order_by("number"))
        self.stdout.write(self.style.SUCCESS(f"已导入 {rounds}（SHA-256 {record.sha256}）"))
