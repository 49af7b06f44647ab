"""manage.py rotate_field_key [--dry-run]: re-encrypt every reporter identity under the newest key.

Put the new key first in FIELD_ENCRYPTION_KEY, keep the old one after it (comma-separated), run this, then
remove the old key. Also moves Fernet ciphertext to SM4-GCM when XUNCHA_CRYPTO is "gm".
"""

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.crypto import current_algorithm, field_keys
from xuncha.core.keyrotation import RotationError, rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest key and algorithm; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, dry_run=False, **options):
        target = f"{current_algorithm()}:{field_keys()[0].kid}"
        try:
            report = rotate(dry_run=dry_run)
        except RotationError as exc:
            raise CommandError(str(exc)) from exc
        found = ", ".join(f"{k} ×{v}" for k, v in sorted(report.by_algorithm.items())) or "none"
        self.stdout.write(f"Encrypted values: {report.checked} ({found}); target {target}.")
        if dry_run:
            self.stdout.write(f"Dry run: {report.rotated} value(s) would be re-encrypted; nothing written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Re-encrypted and verified {report.rotated} value(s)."))
