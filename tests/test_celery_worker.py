"""A real Celery worker process takes a task through Redis and does its work in PostgreSQL.

Runs when CELERY_BROKER_URL is a redis:// URL and the database is PostgreSQL (the second half of
.ci/run); skipped on the embedded set-up, where the worker could not see the in-memory test database.
"""

import datetime
import hashlib
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

from clues.tests.factories import CategoryFactory
from rectification.tests.factories import ProblemFactory, RectificationFactory
from rounds.models import Milestone, MilestoneKind
from rounds.tests.factories import RoundFactory
from xuncha.accounts.roles import Role
from xuncha.celery import app as celery_app
from xuncha.core.documents import document_request
from xuncha.core.models import DocumentStatus, GeneratedDocument
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


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_renders_a_feedback_pdf_through_redis():
    rect = RectificationFactory(assignment__unit__name="县农业农村局")
    area = CategoryFactory(name="党的领导")
    ProblemFactory(
        rectification=rect,
        seq=1,
        category=CategoryFactory(name="“三重一大”决策", parent=area),
        title="“三重一大”事项决策程序不规范",
        description="2025年以来，有3项大额资金使用未经领导班子集体研究。",
    )
    queue = f"ci-{uuid.uuid4().hex[:8]}"  # a fresh queue: no stale worker can take the task
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the worker writes the file where this test reads it
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "xuncha", "worker", "--pool", "solo", "-Q", queue, "-l", "info"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    default_queue = celery_app.conf.task_default_queue
    try:
        celery_app.conf.task_always_eager = False
        # document_request enqueues with a plain delay() after commit: route it to this worker's queue.
        celery_app.conf.task_default_queue = queue
        document = document_request(subject=rect, kind="feedback_pdf", title="反馈意见", by=None)
        deadline = time.monotonic() + 120  # WeasyPrint's first start (fonts) takes a while
        while time.monotonic() < deadline and worker.poll() is None:
            document.refresh_from_db()
            if document.status in (DocumentStatus.DONE, DocumentStatus.FAILED):
                break
            time.sleep(0.5)
    finally:
        celery_app.conf.task_default_queue = default_queue
        celery_app.conf.task_always_eager = True
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    document = GeneratedDocument.objects.get(pk=document.pk)
    assert document.status == DocumentStatus.DONE, (
        f"status {document.status}, error {document.error!r}; the worker's log:\n{output[-3000:]}"
    )
    assert document.attempts == 1 and document.fmt == "pdf"
    with document.file.open("rb") as f:
        content = f.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert "render_document" in output and "succeeded" in output
