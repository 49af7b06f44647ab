"""Deadline reminders of transfer batches: 3 days and 1 day ahead to the receiver; once overdue, the receiver
and the office are told; each message once, however often the sweep runs; nothing for a reported batch."""

import datetime

import pytest
from django.urls import reverse

from clues import tasks
from clues.models import HandlingResult, TransferBatch
from clues.services.transfers import item_report_result, transfer_deadline_sweep
from clues.tests.test_transfers import confirmed_lead, make_world, sent_batch
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.notifications.models import Notification


@pytest.fixture
def w(db):
    return make_world()


@pytest.fixture
def batch(w):
    batch = sent_batch(w, [confirmed_lead(w), confirmed_lead(w)], deadline_days=10)
    Notification.objects.all().delete()  # the "received a batch" message is not what these tests count
    return batch


def _day(batch, offset: int) -> datetime.date:
    """The day `offset` days after the batch's deadline (negative: before it)."""
    return batch.deadline + datetime.timedelta(days=offset)


def _messages(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True))


def test_nothing_is_sent_while_the_deadline_is_far(w, batch):
    assert transfer_deadline_sweep(today=_day(batch, -4)) == 0
    assert not Notification.objects.exists()


def test_the_receiver_is_reminded_three_days_and_one_day_ahead_once_each(w, batch):
    counts = [transfer_deadline_sweep(today=_day(batch, -3)) for _ in range(3)]
    assert counts == [1, 0, 0]
    assert transfer_deadline_sweep(today=_day(batch, -2)) == 0  # the 3-day reminder is already out
    assert [transfer_deadline_sweep(today=_day(batch, -1)) for _ in range(2)] == [1, 0]
    assert transfer_deadline_sweep(today=_day(batch, 0)) == 0
    titles = _messages(w.jiwei)
    assert len(titles) == 2 and "3天后" in titles[0] and "1天后" in titles[1]
    assert not _messages(w.office) and not _messages(w.zuzhibu)


def test_a_sweep_that_missed_the_day_still_reminds(w, batch):
    """The server was down three days before; two days before, the 3-day reminder still goes."""
    assert transfer_deadline_sweep(today=_day(batch, -2)) == 1
    assert "2天后" in _messages(w.jiwei)[0]


def test_overdue_is_told_to_the_receiver_and_the_office_once(w, batch):
    second_office = UserFactory(roles=[Role.OFFICE])
    counts = [transfer_deadline_sweep(today=_day(batch, days)) for days in (1, 1, 2, 5, 30)]
    assert counts == [3, 0, 0, 0, 0]
    for user in (w.jiwei, w.office, second_office):
        overdue = [t for t in _messages(user) if "逾期" in t]
        assert len(overdue) == 1, user.username
    n = Notification.objects.get(recipient=w.office)
    assert batch.number in n.title and n.link == reverse("clues:batch_detail", args=[batch.pk])
    assert not _messages(w.zuzhibu)


def test_a_reported_batch_is_left_alone(w, batch):
    for item in batch.items.all():
        item_report_result(
            item=item, result=HandlingResult.CLOSE, note="经核查，反映失实，予以了结", by=w.jiwei
        )
    Notification.objects.all().delete()
    for days in (-3, -1, 1, 10):
        assert transfer_deadline_sweep(today=_day(batch, days)) == 0
    assert not Notification.objects.exists()


def test_a_draft_batch_has_no_deadline_to_remind(w):
    from clues.services.transfers import batch_create

    batch_create(receiver=w.jiwei_unit, leads=[confirmed_lead(w)], note="", by=w.office)
    Notification.objects.all().delete()
    assert transfer_deadline_sweep() == 0


def test_a_new_deadline_is_reminded_again(w, batch):
    assert transfer_deadline_sweep(today=_day(batch, 1)) == 2  # the receiver and the office
    old = batch.deadline
    TransferBatch.objects.filter(pk=batch.pk).update(deadline=old + datetime.timedelta(days=20))
    batch.refresh_from_db()
    assert transfer_deadline_sweep(today=_day(batch, 1)) == 2


def test_the_daily_task_runs_the_sweep(w, batch):
    TransferBatch.objects.filter(pk=batch.pk).update(deadline=datetime.date(2000, 1, 1))
    assert tasks.remind_transfer_deadlines.delay().get() == 2  # the receiver and the office
    assert tasks.remind_transfer_deadlines.delay().get() == 0


def test_the_beat_schedule_runs_it_each_morning(settings):
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "clues.tasks.remind_transfer_deadlines"
    ]
    assert len(entries) == 1
