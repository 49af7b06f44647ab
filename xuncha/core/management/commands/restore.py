"""manage.py restore ARCHIVE [--yes]: verify an archive of `manage.py backup` against its manifest and bring
the database and the media files back. A non-empty database is overwritten only with --yes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the media files from a backup archive (verified first)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="overwrite a database that is not empty")

    def handle(self, *args, archive, yes=False, **options):
        try:
            manifest = restore(Path(archive), overwrite=yes)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {archive} (app {manifest['app_version']}, {manifest['created_at']})."))
        if manifest.get("media_kept_aside"):
            self.stdout.write(f"The media files that were there are kept in {manifest['media_kept_aside']}.")
        self.stdout.write("Run `manage.py migrate` if this version of the app is newer than the backup.")
