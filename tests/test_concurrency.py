"""Twenty parallel identical POSTs (issue 13): at every create form, at state changes and at the public
report form, each from its own thread with its own database connection. One effect each, never a 500.

Only on PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises writers anyway, and the row locks and
the unique index that make this hold are PostgreSQL's. The committed world is built once for the module
(TransactionTestCase-style, `transaction=True`) and flushed at the end."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clues.models import Lead
from rectification.models import MeasureEvent, PublicationStatus
from rounds.models import Announcement, Round, Term, Unit
from tests.permission_world import ROLES, build_world
from tests.test_permission_matrix import MATRIX
from tests.test_permission_matrix import _url as matrix_url
from tests.test_writes import CREATES, _client, _more, _post_url, _url, form_data, next_round_number
from xuncha.accounts.tests.factories import PASSWORD
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
                "number": next_round_number(objects),
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


# --- every state change of the permission matrix --------------------------------------------------

# Tables whose rows are bookkeeping of the requests themselves, not their effect: sessions and their
# tokens, the login and audit trails (a refused double click is rightly audited), the worker heartbeat.
BOOKKEEPING = {
    "django_session",
    "django_admin_log",
    "core_submissiontoken",
    "core_heartbeat",
    "security_usersession",
    "audit_securityevent",
    "audit_chainhead",
}
# Not state changes: a reveal or a download is a read that is logged each time it is made; logging out.
READS = {"clues:lead_reveal", "people:notice_download", "logout", "security:session_end"}
# What a rightful user would type where a form asks for it (extra fields are ignored by other forms).
TYPED = {
    "reason": "并发测试：同一页面连续提交",
    "note": "并发测试",
    "correction_note": "并发测试：更正",
    "password": PASSWORD,
}
# The writes that must change something in the permission world (the others find it in a state where they
# are refused with a message, which is checked all the same: no 500, nothing written).
MUST_ACT = {
    "rounds:announcement_withdraw",
    "clues:batch_acknowledge",
    "clues:finding_review",
    "clues:category_delete",
    "rectification:version_new",
    "rectification:version_submit",
    "rectification:version_sign",
    "rectification:version_pdf",
    "rectification:measure_return",
    "rectification:measure_close",
    "rectification:measure_reopen",
    "rectification:publication_withdraw",
    "rectification:feedback_render",
    "dashboards:quality_settings",
    "dashboards:thematic_report",
}
# Rows that undo an earlier row's effect come after it: a measure is closed (a returned one could not be,
# before the unit reports again), reopened, then returned.
AFTER = {
    "rectification:measure_reopen": "rectification:measure_close",
    "rectification:measure_return": "rectification:measure_reopen",
}


def row_counts() -> dict[str, int]:
    """Every table's row count (history tables included: an effect recorded twice shows there), in one
    query."""
    tables = [
        t
        for t in connection.introspection.table_names()
        if t not in BOOKKEEPING and not t.startswith("axes_")
    ]
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def _delta(before: dict, after: dict) -> dict:
    return {t: after[t] - before[t] for t in after if after[t] != before.get(t, 0)}


def _state_changes():
    """Each POST row of the permission matrix that some role may make (its answer a redirect or a page),
    with the first such role (the office where it may)."""
    # Deletions last: what they remove, later rows still act on.
    rows = sorted(MATRIX, key=lambda r: any(w in r[0] for w in ("delete", "remove")))
    for later, earlier in AFTER.items():
        moved = [r for r in rows if r[0] == later]
        rows = [r for r in rows if r[0] != later]
        at = max(i for i, r in enumerate(rows) if r[0] == earlier) + 1
        rows[at:at] = moved
    for name, key, method, expected in rows:
        if method != "post" or name in READS:
            continue
        allowed = [r for r in ROLES if r != "anon" and expected.get(r) in (200, 302)]
        if allowed:
            yield name, key, ("office" if "office" in allowed else allowed[0])


def test_every_state_change_twenty_times_at_once_acts_as_once(world):
    """Twenty identical POSTs of one page (a user's double clicks, a retried request) at each write of the
    matrix: no 500, and the database changes exactly as one POST of it changes it — measured first in a
    transaction rolled back — table by table, history and notifications included."""
    users, objects = world
    failures, acted = [], set()
    for name, key, role in _state_changes():
        url = matrix_url(name, key, objects)
        client = _client(users[role])
        with transaction.atomic():
            before = row_counts()
            once = client.post(url, TYPED)
            expected = _delta(before, row_counts())
            transaction.set_rollback(True)
        cache.clear()
        before = row_counts()
        codes = parallel(same_browser(client), url, TYPED)
        got = _delta(before, row_counts())
        if expected:
            acted.add(name)
        if codes.get(500) or got != expected:
            failures.append((name, role, once.status_code, dict(codes), {"once": expected, "twenty": got}))
    assert not failures, failures
    # The world is in the state these act on: if one stops acting, the test posts the wrong data.
    assert MUST_ACT <= acted, f"these writes changed nothing: {MUST_ACT - acted}"
