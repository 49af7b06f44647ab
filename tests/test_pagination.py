"""The ledgers' paginators give the rows of the plain ``ORDER BY … OFFSET … LIMIT`` in the same order,
page after page, across page boundaries that fall inside a group or between groups."""

import datetime

import pytest

from clues.models import Finding
from clues.selectors import findings as selectors
from clues.tests.factories import FindingFactory
from rounds.tests.factories import AssignmentFactory, RoundFactory, TermFactory
from teams.tests.factories import TeamFactory
from xuncha.core.pagination import GroupedPaginator, LedgerPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings():
    """Two terms, rounds created out of their order, teams of uneven sizes (one with none)."""
    old = TermFactory(start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2020, 12, 31))
    new = TermFactory(start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2026, 12, 31))
    rounds = [RoundFactory(term=new, number=2), RoundFactory(term=old, number=7), RoundFactory(term=new, number=1)]
    sizes = [4, 0, 1, 7, 3, 2]
    for i, size in enumerate(sizes):
        team = TeamFactory(round=rounds[i % 3], number=10 - i)
        assignment = AssignmentFactory(team=team)
        for n in range(size):
            FindingFactory(assignment=assignment, serial=n + 1, year=2024 + n % 2)
    return Finding.objects.select_related("team", "round__term")


def _pages(paginator):
    return [[f.pk for f in paginator.page(n).object_list] for n in paginator.page_range]


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 50])
def test_grouped_pages_are_the_plain_order_cut_in_pages(findings, per_page):
    plain = findings.order_by(*selectors.LEDGER_ORDER)
    grouped = selectors.ledger_paginator(plain, per_page)
    expected = [f.pk for f in plain]
    assert grouped.count == len(expected) == 17
    pages = _pages(grouped)
    assert [pk for page in pages for pk in page] == expected
    assert all(len(page) == per_page for page in pages[:-1])


def test_grouped_pages_follow_the_filters(findings):
    plain = findings.filter(year=2024).order_by(*selectors.LEDGER_ORDER)
    grouped = selectors.ledger_paginator(plain, 2)
    assert [pk for page in _pages(grouped) for pk in page] == [f.pk for f in plain]


@pytest.mark.parametrize("per_page", [2, 4, 50])
def test_deferred_join_pages_are_the_plain_order(findings, per_page):
    plain = findings.order_by(*selectors.LEDGER_ORDER)
    paginator = LedgerPaginator(plain, per_page, tracked=selectors.LEDGER_TRACKED)
    assert [pk for page in _pages(paginator) for pk in page] == [f.pk for f in plain]


def test_an_empty_ledger_has_one_empty_page(db):
    paginator = GroupedPaginator(
        Finding.objects.all(), 20, group="team_id", group_order=[], within=["pk"], tracked=[Finding]
    )
    assert paginator.count == 0 and list(paginator.get_page(1).object_list) == []
