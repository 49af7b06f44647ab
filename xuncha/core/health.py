"""`/healthz` (django-health-check): database, cache, storage, the Celery broker, a worker heartbeat and
the last beat run. No login; the answer says only "ok" or "failing" per check (the reasons go to the
log), with 200 when everything is ok and 503 otherwise.

The heartbeat: beat sends `xuncha.core.tasks.heartbeat` every minute (the "beat" row is written as it is
sent, `record_beat_sent`) and a worker runs it (the "worker" row). Either older than
XUNCHA_HEARTBEAT_MAX_AGE seconds (default 300) is failing.
"""

import dataclasses
import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from health_check import Cache, Database, HealthCheck, Storage
from health_check.exceptions import HealthCheckException, ServiceUnavailable
from redis import Redis

from .models import Heartbeat

log = logging.getLogger(__name__)
HEARTBEAT_TASK = "xuncha.core.tasks.heartbeat"


def max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "XUNCHA_HEARTBEAT_MAX_AGE", 300)))


def record_heartbeat(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def heartbeat_age(name: str) -> datetime.timedelta | None:
    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return None if at is None else timezone.now() - at


def record_beat_sent(sender=None, **kwargs) -> None:
    """`before_task_publish` handler (xuncha/core/apps.py): only beat sends the heartbeat task."""
    if sender == HEARTBEAT_TASK:
        try:
            record_heartbeat("beat")
        except Exception:  # never stop beat from sending because the database hiccupped
            log.warning("could not record the beat heartbeat", exc_info=True)


@dataclasses.dataclass
class HeartbeatCheck(HealthCheck):
    name: str = "worker"

    def check_status(self):
        age = heartbeat_age(self.name)
        if age is None:
            raise ServiceUnavailable(f"no {self.name} heartbeat yet")
        if age > max_age():
            raise ServiceUnavailable(f"{self.name} heartbeat is {int(age.total_seconds())} s old")


@dataclasses.dataclass
class BrokerCheck(HealthCheck):
    """The Celery broker: Redis answers a ping; the file-system broker's queue folder is writable."""

    url: str = ""

    def check_status(self):
        url = self.url or settings.CELERY_BROKER_URL
        if url.startswith(("redis://", "rediss://")):
            client = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
            try:
                client.ping()
            except Exception as exc:
                raise ServiceUnavailable("broker does not answer") from exc
            finally:
                client.close()
        elif url.startswith("filesystem"):
            folder = Path(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("data_folder_in", ""))
            if not folder.is_dir() or not _writable(folder):
                raise ServiceUnavailable("broker folder is not writable")


def _writable(folder: Path) -> bool:
    probe = folder / ".healthz"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        return True
    except OSError:
        return False


def checks() -> list[tuple[str, HealthCheck]]:
    return [
        ("database", Database()),
        ("cache", Cache(key_prefix="xuncha-healthz", cache_key=None)),
        ("storage", Storage()),
        ("broker", BrokerCheck()),
        ("worker", HeartbeatCheck(name="worker")),
        ("beat", HeartbeatCheck(name="beat")),
    ]


@never_cache
def healthz(request):
    results = {}
    for label, check in checks():
        # check_status itself, not run_check: a failing check is one warning line here, not a traceback.
        try:
            check.errors = []
            check.check_status()
            problem = "; ".join(str(e) for e in check.errors)
        except HealthCheckException as exc:
            problem = str(exc)
        except Exception as exc:
            problem = f"{exc.__class__.__name__}: {exc}"
        if problem:
            log.warning("healthz: %s failing: %s", label, problem)
        results[label] = "failing" if problem else "ok"
    ok = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ok" if ok else "failing", "checks": results}, status=200 if ok else 503)
