"""manage.py backup [--output FILE]: one tar archive with the database, the media files and a manifest
(SHA-256 of each part, the app version); never the keys. See xuncha/core/backup.py."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xuncha.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive (keys are never included)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help="archive to write (default: VAR_DIR/backups/xuncha-YYYYmmdd-HHMMSS.tar)"
        )

    def handle(self, *args, output=None, **options):
        if not output:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.VAR_DIR) / "backups" / f"xuncha-{stamp}.tar"
        try:
            manifest = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        parts = ", ".join(f"{name} {info['size']} B" for name, info in manifest["parts"].items())
        self.stdout.write(self.style.SUCCESS(f"Backup written: {output}"))
        self.stdout.write(f"{manifest['engine']}, app {manifest['app_version']}, {manifest['media_files']} media file(s); {parts}")
        self.stdout.write("Keys are not in the archive: keep FIELD_ENCRYPTION_KEY and SECRET_KEY safe, apart from it.")
