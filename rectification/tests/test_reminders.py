"""The morning digest: 3 days and 1 day before a due date, overdue escalated, once a day, never lost."""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rectification import tasks
from rectification.models import (
    MeasureKind,
    MeasureStatus,
    RectStatus,
    ReminderLog,
    Report,
    ReportKind,
)
from rectification.services import reminders
from rectification.tests.factories import MeasureFactory, ProblemFactory, RectificationFactory
from rounds.tests.factories import UnitFactory
from xuncha.access.grants import sync_unit
from xuncha.accounts.roles import Role
from xuncha.notifications import tasks as notification_tasks
from xuncha.notifications.models import EmailStatus, Notification
from xuncha.notifications.services import deliver_pending

pytestmark = pytest.mark.django_db

d = datetime.date
sweep = reminders.rectification_reminder_sweep


def _unit_with_users(make_user, name="县农业农村局"):
    unit = UnitFactory(name=name)
    unit.principal_user = make_user(Role.UNIT)
    unit.liaison_user = make_user(Role.UNIT)
    unit.save()
    sync_unit(unit)
    return unit


@pytest.fixture
def world(make_user, office_user):
    """A rectification (meeting 1 July, deadline 30 September: reports due 15 July, 31 July, …) of a unit
    with a principal and a liaison; the office, the discipline commission, the organization department,
    the leadership and a team member; and another unit's rectification (meeting 20 July: its first report
    is due 31 July)."""
    unit = _unit_with_users(make_user)
    rect = RectificationFactory(assignment__unit=unit, status=RectStatus.IN_PROGRESS)
    other_unit = _unit_with_users(make_user, name="县教育局")
    other = RectificationFactory(
        assignment__unit=other_unit, status=RectStatus.IN_PROGRESS, meeting_date=d(2026, 7, 20)
    )
    return {
        "rect": rect,
        "principal": unit.principal_user,
        "liaison": unit.liaison_user,
        "office": office_user,
        "jiwei": make_user(Role.JIWEI),
        "zuzhibu": make_user(Role.ZUZHIBU),
        "leader": make_user(Role.LEADER),
        "team": make_user(Role.TEAM),
        "other": other,
        "other_principal": other_unit.principal_user,
    }


def _report(rect, due):
    return Report.objects.get(rectification=rect, kind=ReportKind.HALF_MONTHLY, due_date=due)


def _notes(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def _recipients():
    return set(Notification.objects.values_list("recipient_id", flat=True))


def _logged(user):
    return set(ReminderLog.objects.filter(recipient=user).values_list("key", flat=True))


# --- 3 days and 1 day ahead ----------------------------------------------------------------------


def test_three_days_and_one_day_before_a_report_and_a_measure_one_digest_per_person(world):
    rect = world["rect"]
    report = _report(rect, d(2026, 7, 15))
    measure = MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 15))
    lasting = MeasureFactory(
        problem=measure.problem, deadline=d(2026, 7, 15), kind=MeasureKind.LONG_TERM, content="长期坚持学习制度"
    )

    assert sweep(today=d(2026, 7, 11)) == 0  # 4 days ahead: not yet
    assert sweep(today=d(2026, 7, 12)) == 2  # 3 days ahead: principal and liaison, one message each
    assert _recipients() == {world["principal"].pk, world["liaison"].pk}
    for user in (world["principal"], world["liaison"]):
        [note] = _notes(user)
        assert note.title == "整改提醒：1份报告、2项措施3日内到期"
        assert "第1期半月进展报告" in note.body and "2026年07月15日" in note.body and "还有3天" in note.body
        assert f"整改措施{measure.number}" in note.body and f"整改措施{lasting.number}" in note.body
        assert "长期坚持学习制度" in note.body and "县农业农村局" in note.body
        assert note.link == reverse("rectification:report_list", args=[rect.pk])
        assert note.dedupe_key == "rect-digest:2026-07-12"
        assert _logged(user) == {
            f"report:{report.pk}:2026-07-15:d3",
            f"measure:{measure.pk}:2026-07-15:d3",
            f"measure:{lasting.pk}:2026-07-15:d3",
        }

    assert sweep(today=d(2026, 7, 13)) == 0  # 2 days left: the 3-day reminder went already
    assert sweep(today=d(2026, 7, 14)) == 2  # 1 day ahead
    note = _notes(world["principal"])[-1]
    assert note.title == "整改提醒：1份报告、2项措施3日内到期" and "还有1天" in note.body
    assert f"report:{report.pk}:2026-07-15:d1" in _logged(world["principal"])
    assert sweep(today=d(2026, 7, 15)) == 0  # due today: the 1-day reminder went already
    assert Notification.objects.count() == 4
    for key in ("office", "jiwei", "zuzhibu", "leader", "team", "other_principal"):
        assert not _notes(world[key]), key


