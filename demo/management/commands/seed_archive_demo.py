"""Import the example workbook of two past rounds (第十四届县委) into the demo county, as the office."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive.services.imports import ImportRefused
from demo.archive import FIXTURE, import_demo_archive, write_fixture


class Command(BaseCommand):
    help = "导入演示用的历史轮次工作簿（第十四届县委两轮巡察）；--write 重新生成该工作簿"

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"只重新生成 {FIXTURE}")

    def handle(self, *args, write=False, **options):
        if write:
            self.stdout.write(f"已生成 {write_fixture()}")
            return
        office = get_user_model().objects.filter(username="office").first()
        if office is None:
            raise CommandError("没有演示账号 office：请先运行 manage.py seed_demo")
        try:
            record = import_demo_archive(by=office)
        except ImportRefused as exc:
            lines = [f"{e.sheet} 第{e.row}行 {e.column}：{e.message}" for e in exc.errors]
            raise CommandError("工作簿有错误，未导入：\n" + "\n".join(lines)) from None
        rounds = "、".join(str(r) for r in record.rounds.order_by("number"))
        self.stdout.write(self.style.SUCCESS(f"已导入 {rounds}（SHA-256 {record.sha256}）"))
