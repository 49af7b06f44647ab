"""Cached aggregates: figures over whole ledgers, recomputed only when the data under them has changed.

A dashboard sums tens of thousands of findings, leads and measures; recomputing that on every page view
is what makes a leadership dashboard slow. Instead its result is kept in Django's cache under a key
that includes a *fingerprint* of the tables it reads: the newest history id of each (every ledger model
keeps django-simple-history, and every write, bulk ones included, goes through it, see ARCHITECTURE.md).
Any recorded create, change or delete raises that id, so the next view computes afresh: invalidation
on write, with no signal to forget and no counter row that every write would have to lock.

The fingerprint is one query of index-only lookups (`MAX` of a primary key), whatever the volume, and
one per GET request however many cached figures the page shows (`RequestScope`).

What it cannot see: a write that bypasses history (a queryset `.update()`, a revoked django-guardian
grant), and two transactions that commit in the opposite order of their history ids (the later id
commits first, the page is computed, then the earlier one commits without raising the maximum). For
those, every entry also expires after `TIMEOUT` seconds, so a figure is never staler than that. The
key also carries the day, for figures that depend on it (overdue counts). What is cached is figures,
option lists and the dashboards' bodies; the rows of a list and every permission check are read live.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models

from xuncha import access

T = TypeVar("T")

TIMEOUT = 120  # seconds; see the module docstring
PREFIX = "agg:v1"


@functools.lru_cache(maxsize=256)
def _history_tables(tracked: tuple[type[models.Model], ...]) -> tuple[tuple[str, str], ...]:
    """The table whose newest id moves on a write: the model's history table, or, for a model without
    history (django-guardian's grants), its own table, where only an insert moves it (a revoked grant
    is caught by the timeout)."""
    tables = []
    for model in tracked:
        history = getattr(model, "history", None)
        table = history.model if history is not None else model
        tables.append((table._meta.db_table, table._meta.pk.column))
    return tuple(sorted(set(tables)))


def _newest(tables) -> dict[tuple[str, str], str]:
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT MAX({quote(pk)}) FROM {quote(table)})" for table, pk in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {table: "" if value is None else str(value) for table, value in zip(tables, row, strict=True)}


# Within one GET request (RequestScope below) each table's newest id is read once, however many cached
# figures the page shows. Not across requests, and not in a POST, which may write before it reads.
_scope = Local()


def newest(tracked: Iterable[type[models.Model]]) -> dict[tuple[str, str], str]:
    """(table, pk column) → the newest id of each tracked model's history table ("" when empty), in one
    query (none when this request has read them all already)."""
    tables = _history_tables(tuple(tracked))
    memo = getattr(_scope, "newest", None)
    if memo is None:
        return _newest(tables)
    missing = [t for t in tables if t not in memo]
    if missing:
        memo.update(_newest(missing))
    return {t: memo[t] for t in tables}


def history_table(model: type[models.Model]) -> tuple[str, str]:
    """The (table, pk column) whose newest id `newest` reads for this model."""
    return _history_tables((model,))[0]


def fingerprint(tracked: Iterable[type[models.Model]]) -> str:
    """The newest history id of each tracked model's history table, in one query (none when this
    request has read them all already)."""
    values = newest(tracked)
    return ".".join(values[t] for t in sorted(values))


class RequestScope:
    """Middleware: one fingerprint read per GET/HEAD request (see `fingerprint`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        _scope.newest = {}
        try:
            return self.get_response(request)
        finally:
            _scope.newest = None


def cached(
    name: str,
    parts: Iterable[object],
    *,
    tracked: Iterable[type[models.Model]],
    today: date,
    compute: Callable[[], T],
    refresh: bool = False,
) -> T:
    """`compute()`, or what it returned last time for the same name, parts, day and data. `refresh`
    computes and stores it again whatever is cached (the background warm-up of the dashboards)."""
    tracked = list(tracked)
    raw = "|".join([name, *(str(p) for p in parts), today.isoformat(), fingerprint(tracked)])
    key = f"{PREFIX}:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"
    value = None if refresh else cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def visibility_key(user, filters: dict | None = None) -> tuple:
    """The inputs that decide what a ledger shows this user: who he is, his roles (a role granted or
    withdrawn changes what he sees without any history row) and the filters (model instances by pk).
    His team memberships and object grants are data: the ledgers track their tables. Cheaper than the
    compiled SQL of the query as a key, and as exact."""
    parts = [getattr(user, "pk", None), access.decision_key(user)]
    for name, value in sorted((filters or {}).items()):
        parts.append(f"{name}={getattr(value, 'pk', value)!r}")
    return tuple(parts)


def cache_is_shared() -> bool:
    """Whether the cache is one for every process (Redis), so that a worker can warm it for the web."""
    return "locmem" not in settings.CACHES["default"]["BACKEND"].lower()