def test_a_measure_alone_links_to_the_plan_and_several_rectifications_to_the_list(world, make_user):
    rect = world["rect"]
    measure = MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 6))
    assert sweep(today=d(2026, 7, 5)) == 2
    [note] = _notes(world["principal"])
    assert note.title == "整改提醒：1项措施3日内到期" and "今天" not in note.body
    assert note.link == reverse("rectification:plan", args=[rect.pk])
    assert _logged(world["principal"]) == {f"measure:{measure.pk}:2026-07-06:d1"}

    # The same principal heads a second unit in rectification: his digest spans both.
    second_unit = UnitFactory(name="县林业局", principal_user=world["principal"])
    second = RectificationFactory(assignment__unit=second_unit, status=RectStatus.IN_PROGRESS)
    MeasureFactory(problem=ProblemFactory(rectification=second), deadline=d(2026, 7, 7))
    MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 7))
    assert sweep(today=d(2026, 7, 6)) == 2  # the principal and the first unit's liaison
    note = _notes(world["principal"])[-1]
    assert note.title == "整改提醒：2项措施3日内到期"
    assert "县林业局" in note.body and "县农业农村局" in note.body
    assert note.link == reverse("rectification:rect_list")


def test_closed_measures_and_measures_beyond_three_days_are_not_reminded(world):
    rect = world["rect"]
    problem = ProblemFactory(rectification=rect)
    MeasureFactory(problem=problem, deadline=d(2026, 7, 9), status=MeasureStatus.CLOSED)
    MeasureFactory(problem=problem, deadline=d(2026, 7, 10))
    assert sweep(today=d(2026, 7, 6)) == 0
    assert not Notification.objects.exists()


def test_inactive_unit_users_and_a_unit_without_liaison_get_nothing(world):
    rect = world["rect"]
    unit = rect.unit
    unit.liaison_user = None
    unit.save()
    type(world["principal"]).objects.filter(pk=world["principal"].pk).update(is_active=False)
    MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 6))
    assert sweep(today=d(2026, 7, 5)) == 0
    assert not Notification.objects.exists()


# --- overdue and escalation -----------------------------------------------------------------------


def test_a_missed_report_is_escalated_the_day_after_to_the_office_and_both_supervisors(world):
    # 双报告: the discipline commission AND the organization department receive the reports, so both
    # hear when one is missing.
    rect = world["rect"]
    report = _report(rect, d(2026, 7, 15))
    assert sweep(today=d(2026, 7, 16)) == 5
    assert _recipients() == {
        world["principal"].pk, world["liaison"].pk, world["office"].pk, world["jiwei"].pk, world["zuzhibu"].pk
    }
    for key in ("office", "jiwei", "zuzhibu", "principal", "liaison"):
        [note] = _notes(world[key])
        assert note.title == "整改提醒：1份报告已逾期", key
        assert "第1期半月进展报告" in note.body and "已逾期1天" in note.body and "县农业农村局" in note.body
        assert note.link == reverse("rectification:report_list", args=[rect.pk])
        assert _logged(world[key]) == {f"report:{report.pk}:2026-07-15:overdue"}
    for key in ("leader", "team", "other_principal"):
        assert not _notes(world[key]), key

    # Still overdue the days after: told once.
    assert sweep(today=d(2026, 7, 17)) == 0
    assert sweep(today=d(2026, 7, 20)) == 0
    assert Notification.objects.count() == 5


def test_an_inactive_organization_department_user_is_not_told(world):
    world["zuzhibu"].is_active = False
    world["zuzhibu"].save()
    assert sweep(today=d(2026, 7, 16)) == 4
    assert not _notes(world["zuzhibu"])


def test_the_unit_hears_of_overdue_and_due_items_together_the_office_only_of_the_overdue(world):
    rect = world["rect"]
    _report(rect, d(2026, 7, 15))
    MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 19))
    assert sweep(today=d(2026, 7, 16)) == 5
    [note] = _notes(world["principal"])
    assert note.title == "整改提醒：1份报告已逾期，1项措施3日内到期"
    assert note.body.index("已逾期：") < note.body.index("即将到期：")
    [office_note] = _notes(world["office"])
    assert office_note.title == "整改提醒：1份报告已逾期" and "整改措施" not in office_note.body


