import datetime

import pytest
from django.urls import reverse

from rounds.models import Term
from rounds.tests.factories import RoundFactory, TermFactory
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_office_lists_terms_with_round_counts_and_the_current_flag(client_for, office_user):
    current = TermFactory()
    old = TermFactory(
        name="第十四届县委",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2021, 12, 31),
        is_current=False,
    )
    RoundFactory.create_batch(3, term=current)
    RoundFactory(term=old)
    response = client_for(office_user).get(reverse("rounds:term_list"))
    assert response.status_code == 200
    counts = {t.name: (t.rounds_count, t.is_current) for t in response.context["terms"]}
    assert counts == {"第十五届县委": (3, True), "第十四届县委": (1, False)}
    assert "本届" in response.content.decode()


def test_office_creates_a_current_term_and_the_old_one_stops_being_current(client_for, office_user):
    old = TermFactory()
    response = client_for(office_user).post(
        reverse("rounds:term_create"),
        {"name": "第十六届县委", "start_date": "2027-01-01", "end_date": "2031-12-31", "is_current": "on"},
    )
    assert response.status_code == 302
    new = Term.objects.get(name="第十六届县委")
    old.refresh_from_db()
    assert new.is_current and not old.is_current
    assert new.history.first().history_user == office_user


def test_a_term_must_end_after_it_starts(client_for, office_user):
    response = client_for(office_user).post(
        reverse("rounds:term_create"),
        {"name": "第十六届县委", "start_date": "2031-12-31", "end_date": "2027-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == ["结束日期须晚于开始日期"]
    assert "结束日期须晚于开始日期" in response.content.decode()
    assert not Term.objects.filter(name="第十六届县委").exists()


def test_office_edits_a_term(client_for, office_user):
    term = TermFactory()
    client = client_for(office_user)
    page = client.get(reverse("rounds:term_edit", args=[term.pk]))
    assert 'value="2022-01-01"' in page.content.decode()
    response = client.post(
        reverse("rounds:term_edit", args=[term.pk]),
        {"name": "第十五届县委", "start_date": "2022-01-01", "end_date": "2027-06-30", "is_current": "on"},
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.end_date == datetime.date(2027, 6, 30)


def test_duplicate_term_name_is_refused_in_chinese(client_for, office_user):
    TermFactory()
    response = client_for(office_user).post(
        reverse("rounds:term_create"),
        {"name": "第十五届县委", "start_date": "2027-01-01", "end_date": "2031-12-31"},
    )
    assert response.context["form"].errors["name"] == ["已有同名的届次"]


@pytest.mark.parametrize("role", [Role.LEADER, Role.TEAM, Role.UNIT])
def test_terms_are_managed_by_the_office_only(client_for, make_user, role):
    term = TermFactory()
    client = client_for(make_user(role))
    assert client.get(reverse("rounds:term_list")).status_code == 403
    assert client.get(reverse("rounds:term_create")).status_code == 403
    response = client.post(
        reverse("rounds:term_edit", args=[term.pk]),
        {"name": "改名", "start_date": "2022-01-01", "end_date": "2026-12-31"},
    )
    assert response.status_code == 403
    term.refresh_from_db()
    assert term.name == "第十五届县委"


def test_the_term_that_stops_being_current_keeps_a_history_row(client_for, office_user):
    old = TermFactory()
    before = old.history.count()
    client_for(office_user).post(
        reverse("rounds:term_create"),
        {"name": "第十六届县委", "start_date": "2027-01-01", "end_date": "2031-12-31", "is_current": "on"},
    )
    latest = old.history.first()
    assert old.history.count() == before + 1
    assert latest.is_current is False and latest.history_user == office_user
