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

from collections.abc import Iterable, Sequence

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, Count, IntegerField, When
from django.utils import timezone
from django.utils.functional import cached_property

from . import aggregates


def _query_key(queryset, key) -> tuple:
    """The cache key of a ledger's figures: the caller's `key` (what decides the query: see
    aggregates.visibility_key), or else the compiled SQL, exact but a millisecond or two to compile."""
    if key is not None:
        return tuple(key)
    sql, params = queryset.query.sql_with_params()
    return (sql, repr(params))


class LedgerPaginator(Paginator):
    """`key`: what decides the query (the list, the user, the filters), for the cached count.
    `deferred_join`: False for a list short enough to sort whole (one rectification's measures), where
    the second query would cost more than it saves."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        tracked: Iterable[type[models.Model]],
        key=None,
        deferred_join: bool = True,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.tracked = list(tracked)
        self.key = key
        self.deferred_join = deferred_join

    @cached_property
    def count(self) -> int:
        return aggregates.cached(
            "count",
            _query_key(self.object_list.order_by(), self.key),
            tracked=self.tracked,
            today=timezone.localdate(),
            compute=lambda: super(LedgerPaginator, self).count,
        )

    def page(self, number):
        if not self.deferred_join:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[pk] for pk in keys if pk in rows], number, self)


class GroupedPaginator(Paginator):
    """Pages of a ledger ordered first by a group of few values, then by an index within the group.

    The findings ledger is ordered by term, round and team, then by number; the team fixes the round and
    the term, so the order is "the teams in their order, then within each team". This paginator counts
    the filtered rows per group (one GROUP BY, cached until the data changes), works out which groups the
    asked-for page spans and where in the first of them it starts, then reads only those rows: one query
    over a few hundred rows of one or two teams, instead of sorting the whole ledger with its joins. A
    deep page costs what the first one does.

    `group_order`: the group values in the ledger's order (groups with no rows may be left out; rows of
    a group not listed are not shown, so list them all). `within`: the order inside a group, ending in a
    unique field. `key`: as for LedgerPaginator.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        group: str,
        group_order: Sequence[object],
        within: Sequence[str],
        tracked: Iterable[type[models.Model]],
        key=None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.key = key
        self.group = group
        self.group_order = list(group_order)
        self.within = list(within)
        self.tracked = list(tracked)

    @cached_property
    def group_counts(self) -> dict:
        qs = self.object_list.order_by().values(self.group).annotate(n=Count("pk")).values_list(self.group, "n")
        return aggregates.cached(
            f"group-counts:{self.group}",
            _query_key(qs, self.key),
            tracked=self.tracked,
            today=timezone.localdate(),
            compute=lambda: dict(qs),
        )

    @cached_property
    def count(self) -> int:
        counts = self.group_counts
        return sum(counts.get(g, 0) for g in self.group_order)

    def page_queryset(self, number: int):
        """The query that reads page `number` (a valid one): only the groups it spans."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        counts = self.group_counts
        spanned, skip, seen = [], 0, 0
        for value in self.group_order:
            n = counts.get(value, 0)
            if n and seen + n > bottom and seen < top:
                if not spanned:
                    skip = bottom - seen
                spanned.append(value)
            seen += n
            if seen >= top:
                break
        if not spanned:
            return self.object_list.none()
        rank = Case(*(When(**{self.group: v}, then=i) for i, v in enumerate(spanned)), output_field=IntegerField())
        rows = self.object_list.filter(**{f"{self.group}__in": spanned}).order_by(rank, *self.within)
        # The page's keys are picked in a subquery that reads the table alone (an index on the group,
        # a sort of a few hundred narrow rows); the joins of the rows shown are made for those rows only.
        # Still one query: at L, page 800 of the findings ledger 4.0 -> 1.3 ms (EXPLAIN ANALYZE).
        keys = rows.values("pk")[skip : skip + (top - bottom)]
        return self.object_list.filter(pk__in=keys).order_by(rank, *self.within)

    def page(self, number):
        number = self.validate_number(number)
        return self._get_page(list(self.page_queryset(number)), number, self)