def test_the_office_gets_one_digest_for_every_overdue_report_of_every_unit(world):
    assert sweep(today=d(2026, 8, 2)) == 7  # both units' principal and liaison, the office, jiwei, zuzhibu
    [note] = _notes(world["office"])
    assert note.title == "整改提醒：3份报告已逾期"  # 15 and 31 July of one unit, 31 July of the other
    assert "县农业农村局" in note.body and "县教育局" in note.body
    assert note.link == reverse("rectification:rect_list")
    [unit_note] = _notes(world["principal"])
    assert unit_note.title == "整改提醒：2份报告已逾期" and "县教育局" not in unit_note.body


# --- once a day, and the task ---------------------------------------------------------------------


def test_running_twice_on_a_day_sends_once(world):
    MeasureFactory(problem=ProblemFactory(rectification=world["rect"]), deadline=d(2026, 7, 15))
    counts = [sweep(today=d(2026, 7, 12)) for _ in range(3)]
    assert counts == [2, 0, 0]
    assert Notification.objects.filter(recipient=world["principal"]).count() == 1


def test_the_celery_task_run_twice_sends_once(world, monkeypatch):
    monkeypatch.setattr(reminders.timezone, "localdate", lambda *args: d(2026, 7, 16))
    assert tasks.remind_rectification.delay().get() == 5  # principal, liaison, the office, jiwei, zuzhibu
    assert tasks.remind_rectification.apply().get() == 0
    assert Notification.objects.count() == 5
    [note] = _notes(world["office"])
    assert note.title == "整改提醒：1份报告已逾期" and note.dedupe_key == "rect-digest:2026-07-16"


def test_an_item_found_after_the_days_digest_waits_for_the_next_morning(world):
    rect = world["rect"]
    report = _report(rect, d(2026, 7, 15))
    assert sweep(today=d(2026, 7, 12)) == 2
    measure = MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 15))
    assert sweep(today=d(2026, 7, 12)) == 0  # not a second message today
    assert sweep(today=d(2026, 7, 13)) == 2
    note = _notes(world["principal"])[-1]
    assert note.title == "整改提醒：1项措施3日内到期" and "还有2天" in note.body and "整改措施" in note.body
    assert _logged(world["principal"]) == {
        f"report:{report.pk}:2026-07-15:d3",
        f"measure:{measure.pk}:2026-07-15:d3",
    }


def test_a_day_without_a_run_is_caught_up_the_next_day(world):
    rect = world["rect"]
    report = _report(rect, d(2026, 7, 15))
    # No run on 12 July (broker down): the 3-day reminder goes on the 13th.
    assert sweep(today=d(2026, 7, 13)) == 2
    assert "还有2天" in _notes(world["principal"])[-1].body
    # No run on 14 July: the 1-day reminder goes on the day itself.
    assert sweep(today=d(2026, 7, 15)) == 2
    assert "今天到期" in _notes(world["principal"])[-1].body
    # No run on 16 July: the escalation goes on the 17th, saying how late it is.
    assert sweep(today=d(2026, 7, 17)) == 5
    assert "已逾期2天" in _notes(world["office"])[-1].body
    assert _logged(world["principal"]) == {
        f"report:{report.pk}:2026-07-15:{kind}" for kind in ("d3", "d1", "overdue")
    }


# --- what stops reminders -------------------------------------------------------------------------


def test_nothing_after_the_rectification_closes(world):
    MeasureFactory(problem=ProblemFactory(rectification=world["rect"]), deadline=d(2026, 7, 15))
    type(world["rect"]).objects.filter(pk__in=[world["rect"].pk, world["other"].pk]).update(
        status=RectStatus.CLOSED
    )
    assert sweep(today=d(2026, 7, 12)) == 0
    assert sweep(today=d(2026, 7, 16)) == 0
    assert not Notification.objects.exists()


def test_nothing_for_a_submitted_report(world):
    Report.objects.filter(due_date=d(2026, 7, 15)).update(submitted_at=timezone.now())
    assert sweep(today=d(2026, 7, 14)) == 0
    assert sweep(today=d(2026, 7, 16)) == 0
    assert not Notification.objects.exists()


