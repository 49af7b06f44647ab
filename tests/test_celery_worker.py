"""A real Celery worker process takes a task through Redis and does its work in PostgreSQL.

Runs when CELERY_BROKER_URL is a redis:// URL and the database is PostgreSQL (the second half of
.ci/run); skipped on the embedded set-up, where the worker could not see the in-memory test database.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from rounds.models import Milestone, MilestoneKind
from rounds.tests.factories import RoundFactory
from xuncha.accounts.roles import Role
from xuncha.celery import app as celery_app
from xuncha.notifications.models import Notification

BASE_DIR = Path(settings.BASE_DIR)

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://…"
    ),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="needs PostgreSQL"
    ),
]


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_the_milestone_reminders_through_redis(make_user):
    office = make_user(Role.OFFICE)
    round = RoundFactory()
    Milestone.objects.filter(round=round, kind=MilestoneKind.MOBILIZATION).update(
        planned_date=timezone.localdate() + datetime.timedelta(days=2)
    )
    queue = f"ci-{uuid.uuid4().hex[:8]}"  # a fresh queue: no stale worker can take the task
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_TASK_ALWAYS_EAGER": "0"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "xuncha", "worker", "--pool", "solo", "-Q", queue, "-l", "info"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        celery_app.conf.task_always_eager = False
        from rounds.tasks import remind_due_milestones

        remind_due_milestones.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if Notification.objects.filter(recipient=office).exists():
                break
            time.sleep(0.5)
        notes = list(Notification.objects.filter(recipient=office))
    finally:
        celery_app.conf.task_always_eager = True
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert len(notes) == 1, f"the worker wrote no reminder; its log:\n{output[-3000:]}"
    assert "动员部署会" in notes[0].title
    assert "remind_due_milestones" in output and "succeeded" in output
