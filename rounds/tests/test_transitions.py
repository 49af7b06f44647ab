"""The stage machine through the round page: refusals list every reason, success records who and when."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rounds import services
from rounds.models import Milestone, MilestoneKind, RoundStatus, RoundTransition
from rounds.tests.factories import AnnouncementFactory, AssignmentFactory, RoundFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _set_milestone(round, kind, **dates):
    Milestone.objects.filter(round=round, kind=kind).update(**dates)


def _staffed_round(unit_name="青山县财政局"):
    """A round in 筹备 that meets the conditions of 动员部署: a team with a leader and a member, a unit, a date."""
    round = RoundFactory()
    team = TeamFactory(round=round)
    team_member_add(team=team, cadre=CadreFactory(name="王组长"), role=MemberRole.LEADER)
    team_member_add(team=team, cadre=CadreFactory(name="李组员"), role=MemberRole.MEMBER)
    assignment = AssignmentFactory(team=team, unit=UnitFactory(name=unit_name))
    _set_milestone(round, MilestoneKind.MOBILIZATION, planned_date=datetime.date(2026, 3, 10))
    return round, team, assignment


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _post(client, round, action):
    return client.post(reverse("rounds:round_transition", args=[round.pk, action]), follow=True)


def test_mobilize_without_teams_is_refused_with_the_reasons(client_for, office_user):
    round = RoundFactory()
    response = _post(client_for(office_user), round, "mobilize")
    text = _messages(response)
    assert "不能开始动员部署" in text
    assert "尚未组建巡察组" in text
    assert "尚未确定动员部署会日期" in text
    round.refresh_from_db()
    assert round.status == RoundStatus.PREPARING
    assert not RoundTransition.objects.exists()


def test_detail_shows_the_reasons_under_the_blocked_button(client_for, office_user):
    round = RoundFactory()
    TeamFactory(round=round)
    response = client_for(office_user).get(reverse("rounds:round_detail", args=[round.pk]))
    page = response.content.decode()
    assert reverse("rounds:round_transition", args=[round.pk, "mobilize"]) in page
    assert "开始动员部署" in page
    assert "巡察组尚未确定组长" in page
    [(action, reasons)] = response.context["actions"]
    assert action.name == "mobilize"
    assert any("尚未分配被巡察单位" in r for r in reasons)


def test_mobilize_succeeds_when_the_conditions_are_met_and_records_who(client_for, office_user):
    round, _, _ = _staffed_round()
    client = client_for(office_user)
    assert client.get(reverse("rounds:round_detail", args=[round.pk])).context["actions"][0][1] == []
    response = _post(client, round, "mobilize")
    assert "已进入“动员部署”阶段" in _messages(response)
    round.refresh_from_db()
    assert round.status == RoundStatus.MOBILIZING
    transition = RoundTransition.objects.get(round=round)
    assert (transition.from_status, transition.to_status, transition.by) == (
        RoundStatus.PREPARING,
        RoundStatus.MOBILIZING,
        office_user,
    )
    page = response.content.decode()
    assert "筹备 → 动员部署" in page and office_user.display_name in page


def test_station_with_an_unpublished_announcement_names_the_unit(client_for, office_user):
    round, _, assignment = _staffed_round("青山县财政局")
    services.round_transition(round=round, action="mobilize", by=office_user)
    _set_milestone(round, MilestoneKind.MOBILIZATION, actual_date=timezone.localdate())
    AnnouncementFactory(assignment=assignment)  # a draft
    response = _post(client_for(office_user), round, "station")
    assert "青山县财政局的巡察公告尚未发布" in _messages(response)
    round.refresh_from_db()
    assert round.status == RoundStatus.MOBILIZING


def test_station_succeeds_once_announced_and_records_the_stationing_date(client_for, office_user):
    round, _, assignment = _staffed_round()
    services.round_transition(round=round, action="mobilize", by=office_user)
    _set_milestone(round, MilestoneKind.MOBILIZATION, actual_date=timezone.localdate())
    services.announcement_publish(announcement=AnnouncementFactory(assignment=assignment), by=office_user)
    _post(client_for(office_user), round, "station")
    round.refresh_from_db()
    assert round.status == RoundStatus.STATIONED
    assert (
        Milestone.objects.get(round=round, kind=MilestoneKind.STATIONING).actual_date == timezone.localdate()
    )
    assert list(round.transitions.values_list("to_status", "by")) == [
        (RoundStatus.MOBILIZING, office_user.pk),
        (RoundStatus.STATIONED, office_user.pk),
    ]


def test_the_later_stages_need_their_milestones(client_for, office_user):
    round = RoundFactory(status=RoundStatus.STATIONED)
    client = client_for(office_user)
    today = timezone.localdate()
    steps = [
        ("report", MilestoneKind.STATIONING, RoundStatus.REPORTING),
        ("feedback", MilestoneKind.REPORT_FIVE, RoundStatus.FEEDBACK),
        ("rectify", MilestoneKind.FEEDBACK, RoundStatus.RECTIFYING),
        ("complete", MilestoneKind.RECTIFY_DEADLINE, RoundStatus.DONE),
    ]
    _set_milestone(round, MilestoneKind.REPORT_GROUP, actual_date=today)
    _set_milestone(round, MilestoneKind.RECTIFY_DEADLINE, planned_date=today)
    for action, milestone, target in steps:
        label = MilestoneKind(milestone).label
        refused = _messages(_post(client, round, action))
        assert f"尚未记录“{label}”的实际日期" in refused
        _set_milestone(round, milestone, actual_date=today)
        _post(client, round, action)
        round.refresh_from_db()
        assert round.status == target
    assert round.transitions.count() == 4
    # A finished round offers no further action.
    assert client.get(reverse("rounds:round_detail", args=[round.pk])).context["actions"] == []


def test_an_action_from_the_wrong_stage_is_refused(client_for, office_user):
    round = RoundFactory()
    text = _messages(_post(client_for(office_user), round, "report"))
    assert "当前阶段为“筹备”" in text and "须在“进驻”阶段" in text
    round.refresh_from_db()
    assert round.status == RoundStatus.PREPARING


def test_an_unknown_action_is_a_message_not_an_error(client_for, office_user):
    round = RoundFactory()
    response = _post(client_for(office_user), round, "explode")
    assert response.status_code == 200
    assert "未知的操作" in _messages(response)


def test_transition_is_post_only(client_for, office_user):
    round, _, _ = _staffed_round()
    response = client_for(office_user).get(reverse("rounds:round_transition", args=[round.pk, "mobilize"]))
    assert response.status_code == 405
    round.refresh_from_db()
    assert round.status == RoundStatus.PREPARING


def test_leader_gets_403_on_transition_and_sees_no_action_buttons(client_for, leader_user):
    round, _, _ = _staffed_round()
    client = client_for(leader_user)
    response = client.post(reverse("rounds:round_transition", args=[round.pk, "mobilize"]))
    assert response.status_code == 403
    round.refresh_from_db()
    assert round.status == RoundStatus.PREPARING
    detail = client.get(reverse("rounds:round_detail", args=[round.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert reverse("rounds:round_transition", args=[round.pk, "mobilize"]) not in page
    assert "开始动员部署" not in page


def test_team_member_cannot_move_his_round(client_for):
    round, team, _ = _staffed_round()
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=MemberRole.DEPUTY)
    response = client_for(user).post(reverse("rounds:round_transition", args=[round.pk, "mobilize"]))
    assert response.status_code == 403
    round.refresh_from_db()
    assert round.status == RoundStatus.PREPARING
