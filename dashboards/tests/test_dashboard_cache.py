"""The dashboards' figures are cached (xuncha.core.aggregates) and recomputed after any write that
history records: a leader never sees yesterday's figures after a finding is approved."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clues.models import Finding, FindingStatus
from rectification.models import Measure, MeasureStatus
from xuncha.accounts.roles import Role
from xuncha.core import aggregates

from .test_dashboard_views_queries import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = World()
    w.add(1)
    return w


def _figures(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["figs"]


def test_a_finding_approved_shows_on_the_next_view(client_for, make_user, world):
    client = client_for(make_user(Role.LEADER))
    url = f"{reverse('dashboards:county')}?term={world.term.pk}"
    before = _figures(client, url)["findings"]

    draft = Finding.objects.filter(status=FindingStatus.DRAFT).first()
    draft.status = FindingStatus.APPROVED
    draft.approved_at = timezone.now()
    draft.save()  # a write with its history row, as every service writes

    assert _figures(client, url)["findings"] == before + 1


def test_a_measure_closed_shows_on_the_round_dashboard(client_for, make_user, world):
    client = client_for(make_user(Role.OFFICE))
    url = reverse("dashboards:round", args=[world.rectifying.pk])
    before = _figures(client, url)
    measure = Measure.objects.filter(rectification__round=world.rectifying).exclude(status=MeasureStatus.CLOSED).first()
    measure.status = MeasureStatus.CLOSED
    measure.closed_at = timezone.now()
    measure.save()
    after = _figures(client, url)
    assert after["measures_closed"] == before["measures_closed"] + 1


def test_figures_are_not_recomputed_while_nothing_changes(client_for, make_user, world):
    client = client_for(make_user(Role.LEADER))
    url = f"{reverse('dashboards:county')}?term={world.term.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as cold_again:
        client.get(url)
    # A change that bypasses history (a raw UPDATE) is not seen: proof that the second view was served
    # from the cache and did not count again.
    before = _figures(client, url)["findings"]
    Finding.objects.filter(status=FindingStatus.DRAFT).update(status=FindingStatus.APPROVED)
    assert _figures(client, url)["findings"] == before
    assert not any("COUNT" in q["sql"] and "clues_finding" in q["sql"] for q in cold_again.captured_queries)


def test_a_new_day_recomputes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    day = datetime.date(2026, 12, 2)
    tracked = [Finding]
    first = aggregates.cached("t", ["a"], tracked=tracked, today=day, compute=compute)
    again = aggregates.cached("t", ["a"], tracked=tracked, today=day, compute=compute)
    other_scope = aggregates.cached("t", ["b"], tracked=tracked, today=day, compute=compute)
    next_day = aggregates.cached("t", ["a"], tracked=tracked, today=day + datetime.timedelta(days=1), compute=compute)
    assert (first, again, other_scope, next_day) == (1, 1, 2, 3)


def test_the_fingerprint_is_one_query_and_moves_with_history():
    with CaptureQueriesContext(connection) as queries:
        empty = aggregates.fingerprint([Finding, Measure])
    assert len(queries.captured_queries) == 1
    from clues.tests.factories import FindingFactory

    FindingFactory()
    assert aggregates.fingerprint([Finding, Measure]) != empty


def test_a_get_request_reads_the_fingerprint_once_and_a_post_every_time(rf):
    from xuncha.core.aggregates import RequestScope

    counts = {}

    def view(request):
        with CaptureQueriesContext(connection) as ctx:
            aggregates.fingerprint([Finding, Measure])
            aggregates.fingerprint([Finding])
            aggregates.fingerprint([Measure, Finding])
        counts[request.method] = len(ctx.captured_queries)
        from django.http import HttpResponse

        return HttpResponse()

    middleware = RequestScope(view)
    middleware(rf.get("/"))
    middleware(rf.post("/"))
    assert counts == {"GET": 1, "POST": 3}
    with CaptureQueriesContext(connection) as after:
        aggregates.fingerprint([Finding])
    assert len(after.captured_queries) == 1  # outside a request, nothing is remembered


def test_the_warm_up_recomputes_after_a_write_so_the_next_view_is_served_from_the_cache(
    client_for, make_user, world, monkeypatch
):
    from dashboards.tasks import dashboards_warm

    client = client_for(make_user(Role.LEADER))
    url = reverse("dashboards:county")
    before = _figures(client, url)["findings"]
    draft = Finding.objects.filter(status=FindingStatus.DRAFT).first()
    draft.status = FindingStatus.APPROVED
    draft.approved_at = timezone.now()
    draft.save()

    assert dashboards_warm() == 0  # an in-process cache: warming it in a worker would help nobody
    monkeypatch.setattr(aggregates, "cache_is_shared", lambda: True)
    assert dashboards_warm() == 3  # the county and the rounds under way (rectifying, preparing), not the finished one
    with CaptureQueriesContext(connection) as ctx:
        figures = _figures(client, url)
    assert figures["findings"] == before + 1
    assert not any("COUNT" in q["sql"] and "clues_finding" in q["sql"] for q in ctx.captured_queries)
