"""The round pages: list, plan form, detail and milestones, as each role sees them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rounds.models import Milestone, MilestoneKind, Round, RoundKind, RoundStatus
from rounds.tests.factories import AssignmentFactory, RoundFactory, TermFactory, UnitFactory
from teams.models import MemberRole
from teams.services import team_member_add
from teams.tests.factories import CadreFactory, TeamFactory
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _round_data(term, **overrides):
    data = {
        "term": term.pk,
        "number": 7,
        "kind": RoundKind.REGULAR,
        "theme": "",
        "revisit_of": "",
        "planned_start": "2026-03-01",
        "planned_end": "2026-06-30",
        "plan_note": "对县直部门开展常规巡察",
        # 第7轮 in a term without rounds skips numbers: said why, as the form asks.
        "number_note": "前6轮在系统启用前完成",
    }
    data.update(overrides)
    return data


def _team_member(team, role=MemberRole.MEMBER):
    user = UserFactory(roles=[Role.TEAM])
    team_member_add(team=team, cadre=CadreFactory(user=user), role=role)
    return user


# --- creating and editing --------------------------------------------------------------------------


def test_create_form_proposes_the_next_number_of_the_current_term(client_for, office_user):
    term = TermFactory()
    RoundFactory(term=term, number=3)
    response = client_for(office_user).get(reverse("rounds:round_create"))
    assert response.status_code == 200
    assert response.context["form"].initial["number"] == 4
    assert response.context["form"].initial["term"] == term


def test_office_creates_a_round_with_its_six_milestones(client_for, office_user):
    term = TermFactory()
    response = client_for(office_user).post(reverse("rounds:round_create"), _round_data(term))
    round = Round.objects.get(term=term, number=7)
    assert response.status_code == 302
    assert response.url == reverse("rounds:round_detail", args=[round.pk])
    assert round.status == RoundStatus.PREPARING
    assert round.created_by == office_user
    assert set(round.milestones.values_list("kind", flat=True)) == set(MilestoneKind.values)


def test_special_round_without_theme_is_refused_with_a_message(client_for, office_user):
    term = TermFactory()
    response = client_for(office_user).post(
        reverse("rounds:round_create"), _round_data(term, kind=RoundKind.SPECIAL, theme="  ")
    )
    assert response.status_code == 200
    assert "专项巡察须填写专项主题" in response.content.decode()
    assert not Round.objects.exists()


def test_special_round_with_theme_is_created(client_for, office_user):
    term = TermFactory()
    client_for(office_user).post(
        reverse("rounds:round_create"), _round_data(term, kind=RoundKind.SPECIAL, theme="房地产领域")
    )
    assert Round.objects.get().theme == "房地产领域"


def test_lookback_needs_an_earlier_round_that_has_stationed(client_for, office_user):
    term = TermFactory()
    earlier = RoundFactory(term=term, number=1, status=RoundStatus.DONE)
    planned = RoundFactory(term=term, number=2)
    client = client_for(office_user)

    response = client.post(reverse("rounds:round_create"), _round_data(term, kind=RoundKind.LOOKBACK))
    assert "回头看须选择所回头看的轮次" in response.content.decode()

    # A round still in planning has inspected nothing and cannot be looked back on.
    response = client.post(
        reverse("rounds:round_create"), _round_data(term, kind=RoundKind.LOOKBACK, revisit_of=planned.pk)
    )
    assert "revisit_of" in response.context["form"].errors

    response = client.post(
        reverse("rounds:round_create"), _round_data(term, kind=RoundKind.LOOKBACK, revisit_of=earlier.pk)
    )
    assert response.status_code == 302
    assert Round.objects.get(number=7).revisit_of == earlier


def test_a_number_already_used_in_the_term_is_refused(client_for, office_user):
    term = TermFactory()
    RoundFactory(term=term, number=7)
    response = client_for(office_user).post(reverse("rounds:round_create"), _round_data(term))
    assert "已有第7轮" in response.content.decode()
    assert Round.objects.filter(term=term, number=7).count() == 1


def test_a_number_that_skips_numbers_warns_and_is_kept_with_a_note(client_for, office_user):
    term = TermFactory()
    RoundFactory(term=term, number=1)
    client = client_for(office_user)
    page = client.post(reverse("rounds:round_create"), _round_data(term, number=3, number_note="")).content.decode()
    assert "现有轮次到第1轮，第3轮跳过了第2轮；请核对轮次号，确需跳号的，请填写轮次号说明" in page
    assert not Round.objects.filter(term=term, number=3).exists()
    # The next number needs nothing.
    assert client.post(reverse("rounds:round_create"), _round_data(term, number=2, number_note="")).status_code == 302
    response = client.post(
        reverse("rounds:round_create"), _round_data(term, number=5, number_note="第3、4轮为市委巡察交叉轮次")
    )
    assert response.status_code == 302
    round = Round.objects.get(term=term, number=5)
    assert round.history.earliest().history_change_reason == "轮次号说明：第3、4轮为市委巡察交叉轮次"
    # The edit form does not ask.
    assert "轮次号说明" not in client.get(reverse("rounds:round_edit", args=[round.pk])).content.decode()


def test_office_edits_a_round_and_the_change_shows_in_its_history(client_for, office_user):
    round = RoundFactory(number=2)
    client = client_for(office_user)
    response = client.post(
        reverse("rounds:round_edit", args=[round.pk]),
        _round_data(round.term, number=2, kind=RoundKind.SPECIAL, theme="人防系统"),
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.kind == RoundKind.SPECIAL and round.theme == "人防系统"
    page = client.get(reverse("rounds:round_detail", args=[round.pk])).content.decode()
    assert "人防系统" in page
    assert "专项主题" in page and office_user.display_name in page


def test_a_finished_round_cannot_be_edited(client_for, office_user):
    round = RoundFactory(number=2, status=RoundStatus.DONE)
    response = client_for(office_user).post(
        reverse("rounds:round_edit", args=[round.pk]), _round_data(round.term, number=2, plan_note="改")
    )
    assert "已完成的轮次不能修改" in response.content.decode()
    round.refresh_from_db()
    assert round.plan_note == ""


def test_leader_and_team_member_cannot_open_the_forms(client_for, leader_user):
    round = RoundFactory()
    client = client_for(leader_user)
    assert client.get(reverse("rounds:round_create")).status_code == 403
    assert client.post(reverse("rounds:round_create"), _round_data(round.term)).status_code == 403
    assert client.post(reverse("rounds:round_edit", args=[round.pk]), {}).status_code == 403
    assert client.post(reverse("rounds:milestone_edit", args=[round.pk]), {}).status_code == 403


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("rounds:round_list"))
    assert response.status_code == 302 and reverse("login") in response.url


# --- the list ---------------------------------------------------------------------------------------


def test_round_list_filters_by_kind_status_and_searches(client_for, office_user):
    term = TermFactory()
    regular = RoundFactory(term=term, number=1, status=RoundStatus.DONE)
    special = RoundFactory(term=term, number=2, kind=RoundKind.SPECIAL, theme="房地产领域")
    third = RoundFactory(term=term, number=3)
    AssignmentFactory(team=TeamFactory(round=third), unit=UnitFactory(name="青山县民政局"))
    client = client_for(office_user)

    def listed(**params):
        return set(client.get(reverse("rounds:round_list"), params).context["page_obj"].object_list)

    assert listed() == {regular, special, third}
    assert listed(kind=RoundKind.SPECIAL) == {special}
    assert listed(status=RoundStatus.DONE) == {regular}
    assert listed(q="房地产") == {special}
    assert listed(q="民政局") == {third}
    assert listed(q="第三轮") == {third}
    assert listed(term=term.pk, kind=RoundKind.REGULAR) == {regular, third}


def test_round_list_counts_teams_and_units(client_for, office_user):
    round = RoundFactory()
    team = TeamFactory(round=round)
    TeamFactory(round=round)
    AssignmentFactory(team=team)
    AssignmentFactory(team=team)
    response = client_for(office_user).get(reverse("rounds:round_list"))
    row = response.context["page_obj"].object_list[0]
    assert (row.team_count, row.unit_count) == (2, 2)
    assert round.term.name in response.content.decode()


def test_round_list_costs_the_same_queries_for_more_rounds(client_for, office_user):
    client = client_for(office_user)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("rounds:round_list")).status_code == 200
        return len(ctx)

    for _ in range(2):
        AssignmentFactory()
    few = queries()
    for _ in range(8):
        AssignmentFactory()
    assert queries() == few


def test_team_member_sees_only_the_rounds_he_serves_on(client_for):
    mine = RoundFactory()
    other = RoundFactory()
    team = TeamFactory(round=mine)
    user = _team_member(team)
    AssignmentFactory(team=team)
    AssignmentFactory(team=TeamFactory(round=other))
    client = client_for(user)
    assert list(client.get(reverse("rounds:round_list")).context["page_obj"].object_list) == [mine]
    assert client.get(reverse("rounds:round_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("rounds:round_detail", args=[other.pk])).status_code == 404


# --- the detail page --------------------------------------------------------------------------------


def test_detail_highlights_the_current_stage(client_for, office_user):
    round = RoundFactory(status=RoundStatus.STATIONED)
    page = client_for(office_user).get(reverse("rounds:round_detail", args=[round.pk])).content.decode()
    assert '<li class="current" aria-current="step">3. 进驻</li>' in page
    assert '<li class="done">1. 筹备</li>' in page
    assert '<li class="">4. 报告</li>' in page


def test_detail_shows_teams_and_assignments_with_links_for_the_office(client_for, office_user):
    round = RoundFactory()
    team = TeamFactory(round=round)
    leader = CadreFactory(name="王组长")
    team_member_add(team=team, cadre=leader, role=MemberRole.LEADER)
    assignment = AssignmentFactory(team=team, unit=UnitFactory(name="青山县财政局"))
    page = client_for(office_user).get(reverse("rounds:round_detail", args=[round.pk])).content.decode()
    assert "王组长" in page and "青山县财政局" in page
    assert reverse("teams:team_detail", args=[team.pk]) in page
    assert reverse("rounds:assignment_detail", args=[assignment.pk]) in page
    assert reverse("teams:team_create", args=[round.pk]) in page
    assert reverse("rounds:assignment_create", args=[round.pk]) in page


def test_leader_sees_the_detail_read_only(client_for, leader_user):
    round = RoundFactory()
    AssignmentFactory(team=TeamFactory(round=round), unit=UnitFactory(name="青山县财政局"))
    page = client_for(leader_user).get(reverse("rounds:round_detail", args=[round.pk])).content.decode()
    assert "青山县财政局" in page
    assert reverse("rounds:round_edit", args=[round.pk]) not in page
    assert reverse("rounds:assignment_create", args=[round.pk]) not in page
    assert reverse("teams:team_create", args=[round.pk]) not in page
    assert "round-actions" not in page


def test_detail_colours_milestones_due_soon_and_overdue(client_for, office_user):
    round = RoundFactory()
    today = timezone.localdate()
    Milestone.objects.filter(round=round, kind=MilestoneKind.MOBILIZATION).update(
        planned_date=today - datetime.timedelta(days=2)
    )
    Milestone.objects.filter(round=round, kind=MilestoneKind.STATIONING).update(
        planned_date=today + datetime.timedelta(days=5)
    )
    Milestone.objects.filter(round=round, kind=MilestoneKind.FEEDBACK).update(
        planned_date=today + datetime.timedelta(days=30)
    )
    response = client_for(office_user).get(reverse("rounds:round_detail", args=[round.pk]))
    states = {m.kind: m.css for m in response.context["milestones"]}
    assert states[MilestoneKind.MOBILIZATION] == "overdue"
    assert states[MilestoneKind.STATIONING] == "due-soon"
    assert states[MilestoneKind.FEEDBACK] == ""
    page = response.content.decode()
    assert '<tr class="overdue">' in page and '<tr class="due-soon">' in page
    assert [m.kind for m in response.context["milestones"]] == list(MilestoneKind.values)


def test_detail_costs_the_same_queries_for_more_teams_and_units(client_for, office_user):
    round = RoundFactory()
    client = client_for(office_user)

    def add_team():
        team = TeamFactory(round=round)
        team_member_add(team=team, cadre=CadreFactory(), role=MemberRole.LEADER)
        team_member_add(team=team, cadre=CadreFactory(), role=MemberRole.MEMBER)
        AssignmentFactory(team=team)
        AssignmentFactory(team=team)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("rounds:round_detail", args=[round.pk])).status_code == 200
        return len(ctx)

    add_team()
    one = queries()
    for _ in range(4):
        add_team()
    assert queries() == one


# --- milestones -------------------------------------------------------------------------------------


def _milestone_post(round, rows):
    data = {"form-TOTAL_FORMS": "6", "form-INITIAL_FORMS": "6"}
    milestones = {m.kind: m for m in round.milestones.all()}
    for i, kind in enumerate(MilestoneKind.values):
        m = milestones[kind]
        planned, actual, note = rows.get(kind, (m.planned_date, m.actual_date, m.note))
        data[f"form-{i}-planned_date"] = planned.isoformat() if planned else ""
        data[f"form-{i}-actual_date"] = actual.isoformat() if actual else ""
        data[f"form-{i}-note"] = note
    return data


def test_office_edits_the_milestones_in_one_form(client_for, office_user):
    round = RoundFactory()
    client = client_for(office_user)
    assert len(client.get(reverse("rounds:milestone_edit", args=[round.pk])).context["formset"].forms) == 6
    data = _milestone_post(
        round,
        {
            MilestoneKind.MOBILIZATION: (datetime.date(2026, 3, 10), None, "县委常委会议室"),
            MilestoneKind.RECTIFY_DEADLINE: (datetime.date(2026, 12, 31), None, ""),
        },
    )
    response = client.post(reverse("rounds:milestone_edit", args=[round.pk]), data)
    assert response.status_code == 302
    mobilization = Milestone.objects.get(round=round, kind=MilestoneKind.MOBILIZATION)
    assert mobilization.planned_date == datetime.date(2026, 3, 10)
    assert mobilization.note == "县委常委会议室"
    assert mobilization.history.first().history_user == office_user
    assert Milestone.objects.get(
        round=round, kind=MilestoneKind.RECTIFY_DEADLINE
    ).planned_date == datetime.date(2026, 12, 31)


def test_a_refused_milestone_row_shows_its_error_and_nothing_is_saved(client_for, office_user):
    round = RoundFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = _milestone_post(
        round,
        {
            MilestoneKind.MOBILIZATION: (datetime.date(2026, 3, 10), None, ""),
            MilestoneKind.FEEDBACK: (None, tomorrow, ""),
        },
    )
    response = client_for(office_user).post(reverse("rounds:milestone_edit", args=[round.pk]), data)
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert "实际日期不能晚于今天" in str(
        forms[MilestoneKind.values.index(MilestoneKind.FEEDBACK)].non_field_errors()
    )
    assert not forms[0].errors
    assert Milestone.objects.get(round=round, kind=MilestoneKind.MOBILIZATION).planned_date is None
