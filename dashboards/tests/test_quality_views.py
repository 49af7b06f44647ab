"""The quality evaluation pages: who may see and change what, the forms, the export, the query count."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.models import QualitySettings, ScoreSource, TeamScore
from rounds.models import RoundStatus
from rounds.tests.factories import RoundFactory
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamMemberFactory
from xuncha.accounts.roles import Role

from .quality_world import add_team, build_world, set_status

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world():
    return build_world()


def urls(world):
    return {
        "quality": reverse("dashboards:quality"),
        "export": reverse("dashboards:quality_export"),
        "settings": reverse("dashboards:quality_settings"),
        "scores": reverse("dashboards:team_scores", args=[world.team_a.pk]),
    }


def team_leader_of(team, make_user):
    user = make_user(Role.TEAM)
    TeamMemberFactory(team=team, cadre=CadreFactory(user=user), role=MemberRole.LEADER)
    return user


def score_post(world, **overrides):
    u1, u2 = world.units_a
    data = {
        "leadership_score": "85",
        "leadership_note": "领导小组评定：工作扎实",
        "office_score": "80",
        "office_note": "",
        f"unit_{u1.pk}_score": "90",
        f"unit_{u1.pk}_note": "",
        f"unit_{u2.pk}_score": "70",
        f"unit_{u2.pk}_note": "",
    }
    data.update(overrides)
    return data


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["quality", "export", "scores"])
def test_office_and_leader_read(world, office_user, leader_user, client_for, name):
    for user in (office_user, leader_user):
        assert client_for(user).get(urls(world)[name]).status_code == 200


@pytest.mark.parametrize("name", ["quality", "export", "settings", "scores"])
def test_others_get_403(world, make_user, client, name):
    users = [make_user(role) for role in (Role.TEAM, Role.UNIT, Role.JIWEI, Role.ZUZHIBU, Role.DEPARTMENT)]
    users.append(team_leader_of(world.team_a, make_user))  # not even his own team's row
    for user in users:
        client.force_login(user)
        assert client.get(urls(world)[name]).status_code == 403, (user, name)


def test_anonymous_is_sent_to_login(world, client):
    for url in urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_settings_page_is_the_office_s(world, office_user, leader_user, client_for):
    assert client_for(office_user).get(urls(world)["settings"]).status_code == 200
    assert client_for(leader_user).get(urls(world)["settings"]).status_code == 403


def test_leader_cannot_write(world, leader_user, client_for):
    client = client_for(leader_user)
    assert client.post(urls(world)["scores"], score_post(world)).status_code == 403
    data = {"leadership_weight": "50", "office_weight": "30", "unit_weight": "20", "talk_threshold": "70"}
    assert client.post(urls(world)["settings"], data).status_code == 403
    assert not TeamScore.objects.exists()
    assert QualitySettings.current().leadership_weight == 70


def test_team_member_post_403(world, make_user, client_for):
    client = client_for(team_leader_of(world.team_a, make_user))
    assert client.post(urls(world)["scores"], score_post(world)).status_code == 403
    assert not TeamScore.objects.exists()


def test_unknown_team_404(office_user, client_for, db):
    assert client_for(office_user).get(reverse("dashboards:team_scores", args=[999999])).status_code == 404


# --- the ranking page -----------------------------------------------------------------------------


def test_ranking_without_scores_tells_the_office_to_enter_them(world, office_user, client_for):
    response = client_for(office_user).get(urls(world)["quality"])
    html = response.content.decode()
    assert response.context["round"] == world.round
    assert 'data-testid="no-scores"' in html and "录入评分" in html
    assert "考评设置" in html
    assert "1.50" in html and "75.0%" in html and "33.3%" in html and "40.0%" in html and "60.0%" in html
    assert "未评分" in html


def test_leader_sees_no_edit_buttons(world, leader_user, client_for):
    html = client_for(leader_user).get(urls(world)["quality"]).content.decode()
    assert "录入评分</a>" not in html and "修改评分" not in html
    assert 'data-testid="settings-link"' not in html
    assert "导出Excel" in html
    page = client_for(leader_user).get(urls(world)["scores"]).content.decode()
    assert 'data-testid="scores-readonly"' in page and 'data-testid="scores-form"' not in page


def test_ranking_with_scores_and_talk_flag(world, office_user, client_for):
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.LEADERSHIP, score=60)
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.OFFICE, score=60)
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.UNIT, unit=world.units_a[0], score=60)
    TeamScore.objects.create(team=world.team_b, source=ScoreSource.OFFICE, score=90)
    response = client_for(office_user).get(urls(world)["quality"])
    html = response.content.decode()
    rows = response.context["rows"]
    assert [r.team for r in rows] == [world.team_a, world.team_b]
    assert rows[0].talk and rows[0].rank == 1
    assert "建议约谈" in html and 'class="talk"' in html
    assert "评分未齐" in html and "暂算" in html
    assert 'data-testid="no-scores"' not in html


def test_term_view_lists_every_round(world, office_user, client_for):
    response = client_for(office_user).get(urls(world)["quality"], {"term": world.round.term_id, "round": ""})
    assert response.context["round"] is None
    assert {r.team for r in response.context["rows"]} == {world.team_a, world.team_b, world.team_c}
    assert "全届" in response.content.decode()


def test_round_filter(world, office_user, client_for):
    response = client_for(office_user).get(
        urls(world)["quality"], {"term": world.round.term_id, "round": world.other_round.pk}
    )
    assert [r.team for r in response.context["rows"]] == [world.team_c]


def test_stale_round_falls_back_to_the_term(world, office_user, client_for):
    response = client_for(office_user).get(urls(world)["quality"], {"round": "abc"})
    assert response.status_code == 200 and response.context["round"] is None


def test_empty_county(office_user, client_for):
    response = client_for(office_user).get(reverse("dashboards:quality"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "empty-state" in response.content.decode()


def test_page_query_count_same_for_one_and_ten_teams(office_user, client_for):
    round = RoundFactory()
    add_team(round, 1)
    set_status(round, RoundStatus.RECTIFYING)
    client = client_for(office_user)
    url = reverse("dashboards:quality") + f"?term={round.term_id}&round={round.pk}"
    client.get(url)  # the settings row is made on the first visit
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(2, 11):
        team = add_team(round, n)
        TeamScore.objects.create(team=team, source=ScoreSource.LEADERSHIP, score=80)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert len(response.context["rows"]) == 10
    assert len(one) == len(ten)


# --- the score sheet ------------------------------------------------------------------------------


def test_office_enters_scores(world, office_user, client_for):
    client = client_for(office_user)
    page = client.get(urls(world)["scores"])
    assert page.status_code == 200 and 'data-testid="scores-form"' in page.content.decode()
    response = client.post(urls(world)["scores"], score_post(world))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?round={world.round.pk}")
    scores = {(s.source, s.unit_id): s.score for s in TeamScore.objects.filter(team=world.team_a)}
    u1, u2 = world.units_a
    assert scores == {
        (ScoreSource.LEADERSHIP, None): 85,
        (ScoreSource.OFFICE, None): 80,
        (ScoreSource.UNIT, u1.pk): 90,
        (ScoreSource.UNIT, u2.pk): 70,
    }
    assert TeamScore.history.filter(team_id=world.team_a.pk).first().history_user == office_user
    page = client.get(urls(world)["scores"]).content.decode()
    assert "83.50" in page  # 85×70% + 80×20% + (90+70)/2×10%
    assert "变更记录" in page and "领导小组评定：工作扎实" in page


def _loaded_stamp(page) -> str:
    return re.search(r'name="version" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_two_office_users_on_one_sheet_never_overwrite_each_other(world, office_user, make_user):
    client, colleague = Client(), Client()
    client.force_login(office_user)
    colleague.force_login(make_user(Role.OFFICE, name="王同事"))
    url = urls(world)["scores"]
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.OFFICE, score=60)
    mine, theirs = _loaded_stamp(client.get(url)), _loaded_stamp(colleague.get(url))
    assert mine == theirs
    # The colleague saves first: the office score becomes 75.
    assert colleague.post(url, score_post(world, office_score="75", version=theirs)).status_code == 302
    # My save, loaded before theirs, is refused; what I typed is kept; their value stands beside mine.
    response = client.post(url, score_post(world, office_score="82", office_note="补充意见", version=mine))
    page = response.content.decode()
    assert response.status_code == 200
    assert "王同事" in page and "修改了本组的评分" in page and 'data-testid="edit-conflict"' in page
    assert "75分" in page and "82分：补充意见" in page and "补充意见</textarea>" in page
    office = TeamScore.objects.get(team=world.team_a, source=ScoreSource.OFFICE)
    assert (office.score, office.note) == (75, "")
    # Saving again, knowingly, applies my sheet over theirs.
    fresh = _loaded_stamp(response)
    assert fresh != mine
    assert client.post(url, score_post(world, office_score="82", version=fresh)).status_code == 302
    assert TeamScore.objects.get(team=world.team_a, source=ScoreSource.OFFICE).score == 82


def test_a_cleared_score_also_makes_an_open_sheet_stale(world, office_user, client_for):
    client = client_for(office_user)
    url = urls(world)["scores"]
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.OFFICE, score=60)
    stamp = _loaded_stamp(client.get(url))
    TeamScore.objects.filter(source=ScoreSource.OFFICE).delete()
    response = client.post(url, score_post(world, version=stamp))
    assert response.status_code == 200 and "修改了本组的评分" in response.content.decode()
    assert not TeamScore.objects.exists()


def test_score_form_errors_in_chinese(world, office_user, client_for):
    client = client_for(office_user)
    response = client.post(urls(world)["scores"], score_post(world, office_score="120"))
    assert response.status_code == 200
    assert "100" in response.content.decode() and "确保" in response.content.decode()
    response = client.post(urls(world)["scores"], score_post(world, office_score="", office_note="很好"))
    assert "填写了评价意见，请同时填写评分" in response.content.decode()
    assert not TeamScore.objects.exists()


def test_round_not_on_site_has_no_form(world, office_user, client_for):
    set_status(world.round, RoundStatus.PREPARING)
    client = client_for(office_user)
    page = client.get(urls(world)["scores"]).content.decode()
    assert "暂不能考评" in page and 'data-testid="scores-form"' not in page
    response = client.post(urls(world)["scores"], score_post(world))
    assert response.status_code == 200 and "尚未进驻" in response.content.decode()
    assert not TeamScore.objects.exists()


# --- settings -------------------------------------------------------------------------------------


def test_office_edits_weights(world, office_user, client_for):
    data = {"leadership_weight": "60", "office_weight": "30", "unit_weight": "10", "talk_threshold": "80"}
    response = client_for(office_user).post(urls(world)["settings"], data)
    assert response.status_code == 302
    settings = QualitySettings.current()
    assert (settings.leadership_weight, settings.office_weight, settings.talk_threshold) == (60, 30, 80)


def test_weights_must_sum_to_100(world, office_user, client_for):
    data = {"leadership_weight": "70", "office_weight": "20", "unit_weight": "20", "talk_threshold": "75"}
    response = client_for(office_user).post(urls(world)["settings"], data)
    assert response.status_code == 200
    assert "三项评分权重之和应为100%，当前为110%" in response.content.decode()
    assert QualitySettings.current().unit_weight == 10


# --- export ---------------------------------------------------------------------------------------


def test_export_loads(world, office_user, client_for):
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.LEADERSHIP, score=60)
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.OFFICE, score=60)
    TeamScore.objects.create(team=world.team_a, source=ScoreSource.UNIT, unit=world.units_a[0], score=60)
    response = client_for(office_user).get(
        urls(world)["export"], {"term": world.round.term_id, "round": world.round.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert str(world.round) in sheet["A1"].value
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["排名", "轮次", "巡察组"] and "综合得分" in headers
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert len(body) == 2
    total = headers.index("综合得分")
    assert body[0][0] == 1 and body[0][total] == 60 and body[0][-1] == "建议约谈"
    assert body[1][0] == "—" and body[1][total] == "—"
    # A rate is a number shown as a percentage (0.75 as 75.0%), a count a number with a count format.
    rate = sheet.cell(row=4, column=headers.index("线索移交率") + 1)
    assert rate.value == 0.75 and rate.data_type == "n" and rate.number_format == "0.0%"
    count = sheet.cell(row=4, column=headers.index("线索数") + 1)
    assert isinstance(count.value, int) and count.number_format == "0"
