"""`make bench`: the benchmark of issue #6, written to BENCHMARKS.md.

For each volume (BENCH_VOLUMES, default "S L"): drop and create the PostgreSQL database
xuncha_bench_<volume> (BENCH_PG, default postgres://postgres@127.0.0.1:5432), migrate it, generate the
synthetic county (bench/generate.py), serve it with gunicorn under production settings (DEBUG off) on a
free port, and time over real HTTP, as the role that uses each page, 200 sequential requests per page
after 5 warm-ups. Queries per page are counted in-process (bench/measure.py queries). At the largest
volume it also times the reminder sweeps, the feedback Word and PDF and the 5,000-row Excel export
(bench/measure.py tasks), and runs 50 concurrent users for 60 s with locust (bench/locustfile.py).

Environment: BENCH_VOLUMES="S L", BENCH_REQUESTS=200, BENCH_WARMUP=5, BENCH_LOAD_SECONDS=60,
BENCH_LOAD_USERS=50, BENCH_WORKERS=4 (gunicorn), BENCH_KEEP_DB=1 (keep the databases afterwards).
"""

import base64
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
VOLUMES = os.environ.get("BENCH_VOLUMES", "S L").split()
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
N_WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
LOAD_USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
# Writes per second during the load test: about a tenth of what the 50 users ask (about 40 requests a
# second when they are served at once); the share measured is reported.
LOAD_WRITES = float(os.environ.get("BENCH_LOAD_WRITES", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PASSWORD = "bench12345"

# Targets of issue #6.
P50_MS = 80
FLOOR_RATIO = 3
SWEEP_S = 10
PDF_S = 3
DOCX_S = 1
EXCEL_S = 5
ARCHIVE_S = 10  # 历史轮次录入 of 5,000 rows: the dry run, and the import (issue #17)
LOAD_P95_MS = 300
# Issue 15: the first view after a write, and the writes.
AFTER_WRITE = {"county": (100, 250), "round": (60, None)}  # p50, p95 ms
AFTER_WRITE_LEDGER_RATIO = 1.5  # a ledger's first view after a write, against its warm view
WRITE_P50_MS = 60
CPU_VALID_SHARE = 0.5  # the load test's server (gunicorn) must get at least this share of the machine


def log(msg: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {msg}", flush=True)


# --- the database -----------------------------------------------------------------------------------


def psql(sql: str) -> str:
    url = urlsplit(PG)
    cmd = [
        "psql",
        "-h",
        url.hostname or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
    ]
    cmd += ["-d", "postgres", "-v", "ON_ERROR_STOP=1", "-tAc", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def recreate_database(name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")


def django_env(db: str, var_dir: Path, cache_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG.rstrip('/')}/{db}",
        CACHE_REDIS_URL=cache_url,
        XUNCHA_VAR_DIR=str(var_dir),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("CELERY_BROKER_URL", None)  # the file-system broker in var_dir: nothing to start
    return env


def run_py(args: list[str], env: dict) -> str:
    proc = subprocess.run([PY, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return proc.stdout


def measure(what: str, env: dict) -> object:
    out = run_py(["bench/measure.py", what], env)
    return json.loads(out.split("@@JSON@@", 1)[1])


# --- the cache: Redis, as in production (issue 15) --------------------------------------------------


class Redis:
    """A private redis-server on a free port (no persistence), or BENCH_REDIS_URL when given. The web
    processes and the in-process measurements share it, as production's web and workers do: with a
    per-process cache, a write made each gunicorn worker recompute in turn."""

    def __init__(self, log_path: Path):
        self.proc = None
        self.url = os.environ.get("BENCH_REDIS_URL", "")
        if self.url:
            return
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server): the bench uses Redis")
        port = free_port()
        self.log = open(log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.url = f"redis://127.0.0.1:{port}/0"
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"redis-server did not answer; see {log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(15)
            self.log.close()


# --- the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"), "xuncha.wsgi", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(WORKERS), "--access-logfile", "-", "--log-level", "warning",
            ],  # fmt: skip
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited at once; see {log_path}")
            try:
                requests.get(self.base + "/accounts/login/", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer; see {log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    if not username:
        return session
    page = session.get(base + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed ({response.status_code})")
    return session


def time_pages(base: str, targets: list[dict]) -> dict:
    sessions = {}
    out = {}
    for target in targets:
        user = target["user"]
        if user not in sessions:
            sessions[user] = login(base, user)
        session = sessions[user]
        url = base + target["url"]
        for _ in range(N_WARMUP):
            session.get(url)
        times, bad = [], 0
        for _ in range(N_REQUESTS):
            t0 = time.perf_counter()
            response = session.get(url, allow_redirects=False)
            times.append((time.perf_counter() - t0) * 1000)
            bad += response.status_code != 200
        times.sort()
        out[target["name"]] = {
            "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)],
            "errors": bad,
            "bytes": len(response.content),
        }
        log(
            f"  {target['name']:<18} p50 {out[target['name']]['p50']:7.1f} ms  p95 {out[target['name']]['p95']:7.1f} ms"
        )
    return out


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the processes sharing the machine in the load test, by kind."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {"gunicorn": 0.0, "postgres": 0.0, "redis-server": 0.0, "locust": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        for kind in out:
            if kind in cmdline:
                # utime + stime, and cutime + cstime: PostgreSQL's backends that ended during the run
                # (a connection closed after DATABASE_CONN_MAX_AGE) are in the postmaster's account.
                out[kind] += sum(int(f) for f in fields[11:15]) / ticks
                break
    return out


def load_test(base: str, targets: list[dict], workdir: Path, django: dict) -> dict:
    locust = Path(PY).parent / "locust"
    if not locust.exists():
        return {"skipped": "locust is not installed in .venv (uv sync --frozen installs the dev group)"}
    prefix = workdir / "locust"
    accounts = sorted({t["user"] for t in targets if t["user"]})
    sessions = {user: login(base, user).cookies.get_dict() for user in accounts}
    env = dict(
        os.environ,
        BENCH_TARGETS=json.dumps(targets),
        BENCH_PASSWORD=PASSWORD,
        BENCH_SESSIONS=json.dumps(sessions),
    )
    cmd = [
        str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--users", str(LOAD_USERS),
        "--spawn-rate", "10", "--run-time", f"{LOAD_SECONDS}s", "--host", base, "--csv", str(prefix),
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    before, started, children_before = cpu_seconds(), time.perf_counter(), os.times()
    # The writes of the mixed load (issue 15): a process that makes them through the services, paced to
    # about a tenth of the requests the users make (BENCH_LOAD_WRITES per second).
    writer = subprocess.Popen(
        [PY, "bench/measure.py", "writeload", str(LOAD_SECONDS), str(LOAD_WRITES)],
        cwd=ROOT, env=django, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    out, err = writer.communicate(timeout=LOAD_SECONDS + 120)
    writes = json.loads(out.split("@@JSON@@", 1)[1]) if "@@JSON@@" in out else {"error": err[-500:]}
    # locust's own process has ended: its CPU is in its children's account, read from the run itself.
    after = cpu_seconds()
    used = {kind: after[kind] - before[kind] for kind in ("gunicorn", "postgres", "redis-server")}
    stats = prefix.with_name("locust_stats.csv")
    if not stats.exists():
        return {"skipped": f"locust failed: {proc.stderr[-500:]}"}
    import csv

    rows = list(csv.DictReader(stats.open()))
    agg = next(r for r in rows if r["Name"] == "Aggregated")
    if agg["50%"] in ("", "N/A"):
        return {"skipped": f"locust completed no request: {proc.stderr[-500:]}", "writes": writes}
    pages = {
        r["Name"]: {"p50": float(r["50%"]), "p95": float(r["95%"]), "requests": int(r["Request Count"])}
        for r in rows
        if r["Name"] not in ("Aggregated", "login")
    }
    children = os.times()
    used["locust"] = (children.children_user + children.children_system) - (
        children_before.children_user + children_before.children_system
    )
    return {
        "cpu": {kind: round(seconds, 1) for kind, seconds in used.items()},
        "cpu_available": round(wall * (os.cpu_count() or 1), 1),
        "requests": int(agg["Request Count"]),
        "failures": int(agg["Failure Count"]),
        "rps": float(agg["Requests/s"]),
        "p50": float(agg["50%"]),
        "p95": float(agg["95%"]),
        "p99": float(agg["99%"]),
        "pages": pages,
        "writes": writes,
        "loadavg": os.getloadavg(),
    }


# --- the machine ----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": psql("SHOW server_version"),
    }


# --- the report -----------------------------------------------------------------------------------


# Why a page may miss its target, said with the miss (measured with cProfile on the L database).
WHY = {
    "rect_ledger": " — its rows are cached rendered; what is left is the tab's fixed work (measured with cProfile "
    "at L): the rectification with its access decisions, 13 queries of about 1 ms each, the close blockers "
    "and the office's two forms a row, rendered live",
    "rect_ledger_deep": " — as the first page: the same fixed work",
}


def mark(ok: bool) -> str:
    return "✅ met" if ok else "❌ missed"


def write_report(info: dict, results: dict, path: Path) -> None:
    volumes = list(results)
    big = volumes[-1]
    lines = [
        "# 巡察通 benchmark (`make bench`)",
        "",
        f"Generated by `bench/run.py` on {info['started']:%Y-%m-%d %H:%M}; regenerated by every run. Issues #6 and #15.",
        "",
        "## Machine",
        "",
        f"- CPUs: {info['machine']['cpus']} × {info['machine']['cpu']}",
        f"- RAM: {info['machine']['ram']}",
        f"- PostgreSQL {info['machine']['postgres']}, Python {info['machine']['python']}, {info['machine']['os']}",
        f"- gunicorn: {WORKERS} sync workers, `DJANGO_DEBUG=0`, WhiteNoise static files; client, server and "
        "database on the same machine.",
        "",
        "## Data generated",
        "",
        "Written by `bench/generate.py` with bulk inserts (COPY for the progress entries), bypassing the "
        "services: **no simple-history rows** for the generated data, no notifications sent.",
        "",
        "| Table | " + " | ".join(volumes) + " |",
        "|---|" + "---:|" * len(volumes),
    ]
    names = list(results[big]["generated"]["counts"])
    for name in names:
        lines.append(
            f"| {name} | "
            + " | ".join(f"{results[v]['generated']['counts'].get(name, 0):,}" for v in volumes)
            + " |"
        )
    lines.append(
        "| **time to generate** | "
        + " | ".join(f"{results[v]['generated']['seconds']:.1f} s" for v in volumes)
        + " |"
    )
    lines.append(
        "| time to migrate (empty DB) | "
        + " | ".join(f"{results[v]['migrate_seconds']:.1f} s" for v in volumes)
        + " |"
    )
    lines += [
        "",
        f"## Pages over HTTP ({N_REQUESTS} sequential requests each after {N_WARMUP} warm-ups)",
        "",
        f"Target at {big}: p50 ≤ {P50_MS} ms and ≤ {FLOOR_RATIO}× the floor page; queries identical at every volume.",
        "",
        f"*cold*: the view with the cache emptied (Redis flushed, as after its restart): every figure "
        f"recomputed (in-process, median of 3, at {big}; with its queries). The first view after a write is "
        "measured on its own below. Every later view until the next write is what the timed columns measure.",
        "",
    ]
    header = "| Page | URL | user |"
    sep = "|---|---|---|"
    for v in volumes:
        header += f" {v} p50 ms | {v} p95 ms | {v} ×floor | {v} queries |"
        sep += "---:|---:|---:|---:|"
    header += f" {big} cold ms | target |"
    sep += "---:|---|"
    lines += [header, sep]
    missed = []
    targets = results[big]["targets"]
    for target in targets:
        name = target["name"]
        row = f"| {target['label']} | `{target['url']}` | {target['user'] or '公众'} |"
        for v in volumes:
            page = results[v]["pages"][name]
            floor = results[v]["pages"]["floor"]["p50"]
            q = results[v]["queries"][name]
            status = (
                ""
                if q["status"] == 200 and not page["errors"]
                else f" (HTTP {q['status']}, {page['errors']} errors)"
            )
            row += f" {page['p50']:.1f} | {page['p95']:.1f} | {page['p50'] / floor:.1f} | {q['queries']}{status} |"
        cold = results[big]["queries"][name]
        row += f" {cold.get('cold_ms', 0):.0f} ({cold.get('cold_queries', '?')} q) |"
        page = results[big]["pages"][name]
        ratio = page["p50"] / results[big]["pages"]["floor"]["p50"]
        counts = {results[v]["queries"][name]["queries"] for v in volumes}
        cold_counts = {results[v]["queries"][name].get("cold_queries") for v in volumes}
        ok_time = page["p50"] <= P50_MS and (name == "floor" or ratio <= FLOOR_RATIO)
        ok_queries = len(counts) == 1 and len(cold_counts) == 1
        verdicts = []
        verdicts.append(mark(ok_time) + (" time" if not ok_time else ""))
        if not ok_queries:
            verdicts.append("❌ queries differ")
        if not ok_time:
            missed.append(
                f"{target['label']}: p50 {page['p50']:.0f} ms, {ratio:.1f}× floor at {big}" + WHY.get(name, "")
            )
        if not ok_queries:
            missed.append(
                f"{target['label']}: queries "
                + " / ".join(str(results[v]["queries"][name]["queries"]) for v in volumes)
            )
        row += " " + ", ".join(verdicts) + " |"
        lines.append(row)

    if all("writes" in results[v] for v in volumes):
        lines += [
            "",
            "## The first view after a write (issue 15)",
            "",
            f"Each page opened right after a write ({results[big]['writes']['county']['n']} times per page, the "
            "writes in turn: the office approves a finding, the office closes a measure, a team member records a "
            "lead; rows picked at random across the county), over HTTP against the same server and the same "
            "Redis cache; then opened again (*warm*, the reference of the ledgers' target). Before they are timed, "
            "8 untimed rounds of the same (as the pages are warmed up): each of the server's 4 workers has then "
            "served the page after a write, as a long-running server's have. Targets at "
            f"{big}: county dashboard p50 ≤ {AFTER_WRITE['county'][0]} ms and p95 ≤ {AFTER_WRITE['county'][1]} ms, "
            f"round dashboard p50 ≤ {AFTER_WRITE['round'][0]} ms, ledgers ≤ {AFTER_WRITE_LEDGER_RATIO}× their warm "
            "time.",
            "",
        ]
        header, sep = "| Page |", "|---|"
        for v in volumes:
            header += f" {v} after write p50 | {v} p95 | {v} warm p50 |"
            sep += "---:|---:|---:|"
        lines += [header + " target |", sep + "---|"]
        labels = {t["name"]: t["label"] for t in targets}
        for name, page in results[big]["writes"].items():
            if name == "writes":
                continue
            row = f"| {labels.get(name, name)} |"
            for v in volumes:
                w = results[v]["writes"][name]
                row += f" {w['after_write_p50']:.0f} ms | {w['after_write_p95']:.0f} ms | {w['warm_p50']:.0f} ms |"
            if name in AFTER_WRITE:
                p50, p95 = AFTER_WRITE[name]
                ok = page["after_write_p50"] <= p50 and (p95 is None or page["after_write_p95"] <= p95)
                what = f"p50 {page['after_write_p50']:.0f} ms, p95 {page['after_write_p95']:.0f} ms"
            else:
                ratio = page["after_write_p50"] / page["warm_p50"]
                ok = ratio <= AFTER_WRITE_LEDGER_RATIO
                what = f"{ratio:.2f}× its warm time"
            row += f" {mark(ok)} |"
            if not ok:
                missed.append(f"first view after a write, {labels.get(name, name)}: {what} at {big}")
            lines.append(row)
        lines += [
            "",
            f"Writes, timed in-process through their services (committed; with whatever they maintain), target p50 ≤ "
            f"{WRITE_P50_MS} ms at {big}:",
            "",
            "| Write | " + " | ".join(f"{v} p50 | {v} p95 | {v} queries" for v in volumes) + " | target |",
            "|---|" + "---:|---:|---:|" * len(volumes) + "---|",
        ]
        names = {"approve": "巡察办审定问题底稿 (finding_review)", "close": "措施销号 (measure_close)",
                 "lead": "登记问题线索 (lead_record)"}  # fmt: skip
        for kind, label in names.items():
            row = f"| {label} |"
            for v in volumes:
                w = results[v]["writes"]["writes"][kind]
                row += f" {w['p50']:.0f} ms | {w['p95']:.0f} ms | {w['queries']:.0f} |"
            ok = results[big]["writes"]["writes"][kind]["p50"] <= WRITE_P50_MS
            if not ok:
                missed.append(f"write {label}: p50 {results[big]['writes']['writes'][kind]['p50']:.0f} ms at {big}")
            lines.append(row + f" {mark(ok)} |")

    tasks = results[big].get("tasks")
    if tasks:
        sweep, transfer, fb, xl, xl_all = (
            tasks["reminder_sweep"], tasks["transfer_sweep"], tasks["feedback"], tasks["excel"], tasks["excel_all"]
        )  # fmt: skip
        lines += [
            "",
            f"## Sweeps and documents at {big} (in-process; each write rolled back)",
            "",
            "| What | Measured | Target | |",
            "|---|---|---|---|",
            f"| Daily rectification reminder sweep (`rectification_reminder_sweep`) | {sweep['seconds']:.2f} s, "
            f"{sweep['queries']} queries, peak Python memory {sweep['peak_bytes'] / 1e6:.1f} MB; {sweep['digests']} digests "
            f"to {sweep['recipients']} people, {sweep['items']} items, over {sweep['open_measures']:,} open measures and "
            f"{sweep['open_reports']:,} unsubmitted reports | ≤ {SWEEP_S} s, bounded memory | {mark(sweep['seconds'] <= SWEEP_S)} |",
            f"| Transfer overdue sweep (`transfer_deadline_sweep`) | {transfer['seconds']:.2f} s, {transfer['queries']} queries, "
            f"{transfer['messages']} messages, {transfer['open_batches']} open batches | ≤ {SWEEP_S} s | "
            f"{mark(transfer['seconds'] <= SWEEP_S)} |",
            f"| Feedback (反馈意见) Word, {fb['problems']} problems | {fb['docx_seconds']:.2f} s ({fb['docx_bytes'] / 1e3:.0f} kB) "
            f"| ≤ {DOCX_S} s | {mark(fb['docx_seconds'] <= DOCX_S)} |",
            f"| Feedback (反馈意见) PDF, {fb['problems']} problems | {fb['pdf_seconds']:.2f} s ({fb['pdf_bytes'] / 1e3:.0f} kB) "
            f"| ≤ {PDF_S} s | {mark(fb['pdf_seconds'] <= PDF_S)} |",
            f"| Findings ledger Excel export, {xl['rows']:,} rows | {xl['seconds']:.2f} s ({xl['bytes'] / 1e6:.1f} MB) | ≤ {EXCEL_S} s "
            f"| {mark(xl['seconds'] <= EXCEL_S)} |",
            f"| (for reference) the whole ledger, {xl_all['rows']:,} rows | {xl_all['seconds']:.2f} s | — | |",
        ]
        arc = tasks.get("archive")
        if arc:
            lines += [
                f"| Past rounds (历史轮次录入) workbook, {arc['rows']:,} rows: dry run (upload, check, figures before "
                f"and after) | {arc['dry_run_seconds']:.2f} s | ≤ {ARCHIVE_S} s | {mark(arc['dry_run_seconds'] <= ARCHIVE_S)} |",
                f"| Past rounds workbook, {arc['rows']:,} rows: confirmed import (re-checked, all or nothing) "
                f"| {arc['import_seconds']:.2f} s | ≤ {ARCHIVE_S} s | {mark(arc['import_seconds'] <= ARCHIVE_S)} |",
            ]
            for label, value in (("archive dry run", arc["dry_run_seconds"]), ("archive import", arc["import_seconds"])):
                if value > ARCHIVE_S:
                    missed.append(f"{label}: {value:.1f} s")
        for label, ok, value in (
            ("reminder sweep", sweep["seconds"] <= SWEEP_S, f"{sweep['seconds']:.1f} s"),
            ("transfer sweep", transfer["seconds"] <= SWEEP_S, f"{transfer['seconds']:.1f} s"),
            ("feedback Word", fb["docx_seconds"] <= DOCX_S, f"{fb['docx_seconds']:.2f} s"),
            ("feedback PDF", fb["pdf_seconds"] <= PDF_S, f"{fb['pdf_seconds']:.2f} s"),
            ("Excel 5,000 rows", xl["seconds"] <= EXCEL_S, f"{xl['seconds']:.2f} s"),
        ):
            if not ok:
                missed.append(f"{label}: {value}")
    load = results[big].get("load")
    if load:
        lines += [
            "",
            f"## {LOAD_USERS} concurrent users for {LOAD_SECONDS} s (locust, headless) at {big}",
            "",
        ]
        if "skipped" in load:
            lines.append(f"Not run: {load['skipped']}")
            missed.append("load test not run")
        else:
            cpu = load.get("cpu") or {}
            share = cpu.get("gunicorn", 0) / load["cpu_available"] if load.get("cpu_available") else 0
            valid = share >= CPU_VALID_SHARE
            ok = load["p95"] <= LOAD_P95_MS and load["failures"] == 0
            leader = [load["pages"][n]["p95"] for n in ("county", "round") if n in load["pages"]]
            ok_leader = bool(leader) and max(leader) <= LOAD_P95_MS
            if not valid:
                lines += [
                    f"**This run is not valid for the app**: its server (gunicorn) got {share:.0%} of the machine's "
                    f"CPU, less than half (load average at the end {load['loadavg'][0]:.1f} on "
                    f"{os.cpu_count()} cores): other processes on the shared machine took the rest, and the latencies "
                    "below measure the machine, not the app. Run it again on a quiet machine.",
                    "",
                ]
            w = load.get("writes") or {}
            lines += [
                "Each user is one of the bench accounts (or anonymous) and opens that account's pages one after "
                "the other, then thinks 0.5–1.5 s, and again. The accounts' sessions are opened before the run "
                "(a login's deliberate PBKDF2 hash is about 0.3 s of CPU; a login storm is not the steady state "
                "measured here). Locust runs on the same 2-core machine as the server and the database, so it "
                "takes CPU from them.",
                "",
                "| Requests | Failures | req/s | p50 ms | p95 ms | p99 ms | Target | |",
                "|---:|---:|---:|---:|---:|---:|---|---|",
                f"| {load['requests']:,} | {load['failures']} | {load['rps']:.1f} | {load['p50']:.0f} | {load['p95']:.0f} "
                f"| {load['p99']:.0f} | p95 ≤ {LOAD_P95_MS} ms, no errors | {mark(ok) if valid else '— not valid'} |",
                "",
                f"Writes during the run (a separate process through the services, about {LOAD_WRITES:g} a second, "
                "the three writes in turn): "
                + (
                    f"{w['writes']} writes ({w['writes'] / (w['writes'] + load['requests']):.0%} of all requests and "
                    f"writes), {w['failed']} refused or failed, p50 {w['p50']:.0f} ms, p95 {w['p95']:.0f} ms."
                    if w.get("writes")
                    else f"not run ({w.get('error', '')})."
                )
                + f" Leader pages (county, round) p95: {', '.join(f'{x:.0f} ms' for x in leader)} — target ≤ "
                f"{LOAD_P95_MS} ms: {mark(ok_leader) if valid else '— not valid'}.",
                "",
                "| Page | requests | p50 ms | p95 ms |",
                "|---|---:|---:|---:|",
            ]
            for name, page in sorted(load["pages"].items()):
                lines.append(f"| {name} | {page['requests']} | {page['p50']:.0f} | {page['p95']:.0f} |")
            cpu = load.get("cpu")
            if cpu:
                shares = ", ".join(
                    f"{kind} {seconds:.0f} s ({seconds / load['cpu_available']:.0%})" for kind, seconds in cpu.items()
                )
                # What the users ask, served at once: each opens its account's pages, then thinks 1 s on average.
                accounts = sorted({t["user"] for t in targets if t["user"]}) + [""]
                pages = {a: [t for t in targets if t["user"] == a and t["name"] != "floor"] for a in accounts}
                asked = sum(len(pages[accounts[i % len(accounts)]]) for i in range(LOAD_USERS))
                per_request = (cpu.get("gunicorn", 0) + cpu.get("postgres", 0)) / max(load["requests"], 1) * 1000
                capacity = (load["cpu_available"] - cpu.get("locust", 0)) / LOAD_SECONDS / per_request * 1000
                lines += [
                    "",
                    f"CPU used during the run, of {load['cpu_available']:.0f} core-seconds: {shares}."
                    + (
                        f" A request cost {per_request:.0f} ms of CPU (server and database): what the load tool leaves "
                        f"of the two cores serves at most about {capacity:.0f} such requests a second, while the "
                        f"{LOAD_USERS} users, each opening its pages and then thinking 1 s on average, ask for about "
                        f"{asked:.0f} a second: the server ran at full load and the latency is the queue in front of it."
                        if sum(cpu.values()) > 0.9 * load["cpu_available"]
                        else ""
                    ),
                ]
            if not valid:
                missed.append(
                    f"{LOAD_USERS} users: not valid for the app — its server got {share:.0%} of the CPU (< half)"
                )
            elif not ok or not ok_leader:
                missed.append(
                    f"{LOAD_USERS} users: p95 {load['p95']:.0f} ms (leader pages {max(leader or [0]):.0f} ms), "
                    f"{load['failures']} failures — CPU-bound: the machine's two cores are shared by the server, the "
                    "database and the load tool (see the CPU line)"
                )
    plans = results[big].get("explain")
    if plans:
        lines += [
            "",
            f"## Query plans at {big} (EXPLAIN ANALYZE, measured in this run)",
            "",
            "Where a plan decided the design: the query Django's defaults would run, then the one the page runs.",
            "",
            "| Query | Execution | Plan (the deciding lines) |",
            "|---|---:|---|",
        ]
        for plan in plans:
            ms = "—" if plan["ms"] is None else f"{plan['ms']:.1f} ms"
            lines.append(f"| {plan['what']} | {ms} | " + "<br>".join(plan["plan"]).replace("|", "\\|") + " |")
    lines += [
        "",
        "## How",
        "",
        "- Dashboards (issue 15): the figures are composed from per-round summaries "
        "(`dashboards/selectors/round_figures.py`): each round's counts by team × unit type, × category and "
        "area, the units its teams inspected and the measures started and closed per week, computed by one "
        "grouped `COUNT(*) FILTER` query per source (no `COUNT(DISTINCT)`: every join follows a foreign key) for "
        "all the rounds missing from the cache together, and cached under a token per round: the newest "
        "history ids of the rows that touched it, read from the history tables since the last view. A summary "
        "is kept in parts (one per source, the archival counts, the weekly series), each under the tokens of "
        "the tables its own SQL reads: a finding approved recomputes one query of its round, a measure closed "
        "three. A round's page body is kept under its own round's tokens, and the trend of the term's rounds "
        "(on every page) is a fragment of its own: a write in another round re-renders a round's page only "
        "there. The county's body is rendered again from the cached summaries; the cells of its breakdown "
        "tables are written in Python and memoized on their link and numbers, so the unchanged rounds' rows are "
        "not built again. A warm view reads one index-only fingerprint query and the cache.",
        "- Ledgers: counts, totals per severity, the per-team counts and the filter options are cached the same "
        "way, keyed on the user, his roles and the filters; the rows themselves are always read live. The "
        "findings ledger pages by team (`GroupedPaginator`), the leads list reads an index in its order, the "
        "measures ledger joins its own problems by index, reads each measure's latest progress in one query "
        "(unordered, without the report texts) and keeps each row's cells rendered in the process's memory "
        "under everything they show (the measure's version, number, deadline mark, latest progress, events and "
        "who acted); the office's forms, with their CSRF tokens, are rendered live.",
        "- Templates: the pagination bar no longer loops over every page; selects are written without a template "
        "per option; row badges are filters, not includes.",
        "- First views after a write are measured on their own, with the writes themselves; the query-count "
        "tests count that path and the cold one (`dashboards/tests/test_round_figures.py`, "
        "`dashboards/tests/test_dashboard_views_queries.py`, `clues/tests/test_ledger.py`, "
        "`clues/tests/test_intake.py`, `rectification/tests/test_closing_views.py`, `rounds/tests/`).",
    ]
    lines += ["", "## Summary", ""]
    if missed:
        lines.append("Targets missed:")
        lines += [f"- {m}" for m in missed]
    else:
        lines.append("Every target met.")
    lines.append("")
    path.write_text("\n".join(lines))


# --- main -----------------------------------------------------------------------------------------


# The last run's measurements: `bench/run.py --report` writes BENCHMARKS.md from them again (after a change
# to the report's text) without measuring anything.
RESULTS = ROOT / "var" / "bench" / "results.json"


def report_again() -> None:
    saved = json.loads(RESULTS.read_text())
    info = dict(saved["info"], started=datetime.fromisoformat(saved["info"]["started"]))
    write_report(info, saved["results"], ROOT / "BENCHMARKS.md")
    log(f"wrote BENCHMARKS.md from {RESULTS}")


def main() -> None:
    if "--report" in sys.argv[1:]:
        return report_again()
    info = {"started": datetime.now(), "machine": machine()}
    log(f"machine: {info['machine']}")
    workdir = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    var_dir = workdir / "var"
    var_dir.mkdir()
    results = {}
    redis = Redis(workdir / "redis.log")
    try:
        for i, volume in enumerate(VOLUMES):
            db = f"xuncha_bench_{volume.lower()}"
            env = django_env(db, var_dir, redis.url)
            run_py(["-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'xuncha.settings'); "
                    "django.setup(); from django.core.cache import cache; cache.clear()"], env)  # fmt: skip
            log(f"{volume}: creating {db} and migrating")
            recreate_database(db)
            t0 = time.perf_counter()
            run_py(["manage.py", "migrate", "--noinput", "-v0"], env)
            migrate_seconds = time.perf_counter() - t0
            if i == 0:
                run_py(["manage.py", "collectstatic", "--noinput", "-v0"], env)
            log(f"{volume}: generating")
            generated = json.loads(run_py(["bench/generate.py", volume], env).strip().splitlines()[-1])
            log(f"{volume}: generated in {generated['seconds']} s: {generated['counts']}")
            targets = measure("targets", env)
            queries = measure("queries", env)
            log(f"{volume}: queries per page {json.dumps({k: v['queries'] for k, v in queries.items()})}")
            result = {
                "generated": generated, "migrate_seconds": migrate_seconds, "targets": targets, "queries": queries,
            }  # fmt: skip
            last = i == len(VOLUMES) - 1
            if last:
                log(f"{volume}: sweeps, documents, Excel")
                result["tasks"] = measure("tasks", env)
                log(f"{volume}: {json.dumps(result['tasks'], ensure_ascii=False)}")
                log(f"{volume}: past rounds import (5,000 rows)")
                result["tasks"]["archive"] = measure("archive", env)
                log(f"{volume}: {json.dumps(result['tasks']['archive'], ensure_ascii=False)}")
                result["explain"] = measure("explain", env)
            server = Server(env, workdir / f"gunicorn-{volume}.log")
            try:
                log(f"{volume}: gunicorn on {server.base}; timing pages")
                result["pages"] = time_pages(server.base, targets)
                log(f"{volume}: writes, and the first view after each")
                result["writes"] = json.loads(
                    run_py(
                        ["bench/measure.py", "writes", server.base],
                        # S has a few dozen findings to approve: 10 rounds a page there; the targets are at L.
                        env if volume != "S" or "BENCH_WRITE_ROUNDS" in os.environ else {**env, "BENCH_WRITE_ROUNDS": "10"},
                    ).split("@@JSON@@", 1)[1]
                )
                log(f"{volume}: {json.dumps(result['writes'])}")
                if last:
                    log(f"{volume}: {LOAD_USERS} users for {LOAD_SECONDS} s, with writes")
                    result["load"] = load_test(server.base, targets, workdir, env)
                    log(
                        f"{volume}: load {json.dumps({k: v for k, v in result['load'].items() if k != 'pages'})}"
                    )
            finally:
                server.stop()
            results[volume] = result
            write_report(info, results, ROOT / "BENCHMARKS.md")
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps({"info": info, "results": results}, ensure_ascii=False, default=str))
    finally:
        redis.stop()
        if not os.environ.get("BENCH_KEEP_DB"):
            for volume in results:
                psql(f"DROP DATABASE IF EXISTS xuncha_bench_{volume.lower()} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)
    log("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
