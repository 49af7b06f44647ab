"""Milestone reminders: the office and the team leaders hear of a milestone three days ahead, once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rounds import tasks
from rounds.models import Milestone, MilestoneKind, RoundStatus
from rounds.services import reminders
from rounds.tests.factories import RoundFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _plan(round, kind, days_ahead, **extra):
    Milestone.objects.filter(round=round, kind=kind).update(
        planned_date=_today() + datetime.timedelta(days=days_ahead), **extra
    )


def _staff(round, role):
    user = UserFactory(roles=[Role.TEAM])
    team = TeamFactory(round=round)
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role)
    return user


@pytest.fixture
def people(office_user, leader_user):
    """A round with a team leader and a member, two office staff, the leadership, and another round's leader."""
    round = RoundFactory()
    other_round = RoundFactory()
    return {
        "round": round,
        "office": [office_user, UserFactory(roles=[Role.OFFICE])],
        "team_leader": _staff(round, MemberRole.LEADER),
        "member": _staff(round, MemberRole.MEMBER),
        "leadership": leader_user,
        "other_leader": _staff(other_round, MemberRole.LEADER),
    }


def _recipients():
    return set(Notification.objects.values_list("recipient_id", flat=True))


def test_office_and_team_leaders_are_reminded_of_a_milestone_within_three_days(people):
    round = people["round"]
    _plan(round, MilestoneKind.MOBILIZATION, 2)
    assert reminders.remind_due_milestones() == 3
    assert _recipients() == {u.pk for u in people["office"]} | {people["team_leader"].pk}
    n = Notification.objects.filter(recipient=people["team_leader"]).get()
    assert "动员部署会" in n.title and "2天后" in n.title
    assert n.link == reverse("rounds:round_detail", args=[round.pk])


def test_members_the_leadership_and_other_rounds_leaders_are_not_reminded(people):
    _plan(people["round"], MilestoneKind.FEEDBACK, 0)
    reminders.remind_due_milestones()
    for key in ("member", "leadership", "other_leader"):
        assert not Notification.objects.filter(recipient=people[key]).exists(), key


def test_running_again_reminds_nobody_twice(people):
    _plan(people["round"], MilestoneKind.MOBILIZATION, 1)
    _plan(people["round"], MilestoneKind.STATIONING, 3)
    counts = [reminders.remind_due_milestones() for _ in range(3)]
    assert counts == [6, 0, 0]
    assert Notification.objects.count() == 6


def test_only_milestones_within_three_days_are_reminded(people):
    round = people["round"]
    _plan(round, MilestoneKind.MOBILIZATION, 4)
    _plan(round, MilestoneKind.STATIONING, -1)
    assert reminders.remind_due_milestones() == 0
    _plan(round, MilestoneKind.REPORT_GROUP, 3)
    assert reminders.remind_due_milestones() == 3


def test_a_milestone_already_done_is_not_reminded(people):
    _plan(people["round"], MilestoneKind.MOBILIZATION, 1, actual_date=_today())
    assert reminders.remind_due_milestones() == 0
    assert not Notification.objects.exists()


def test_a_finished_round_is_not_reminded(people):
    round = people["round"]
    type(round).objects.filter(pk=round.pk).update(status=RoundStatus.DONE)
    _plan(round, MilestoneKind.RECTIFY_DEADLINE, 1)
    assert reminders.remind_due_milestones() == 0


def test_a_moved_date_is_reminded_again(people):
    round = people["round"]
    _plan(round, MilestoneKind.FEEDBACK, 3)
    assert reminders.remind_due_milestones() == 3
    _plan(round, MilestoneKind.FEEDBACK, 1)
    assert reminders.remind_due_milestones() == 3
    assert reminders.remind_due_milestones() == 0
    assert Notification.objects.filter(recipient=people["team_leader"]).count() == 2


def test_the_celery_task_writes_the_same_reminders_once(people):
    _plan(people["round"], MilestoneKind.MOBILIZATION, 2)
    for _ in range(3):
        tasks.remind_due_milestones.delay()
    assert Notification.objects.count() == 3
    assert _recipients() == {u.pk for u in people["office"]} | {people["team_leader"].pk}
    assert tasks.remind_due_milestones.apply().get() == 0
