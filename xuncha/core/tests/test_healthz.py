"""/healthz: no login, ok/failing per check and nothing more, 503 when anything fails; the heartbeats."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from xuncha.core import health
from xuncha.core.models import Heartbeat
from xuncha.core.tasks import heartbeat

pytestmark = pytest.mark.django_db
CHECKS = {"database", "cache", "storage", "broker", "worker", "beat"}


def test_without_heartbeats_the_worker_and_beat_fail_and_nothing_else_is_told(client):
    response = client.get("/healthz")
    assert response.status_code == 503 and response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "failing" and set(body["checks"]) == CHECKS
    assert set(body["checks"].values()) <= {"ok", "failing"}
    assert body["checks"]["worker"] == body["checks"]["beat"] == "failing"
    assert body["checks"]["database"] == body["checks"]["cache"] == body["checks"]["storage"] == "ok"
    assert "heartbeat" not in response.content.decode()


def test_fresh_heartbeats_make_it_healthy_and_stale_ones_do_not(client, settings):
    health.record_beat_sent(sender=health.HEARTBEAT_TASK)  # what beat does as it sends the task
    health.record_beat_sent(sender="some.other.task")
    heartbeat.delay()  # what the worker does when it runs it
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"beat", "worker"}
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}
    call_command("heartbeat_check", "beat")

    Heartbeat.objects.filter(name="worker").update(at=timezone.now() - datetime.timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["worker"] == "failing"
    assert response.json()["checks"]["beat"] == "ok"
    settings.XUNCHA_HEARTBEAT_MAX_AGE = 3600
    assert client.get("/healthz").status_code == 200
    settings.XUNCHA_HEARTBEAT_MAX_AGE = 60
    with pytest.raises(CommandError, match="old"):
        call_command("heartbeat_check", "worker")


def test_a_broker_that_does_not_answer_is_failing():
    check = health.BrokerCheck(url="redis://127.0.0.1:1/0")
    check.run_check()
    assert check.errors
