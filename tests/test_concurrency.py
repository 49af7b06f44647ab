"""Twenty parallel identical POSTs (issue 13): at every create form, at state changes and at the public
report form, each from its own thread with its own database connection. One effect each, never a 500.

Only on PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises writers anyway, and the row locks and
the unique index that make this hold are PostgreSQL's. The committed world is built once for the module
(TransactionTestCase-style, `transaction=True`) and flushed at the end."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clues.models import Lead
from rectification.models import MeasureEvent, PublicationStatus
from rounds.models import Announcement, Round, Term, Unit
from tests.permission_world import build_world
from tests.test_writes import CREATES, _client, _more, _post_url, _url, form_data
from xuncha.core.concurrency import TOKEN_FIELD
from xuncha.notifications.models import Notification

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the concurrency test runs on PostgreSQL (DATABASE_URL=postgres://…); SQLite serialises writers",
    ),
    pytest.mark.django_db(transaction=True),
]

PARALLEL = 20


def parallel(clients, url, forms, **extra) -> Counter:
    """Each client posts its form (one form: the same for all), all at once; the status codes counted."""
    forms = forms if isinstance(forms, list) else [forms] * len(clients)
    barrier = threading.Barrier(len(clients))
    codes: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(client, data):
        try:
            barrier.wait()
            response = client.post(url, data, **extra)
            with lock:
                codes.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(clients, forms, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    close_old_connections()
    assert not errors, errors
    return Counter(codes)


def same_browser(client: Client) -> list[Client]:
    """The client and copies sharing its session: one user's repeated clicks in one browser."""
    copies = []
    for _ in range(PARALLEL - 1):
        other = Client()
        other.cookies = client.cookies
        copies.append(other)
    return [client, *copies]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    users, objects = build_world()
    _more(users, objects)
    return users, objects


def test_twenty_identical_posts_act_once(world):
    users, objects = world
    failures = []

    # Every create form: the same page (one token) posted twenty times at once.
    for page, action, args, role, data, count in CREATES:
        client = _client(users[role])
        posted = form_data(client.get(_url(objects, page, args)).content, TOKEN_FIELD) | data(objects)
        before = count(objects)
        codes = parallel(same_browser(client), _post_url(objects, page, action, args), posted)
        if codes.get(500) or set(codes) - {302} or count(objects) != before + 1:
            failures.append((action or page, dict(codes), count(objects) - before))

    # Unique fields raced with different tokens: one row, the others a form error (200), no 500.
    office = users["office"]
    for name, data, count in (
        ("rounds:unit_create", {"name": "县商务局", "unit_type": "department"}, Unit.objects.count),
        (
            "rounds:term_create",
            {"name": "第十七届县委", "start_date": "2036-01-01", "end_date": "2040-12-31"},
            Term.objects.count,
        ),
        (
            "rounds:round_create",
            {
                "term": str(objects["term"].pk),
                "number": "12",
                "kind": "regular",
                "theme": "常规巡察",
                "planned_start": "2030-03-01",
                "planned_end": "2030-05-31",
            },
            Round.objects.count,
        ),
    ):
        before = count()
        clients = [_client(office) for _ in range(PARALLEL)]
        url = reverse(name)
        forms = [form_data(c.get(url).content, TOKEN_FIELD) | data for c in clients]
        codes = parallel(clients, url, forms)
        if codes.get(500) or codes.get(302) != 1 or count() != before + 1:
            failures.append((f"{name} (unique)", dict(codes), count() - before))

    # 退回 one measure twenty times from one page (the same version): one return, one set of notices.
    rect, measure = objects["rect"], objects["measure"]
    office_client = _client(office)
    url = reverse("rectification:measure_return", args=[rect.pk, measure.pk])
    notices = Notification.objects.count()
    codes = parallel(
        same_browser(office_client), url, {"reason": "佐证材料不足", "version": str(measure.version)}
    )
    returns = MeasureEvent.objects.filter(measure=measure, action=MeasureEvent.Action.RETURN).count()
    recipients = len(rect.unit.own_users)
    if codes.get(500) or returns != 1 or Notification.objects.count() - notices != recipients:
        failures.append(("measure_return", dict(codes), returns))

    # 公开 a draft publication twenty times at once: published once.
    pub = objects["draft_publication"]
    codes = parallel(
        same_browser(office_client), reverse("rectification:publication_publish", args=[rect.pk, pub.pk]), {}
    )
    pub.refresh_from_db()
    if (
        codes.get(500)
        or pub.status != PublicationStatus.PUBLISHED
        or pub.history.filter(status="published").count() != 1
    ):
        failures.append(("publication_publish", dict(codes), pub.status))

    # The public report form: twenty reports from one address at once, five an hour.
    announcement = objects["announcement_a"]
    Announcement.objects.filter(pk=announcement.pk).update(end_date=timezone.localdate() + timedelta(days=10))
    before = Lead.objects.filter(is_public_report=True).count()
    report_url = reverse("clues:public_report", args=[announcement.pk])
    citizens = [Client() for _ in range(PARALLEL)]
    forms = [
        form_data(c.get(report_url).content, "content") | {"content": f"反映问题{i}。"}
        for i, c in enumerate(citizens)
    ]
    codes = parallel(citizens, report_url, forms, REMOTE_ADDR="203.0.113.7")
    stored = Lead.objects.filter(is_public_report=True).count() - before
    if codes.get(500) or stored != 5:
        failures.append(("public_report", dict(codes), stored))

    assert not failures, failures
