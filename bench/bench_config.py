"""The settings and targets of the benchmark (`make bench`), shared by the run (bench/run.py) and its
report (bench/report.py). Environment: BENCH_VOLUMES="S L", BENCH_REQUESTS=200, BENCH_WARMUP=5,
BENCH_LOAD_SECONDS=60, BENCH_LOAD_USERS=50, BENCH_LOAD_WRITES=4, BENCH_WORKERS=4, BENCH_PG."""

import os
import sys
from pathlib import Path

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
