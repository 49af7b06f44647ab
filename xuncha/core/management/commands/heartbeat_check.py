"""manage.py heartbeat_check beat|worker: exit 0 when that heartbeat is fresh, 1 otherwise (the compose
file's health check of the beat service)."""

from django.core.management.base import BaseCommand, CommandError

from xuncha.core.health import heartbeat_age, max_age


class Command(BaseCommand):
    help = "Fail when the Celery beat's (or worker's) heartbeat is older than XUNCHA_HEARTBEAT_MAX_AGE."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("name", choices=["beat", "worker"])

    def handle(self, *args, name, **options):
        age = heartbeat_age(name)
        if age is None:
            raise CommandError(f"no {name} heartbeat yet")
        if age > max_age():
            raise CommandError(f"{name} heartbeat is {int(age.total_seconds())} s old")
        self.stdout.write(f"{name} ok ({int(age.total_seconds())} s ago)")
