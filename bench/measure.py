"""In-process measurements against a bench database (run by bench/run.py with DATABASE_URL set).

    .venv/bin/python bench/measure.py targets   # the pages to time: name, URL, the user who opens it
    .venv/bin/python bench/measure.py queries   # database queries per page (django.test.Client)
    .venv/bin/python bench/measure.py tasks     # sweeps, feedback Word/PDF, Excel export (volume L)
    .venv/bin/python bench/measure.py explain   # EXPLAIN ANALYZE of the queries issue #6 decided on

Each prints one JSON document on stdout. Every write (the sweeps' inbox messages and reminder logs) is
rolled back, so the database stays as generated and a second run measures the same work.
"""

import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXCEL_ROWS = 5000


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()


def targets() -> list[dict]:
    """The pages of issue #6, each with the role that uses it. The floor page is the inbox: a trivial
    logged-in view through the same middleware (one user's messages, paginated)."""
    from django.db.models import Count

    from clues.models import Finding
    from clues.views.findings import PAGE_SIZE as FINDINGS_PAGE
    from rectification.models import Rectification, RectStatus
    from rectification.views.closing import LEDGER_PAGE_SIZE
    from rounds.models import Round

    doc_rect = Rectification.objects.select_related("unit").get(unit__principal_user__username="bench_unit")
    round_pk = Round.objects.get(number=10).pk
    findings_pages = max(1, -(-Finding.objects.count() // FINDINGS_PAGE))
    # The office's working ledger: the largest rectification in progress (a closed one shows other parts).
    biggest = (
        Rectification.objects.filter(status=RectStatus.IN_PROGRESS)
        .annotate(n=Count("measures"))
        .order_by("-n", "pk")
        .first()
    )
    ledger_pages = max(1, -(-biggest.n // LEDGER_PAGE_SIZE))
    deep = max(1, int(findings_pages * 0.8))
    return [
        {"name": "floor", "label": "基准页（站内信 /inbox/）", "url": "/inbox/", "user": "bench_office"},
        {"name": "county", "label": "县级驾驶舱", "url": "/dashboard/", "user": "bench_leader"},
        {
            "name": "round",
            "label": "轮次驾驶舱",
            "url": f"/dashboard/rounds/{round_pk}/",
            "user": "bench_leader",
        },
        {"name": "findings", "label": "问题台账 第1页", "url": "/findings/", "user": "bench_office"},
        {
            "name": "findings_deep",
            "label": f"问题台账 深页（第{deep}/{findings_pages}页）",
            "url": f"/findings/?page={deep}",
            "user": "bench_office",
        },
        {"name": "leads", "label": "线索台账（巡察办）", "url": "/leads/", "user": "bench_office"},
        {"name": "leads_team", "label": "线索台账（组员）", "url": "/leads/", "user": "bench_team"},
        {
            "name": "rect_ledger",
            "label": f"整改台账 第1页（{biggest.n}项措施）",
            "url": f"/rectification/{biggest.pk}/ledger/",
            "user": "bench_office",
        },
        {
            "name": "rect_ledger_deep",
            "label": f"整改台账 末页（第{ledger_pages}页）",
            "url": f"/rectification/{biggest.pk}/ledger/?page={ledger_pages}",
            "user": "bench_office",
        },
        {
            "name": "unit",
            "label": "单位页面（巡察办）",
            "url": f"/units/{doc_rect.unit_id}/",
            "user": "bench_office",
        },
        {
            "name": "unit_own",
            "label": "本单位页面（单位负责人）",
            "url": f"/units/{doc_rect.unit_id}/",
            "user": "bench_unit",
        },
        {"name": "gonggao", "label": "巡察公告（公众）", "url": "/gonggao/", "user": ""},
    ]


def queries() -> dict:
    """Queries per page: each page opened once to warm up, then counted. Also the time of the first
    view after a write (the cached figures cleared), in-process, and its queries."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench_")}
    out = {}
    for target in targets():
        client = Client()
        if target["user"]:
            client.force_login(users[target["user"]])
        client.get(target["url"])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(target["url"])
        cold = []
        for _ in range(3):
            cache.clear()
            with CaptureQueriesContext(connection) as cold_ctx:
                started = time.perf_counter()
                client.get(target["url"])
                cold.append((time.perf_counter() - started) * 1000)
        out[target["name"]] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "cold_ms": sorted(cold)[1],
            "cold_queries": len(cold_ctx.captured_queries),
        }
    return out


def _timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Best of `repeat` runs, each in a transaction that is rolled back."""
    from django.db import transaction

    best, result = None, None
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def _peak_memory(fn) -> int:
    from django.db import transaction

    with transaction.atomic():
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        transaction.set_rollback(True)
    return peak


def tasks() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    from clues.models import Finding, TransferBatch
    from clues.services.transfers import transfer_deadline_sweep
    from clues.views import findings as finding_views
    from rectification.documents.feedback import KIND_FEEDBACK_DOCX, render_feedback_docx, render_feedback_pdf
    from rectification.models import Measure, MeasureStatus, Rectification, RectStatus, Report
    from rectification.services.reminders import due_items, rectification_reminder_sweep
    from xuncha.core.models import GeneratedDocument

    out = {}
    # The daily reminder sweep: time (best of 2, each rolled back), queries, and peak Python memory.
    seconds, digests = _timed(rectification_reminder_sweep, repeat=2)
    with CaptureQueriesContext(connection) as ctx:
        _timed(rectification_reminder_sweep)
    from django.utils import timezone

    users, items = due_items(timezone.localdate())
    open_measures = (
        Measure.objects.exclude(status=MeasureStatus.CLOSED)
        .exclude(rectification__status=RectStatus.CLOSED)
        .count()
    )
    open_reports = (
        Report.objects.filter(submitted_at__isnull=True)
        .exclude(rectification__status=RectStatus.CLOSED)
        .count()
    )
    out["reminder_sweep"] = {
        "seconds": seconds,
        "digests": digests,
        "queries": len(ctx.captured_queries),
        "peak_bytes": _peak_memory(rectification_reminder_sweep),
        "recipients": len(items),
        "items": sum(len(v) for v in items.values()),
        "open_measures": open_measures,
        "open_reports": open_reports,
    }
    seconds, written = _timed(transfer_deadline_sweep, repeat=2)
    with CaptureQueriesContext(connection) as ctx:
        _timed(transfer_deadline_sweep)
    out["transfer_sweep"] = {
        "seconds": seconds,
        "messages": written,
        "queries": len(ctx.captured_queries),
        "open_batches": TransferBatch.objects.exclude(status__in=["draft", "reported"]).count(),
    }

    # The feedback (反馈意见) of the unit with 60 findings, Word and PDF, as the document task renders them.
    rect = Rectification.objects.get(unit__principal_user__username="bench_unit")
    doc = GeneratedDocument(kind=KIND_FEEDBACK_DOCX, title="bench", object_id=rect.pk)
    render_feedback_docx(doc)  # warm-up: imports, fonts
    t0 = time.perf_counter()
    docx = render_feedback_docx(doc)
    docx_s = time.perf_counter() - t0
    render_feedback_pdf(doc)
    t0 = time.perf_counter()
    pdf = render_feedback_pdf(doc)
    pdf_s = time.perf_counter() - t0
    out["feedback"] = {
        "problems": rect.problems.count(),
        "docx_seconds": docx_s,
        "docx_bytes": len(docx),
        "pdf_seconds": pdf_s,
        "pdf_bytes": len(pdf),
    }

    # The findings ledger export (问题台账 Excel, clues.views.findings.FindingExportView) of 5,000 rows: the
    # view's own code, its ledger query cut to the first 5,000 findings; and the whole ledger for reference.
    office = get_user_model().objects.get(username="bench_office")
    original = finding_views._ledger

    def first_rows(request):
        form, filters, qs = original(request)
        return form, filters, qs[:EXCEL_ROWS]

    def export(limit: bool) -> tuple[float, int]:
        request = RequestFactory().get("/findings/export/")
        request.user = office
        request.htmx = False
        finding_views._ledger = first_rows if limit else original
        try:
            t0 = time.perf_counter()
            response = finding_views.FindingExportView.as_view()(request)
            body = b"".join(response.streaming_content)
            return time.perf_counter() - t0, len(body)
        finally:
            finding_views._ledger = original

    export(True)
    seconds, size = export(True)
    out["excel"] = {"rows": min(EXCEL_ROWS, Finding.objects.count()), "seconds": seconds, "bytes": size}
    seconds, size = export(False)
    out["excel_all"] = {"rows": Finding.objects.count(), "seconds": seconds, "bytes": size}
    # The export over HTTP-less client too, to be sure the URL answers (status only).
    client = Client()
    client.force_login(office)
    out["excel"]["status"] = client.get("/findings/export/?severity=grave").status_code
    return out


def _explain(queryset) -> dict:
    """EXPLAIN (ANALYZE) of a queryset: its execution time and the plan lines that decide it."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    keep = (
        "Sort Method",
        "Seq Scan",
        "Index Scan",
        "Index Only Scan",
        "Bitmap Heap Scan",
        "Hash Join",
        "Limit",
    )
    plan = []
    for line in lines:
        text = line.strip().removeprefix("->").strip()
        if text.startswith(keep) and len(plan) < 6:
            plan.append(
                text.split("  (cost=")[0]
                + (f" ({text.split('actual ')[1].split(' loops')[0]})" if "actual " in text else "")
            )
    ms = next(
        (float(line.split(":")[1].split()[0]) for line in lines if line.startswith("Execution Time")), None
    )
    return {"ms": ms, "plan": plan}


def explain() -> list[dict]:
    """The plans behind the decisions of issue #6, measured on this database: each the query Django's
    defaults would run, then the one the page runs."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from clues.selectors import findings, intake
    from clues.views.findings import PAGE_SIZE
    from rectification.models import Rectification, RectStatus
    from rectification.views.closing import LEDGER_PAGE_SIZE

    office = get_user_model().objects.get(username="bench_office")
    ledger = findings.finding_list(office)
    n = ledger.count()
    page = max(1, int(-(-n // PAGE_SIZE) * 0.8))
    offset = (page - 1) * PAGE_SIZE
    grouped_query = findings.ledger_paginator(ledger, PAGE_SIZE).page_queryset(page)

    leads = intake.lead_list(office)
    rect = (
        Rectification.objects.filter(status=RectStatus.IN_PROGRESS)
        .annotate(n=Count("measures"))
        .order_by("-n", "pk")
        .first()
    )
    measures = rect.measures.select_related("problem", "closed_by").order_by("problem__seq", "seq")
    return [
        {
            "what": f"问题台账第{page}页：一条 ORDER BY 轮次/组/编号 OFFSET {offset} 的查询（Django 默认分页）",
            **_explain(ledger[offset : offset + PAGE_SIZE]),
        },
        {
            "what": f"问题台账第{page}页：按巡察组分组后只读所跨的组（GroupedPaginator）",
            **_explain(grouped_query),
        },
        {
            "what": "问题台账：各组条数（GROUP BY，缓存至数据变化）",
            **_explain(ledger.order_by().values("team_id").annotate(n=Count("pk"))),
        },
        {
            "what": "线索列表第1页：按 (-收到日期, -id) 排序（索引 lead_list_order）",
            **_explain(leads[:PAGE_SIZE]),
        },
        {
            "what": f"整改台账第1页（{rect.n}项措施）：措施 JOIN 问题，未限定问题所属整改",
            **_explain(measures[:LEDGER_PAGE_SIZE]),
        },
        {
            "what": "整改台账第1页：同时限定问题属于同一整改（页面实际的查询）",
            **_explain(measures.filter(problem__rectification=rect)[:LEDGER_PAGE_SIZE]),
        },
    ]


def archive() -> dict:
    """The dry run and the import of a generated 5,000-row workbook of past rounds (bench/archive.py)."""
    from bench.archive import run_import

    return run_import()

# The pages timed right after a write (issue 15): the dashboards, whose figures a write changes, and the
# ledgers, whose counts it changes.
WRITE_PAGES = ["county", "round", "findings", "leads", "rect_ledger"]
WRITE_KINDS = ["approve", "close", "lead"]


def _writers(users: dict):
    """The three writes of issue 15, each a function that does one through its service (committed):
    the office approves a finding (巡察办审核), the office closes a measure (销号), a team member records
    a lead. Rows are picked at random (seeded) across the county, as a busy day spreads them."""
    import random

    from django.utils import timezone

    from clues.models import Channel, Finding, FindingStatus
    from clues.services.findings import finding_review
    from clues.services.intake import lead_record
    from rectification.models import Measure, MeasureStatus, RectStatus
    from rectification.services.closing import measure_close
    from rounds.models import Assignment, RoundStatus
    from xuncha import access

    rng = random.Random(15)
    office, member = users["bench_office"], users["bench_team"]
    # The generated findings were written by bench_office, who may not review his own (issue 14): the
    # county's second office account approves them.
    reviewer = users["bench_office2"]
    findings = list(Finding.objects.filter(status=FindingStatus.LEADER_APPROVED).values_list("pk", flat=True))
    measures = list(
        # Open ones: a returned measure is closed only after the unit answered (issue 14).
        Measure.objects.filter(rectification__status=RectStatus.IN_PROGRESS, status=MeasureStatus.OPEN)
        .values_list("pk", flat=True)
    )
    assignments = [
        a
        for a in Assignment.objects.exclude(round__status=RoundStatus.DONE).select_related("round", "team")
        if access.allows(member, "record_lead", a)
    ]
    rng.shuffle(findings)
    rng.shuffle(measures)

    def approve():
        finding_review(finding=Finding.objects.get(pk=findings.pop()), action="approve", by=reviewer)

    def close():
        measure_close(measure=Measure.objects.get(pk=measures.pop()), by=office)

    def lead():
        lead_record(
            assignment=rng.choice(assignments),
            data={"channel": Channel.LETTER, "received_on": timezone.localdate(), "subject_name": "某某",
                  "content": "反映某单位违规发放津补贴。"},  # fmt: skip
            by=member,
        )

    return {"approve": approve, "close": close, "lead": lead}


def writes(base: str = "") -> dict:
    """Issue 15: each write timed (its service, committed), and each page's first view after a write
    (then a second view, warm, as its reference), `BENCH_WRITE_ROUNDS` times per page. Over HTTP
    against the server at `base` (which shares this process's cache, Redis), else in-process. Commits:
    run it after every other measurement of the volume."""
    import requests
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client

    n = int(os.environ.get("BENCH_WRITE_ROUNDS", "20"))  # run.py: 10 at S (it has fewer findings to approve)
    # Untimed write-then-view rounds first, as the pages are warmed up before they are timed: each of the
    # server's workers has then served the page after a write once (what a process keeps for its
    # lifetime: compiled queries, memoized cells, rendered rows), which a long-lived server has long done.
    warmups = int(os.environ.get("BENCH_WRITE_WARMUP", "8"))
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench_")}
    pages = {t["name"]: t for t in targets() if t["name"] in WRITE_PAGES}
    write = _writers(users)
    clients = {}

    def get(target) -> float:
        user = target["user"]
        if user not in clients:
            if base:
                session = requests.Session()
                page = session.get(base + "/accounts/login/")
                token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
                session.post(base + "/accounts/login/", allow_redirects=False,
                             data={"username": user, "password": "bench12345", "csrfmiddlewaretoken": token})  # fmt: skip
                clients[user] = session
            else:
                clients[user] = Client()
                clients[user].force_login(users[user])
        started = time.perf_counter()
        response = clients[user].get((base or "") + target["url"], allow_redirects=False) if base else clients[
            user
        ].get(target["url"])
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{target['url']}: HTTP {response.status_code}")
        return elapsed

    times = {kind: [] for kind in WRITE_KINDS}
    queries = {kind: [] for kind in WRITE_KINDS}
    out = {}
    i = 0
    for name, target in pages.items():
        get(target)
        for w in range(warmups):
            # Closes and leads: the generated county has few findings left to approve (S: a few dozen).
            write[("close", "lead")[w % 2]]()
            get(target)
        cold, warm = [], []
        for _ in range(n):
            kind = WRITE_KINDS[i % len(WRITE_KINDS)]
            i += 1
            connection.force_debug_cursor = True
            reset_queries()
            started = time.perf_counter()
            write[kind]()
            times[kind].append((time.perf_counter() - started) * 1000)
            queries[kind].append(len(connection.queries))
            connection.force_debug_cursor = False
            cold.append(get(target))
            warm.append(get(target))
        out[name] = {"after_write_p50": statistics.median(cold), "after_write_p95": _p95(cold),
                     "warm_p50": statistics.median(warm), "n": n}  # fmt: skip
    out["writes"] = {
        kind: {"p50": statistics.median(t), "p95": _p95(t), "n": len(t), "queries": statistics.median(queries[kind])}
        for kind, t in times.items()
    }
    return out


def writeload(seconds: str, per_second: str) -> dict:
    """The writes of the load test's mixed load: the three writes in turn, paced to `per_second`, for
    `seconds`; their times."""
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench_")}
    write = _writers(users)
    interval, end = 1 / float(per_second), time.perf_counter() + float(seconds)
    times, failed, i = [], 0, 0
    next_at = time.perf_counter()
    while time.perf_counter() < end:
        kind = WRITE_KINDS[i % len(WRITE_KINDS)]
        i += 1
        started = time.perf_counter()
        try:
            write[kind]()
        except Exception:  # noqa: BLE001 - counted and reported, the run goes on
            failed += 1
        times.append((time.perf_counter() - started) * 1000)
        next_at += interval
        time.sleep(max(0.0, next_at - time.perf_counter()))
    return {"writes": len(times), "failed": failed, "p50": statistics.median(times) if times else None,
            "p95": _p95(times) if times else None}  # fmt: skip


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * len(values))) - 1)]


def main(argv: list[str]) -> None:
    setup_django()
    what = argv[1] if len(argv) > 1 else "targets"
    if what == "writes":
        result = writes(argv[2] if len(argv) > 2 else "")
    elif what == "writeload":
        result = writeload(argv[2], argv[3])
    else:
        result = {"targets": targets, "queries": queries, "tasks": tasks, "explain": explain, "archive": archive}[what]()
    print("@@JSON@@" + json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv)
