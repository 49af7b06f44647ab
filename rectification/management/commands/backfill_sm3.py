"""manage.py backfill_sm3: give signed report versions and commitments sealed before 国密 their SM3 digest
(the migration does it once; run again after restoring an older backup)."""

from django.core.management.base import BaseCommand, CommandError

from rectification.services.digests import backfill_sm3


class Command(BaseCommand):
    help = "Add the SM3 digest to signed versions and commitments that only have a SHA-256."

    def handle(self, *args, **options):
        result = backfill_sm3()
        self.stdout.write(f"SM3 added to {result.filled} signed record(s).")
        if result.mismatched:
            raise CommandError(
                "Content no longer matches its SHA-256, SM3 not added: " + ", ".join(result.mismatched)
            )