def test_nothing_before_the_feedback_meeting(make_user, office_user):
    unit = _unit_with_users(make_user)
    rect = RectificationFactory(assignment__unit=unit, meeting_date=None)
    assert rect.status == RectStatus.PREPARING
    Report.objects.create(rectification=rect, kind=ReportKind.HALF_MONTHLY, period=1, due_date=d(2026, 7, 15))
    MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 15))
    assert sweep(today=d(2026, 7, 14)) == 0
    assert sweep(today=d(2026, 7, 16)) == 0
    assert not Notification.objects.exists()


# --- never lost, never half-written ---------------------------------------------------------------


def test_a_crash_while_logging_leaves_neither_message_nor_log(world, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ReminderLog.objects, "bulk_create", crash)
    with pytest.raises(RuntimeError):
        sweep(today=d(2026, 7, 12))
    assert not Notification.objects.exists()
    monkeypatch.undo()
    assert sweep(today=d(2026, 7, 12)) == 2  # the next run sends all of it


def test_a_reminder_not_delivered_when_the_broker_is_down_goes_out_on_the_next_run(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(notification_tasks.deliver_pending_emails, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sweep(today=d(2026, 7, 12)) == 2
    assert callbacks  # the mail was to be enqueued after commit, and the enqueue failed
    assert not mail.outbox
    note = _notes(world["principal"])[0]
    assert note.email_status == EmailStatus.PENDING

    # The periodic delivery (every 10 minutes) sends it, once.
    monkeypatch.undo()
    assert deliver_pending() == 2
    assert deliver_pending() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world["principal"].email, world["liaison"].email])
    assert mail.outbox[0].subject == "【巡察通】整改提醒：1份报告3日内到期"
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SENT


class SmtpDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server not answering")


def test_a_reminder_not_delivered_when_the_mail_server_is_down_goes_out_later(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.SmtpDown"
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(today=d(2026, 7, 12)) == 2  # the delivery task runs (eagerly) and the mail fails
    note = _notes(world["principal"])[0]
    assert note.email_status == EmailStatus.PENDING and note.email_attempts >= 1
    assert deliver_pending() == 0  # still down
    assert sweep(today=d(2026, 7, 12)) == 0  # the reminder itself is not written again

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_tasks.deliver_pending_emails.delay().get() == 2
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SENT
    assert len([m for m in mail.outbox if m.to == [world["principal"].email]]) == 1


# --- efficiency -----------------------------------------------------------------------------------


def test_finding_the_items_takes_the_same_queries_for_one_rectification_or_many(make_user, office_user):
    def add_rect(n):
        unit = _unit_with_users(make_user, name=f"单位{n}")
        rect = RectificationFactory(assignment__unit=unit, status=RectStatus.IN_PROGRESS)
        MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 14))
        MeasureFactory(problem=ProblemFactory(rectification=rect), deadline=d(2026, 7, 15))
        Report.objects.create(rectification=rect, kind=ReportKind.HALF_MONTHLY, period=9, due_date=d(2026, 7, 10))

    make_user(Role.JIWEI)
    add_rect(0)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            users, items = reminders.due_items(d(2026, 7, 13))
        return len(ctx.captured_queries), len(users), sum(len(v) for v in items.values())

    few = count()
    for n in range(1, 5):
        add_rect(n)
    many = count()
    assert many[0] == few[0] <= 4
    assert (few[1], many[1]) == (4, 12)  # unit users, the office and jiwei
    assert (few[2], many[2]) == (10, 50)  # per unit: 4 items to each of its 2 users, 1 to the office and jiwei


# --- yellow and red -------------------------------------------------------------------------------


def test_measure_deadline_state_is_yellow_within_seven_days_and_red_once_past(db):
    measure = MeasureFactory(deadline=d(2026, 8, 31))
    assert measure.deadline_state(d(2026, 8, 23)) == ""  # 8 days ahead
    assert measure.deadline_state(d(2026, 8, 24)) == "due-soon"  # 7 days ahead
    assert measure.deadline_state(d(2026, 8, 31)) == "due-soon"  # due today
    assert measure.deadline_state(d(2026, 9, 1)) == "overdue"
    measure.status = MeasureStatus.CLOSED
    assert measure.deadline_state(d(2026, 9, 1)) == ""


def test_report_due_state_is_red_when_missed_and_nothing_once_submitted(world):
    report = _report(world["rect"], d(2026, 7, 15))
    assert report.due_state(d(2026, 7, 7)) == ""
    assert report.due_state(d(2026, 7, 8)) == "due-soon"
    assert report.due_state(d(2026, 7, 16)) == "overdue"
    report.submitted_at = timezone.now()
    assert report.due_state(d(2026, 7, 16)) == ""
