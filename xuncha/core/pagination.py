"""Pagination for the big ledgers (findings, leads, rectification measures).

Django's Paginator loads a page with ``ORDER BY … OFFSET n LIMIT 50`` over the whole joined, wide row, so
PostgreSQL sorts every row of the ledger with all its columns (on disk once it outgrows work_mem), and a
deep page costs more than the first. `LedgerPaginator` does it in two steps (a *deferred join*): it sorts
only the primary keys with their sort keys, takes the page's 50 keys, then loads those 50 rows with
their relations. It also counts the ledger once per data version (`xuncha.core.aggregates`), keyed on the
query's SQL, instead of on every page view.

EXPLAIN ANALYZE at the benchmark's volume L (20,000 findings), page 320 of the office's ledger:
one query, wide rows: Sort Method: external merge Disk: 9016kB, 101 ms; keys only: quicksort in memory,
then an index scan of 50 primary keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from . import aggregates


class LedgerPaginator(Paginator):
    def __init__(self, object_list, per_page, *, tracked: Iterable[type[models.Model]], **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.tracked = list(tracked)

    @cached_property
    def count(self) -> int:
        query = self.object_list.order_by().query
        sql, params = query.sql_with_params()
        return aggregates.cached(
            "count",
            (sql, repr(params)),
            tracked=self.tracked,
            today=timezone.localdate(),
            compute=lambda: super(LedgerPaginator, self).count,
        )

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[pk] for pk in keys if pk in rows], number, self)
