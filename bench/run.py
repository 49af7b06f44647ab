"""`make bench`: the benchmark of issue #6, written to BENCHMARKS.md.

For each volume (BENCH_VOLUMES, default "S L"): drop and create the PostgreSQL database
xuncha_bench_<volume> (BENCH_PG, default postgres://postgres@127.0.0.1:5432), migrate it, generate the
synthetic county (bench/generate.py), serve it with gunicorn under production settings (DEBUG off) on a
free port, and time over real HTTP, as the role that uses each page, 200 sequential requests per page
after 5 warm-ups. Queries per page are counted in-process (bench/measure.py queries). At the largest
volume it also times the reminder sweeps, the feedback Word and PDF and the 5,000-row Excel export
(bench/measure.py tasks), and runs 50 concurrent users for 60 s with locust (bench/locustfile.py).

Environment: BENCH_VOLUMES="S L", BENCH_REQUESTS=200, BENCH_WARMUP=5, BENCH_LOAD_SECONDS=60,
BENCH_LOAD_USERS=50, BENCH_WORKERS=4 (gunicorn), BENCH_KEEP_DB=1 (keep the databases afterwards); read in
bench/bench_config.py with the targets. The report is bench/report.py.
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
from bench_config import (
    LOAD_SECONDS,
    LOAD_USERS,
    LOAD_WRITES,
    N_REQUESTS,
    N_WARMUP,
    PASSWORD,
    PG,
    PY,
    ROOT,
    VOLUMES,
    WORKERS,
)
from report import write_report


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


def load_test(
    base: str, targets: list[dict], workdir: Path, django: dict, writes_per_second: float = LOAD_WRITES
) -> dict:
    """The users' run, with `writes_per_second` writes made beside it (0: the reference run without writes)."""
    locust = Path(PY).parent / "locust"
    if not locust.exists():
        return {"skipped": "locust is not installed in .venv (uv sync --frozen installs the dev group)"}
    prefix = workdir / ("locust" if writes_per_second > 0 else "locust-reference")
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
    writer = None
    if writes_per_second > 0:
        writer = subprocess.Popen(
            [PY, "bench/measure.py", "writeload", str(LOAD_SECONDS), str(writes_per_second)],
            cwd=ROOT, env=django, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if writer is not None:
        out, err = writer.communicate(timeout=LOAD_SECONDS + 120)
        writes = json.loads(out.split("@@JSON@@", 1)[1]) if "@@JSON@@" in out else {"error": err[-500:]}
    else:
        writes = {"writes": 0}
    # locust's own process has ended: its CPU is in its children's account, read from the run itself.
    after = cpu_seconds()
    used = {kind: after[kind] - before[kind] for kind in ("gunicorn", "postgres", "redis-server")}
    stats = prefix.with_name(f"{prefix.name}_stats.csv")
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
                    # The same users without the writes, right after: what the writes add, apart from what
                    # the pages cost anyway.
                    log(f"{volume}: {LOAD_USERS} users for {LOAD_SECONDS} s, without writes (reference)")
                    result["load_reference"] = load_test(server.base, targets, workdir, env, writes_per_second=0)
                    log(
                        f"{volume}: reference {json.dumps({k: v for k, v in result['load_reference'].items() if k != 'pages'})}"
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
