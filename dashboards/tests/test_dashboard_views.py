"""The dashboard pages, the drill-down list and the exports: who may open them, what a team member sees,
and that the Excel and PDF files open."""

import io
import re
import shutil
import subprocess
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clues.models import Finding, FindingStatus
from dashboards.documents.exports import TABLES
from dashboards.selectors.figures import Scope, figures
from teams.models import MemberRole
from teams.tests.factories import CadreFactory, TeamMemberFactory
from xuncha.accounts.roles import Role

from .test_dashboard_views_queries import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = World()
    w.add(1)
    return w


@pytest.fixture
def member(world, make_user):
    """A team member: 组长 of the rectifying round's first team (and of no team in the finished round)."""
    user = make_user(Role.TEAM)
    TeamMemberFactory(team=world.teams[world.rectifying.pk][0], cadre=CadreFactory(user=user), role=MemberRole.LEADER)
    return user


def _urls(world):
    term, round = world.term, world.rectifying
    return {
        "county": f"{reverse('dashboards:county')}?term={term.pk}",
        "round": reverse("dashboards:round", args=[round.pk]),
        "pdf": reverse("dashboards:round_pdf", args=[round.pk]),
        "drilldown": f"{reverse('dashboards:drilldown', args=['findings'])}?round={round.pk}",
        "export": f"{reverse('dashboards:export')}?round={round.pk}&table=summary",
    }


# --- access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.OFFICE, Role.LEADER])
def test_office_and_leader_open_every_page(client_for, make_user, world, role):
    client = client_for(make_user(role))
    for name, url in _urls(world).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("role", [Role.UNIT, Role.JIWEI, Role.ZUZHIBU, Role.DEPARTMENT, Role.TEAM])
def test_others_get_403(client_for, make_user, world, role):
    """The inspected units, 纪委监委, 组织部, departments — and a team-role user on no team."""
    client = client_for(make_user(role))
    for name, url in _urls(world).items():
        assert client.get(url).status_code == 403, name
    assert client.get(reverse("dashboards:county")).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    for url in _urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_there_is_nothing_to_write(client_for, office_user, leader_user, world):
    for user in (office_user, leader_user):
        client = client_for(user)
        for url in _urls(world).values():
            assert client.post(url).status_code == 405


def test_team_member_sees_his_teams_part(client_for, member, world):
    client = client_for(member)
    team = world.teams[world.rectifying.pk][0]
    urls = _urls(world)
    for name, url in urls.items():
        assert client.get(url).status_code == 200, name

    response = client.get(urls["round"])
    own = Finding.objects.filter(team=team, status=FindingStatus.APPROVED).count()
    all_in_round = Finding.objects.filter(round=world.rectifying, status=FindingStatus.APPROVED).count()
    assert own < all_in_round
    assert response.context["figs"]["findings"] == own
    assert response.context["figs"]["units_to_cover"] is None  # the county's coverage is not his part
    assert "仅显示您所在巡察组的部分" in response.content.decode()
    assert [r.key for r in response.context["dash"].by_team] == [team.pk]
    assert [r.key for r in response.context["dash"].by_round] == [world.rectifying.pk]

    county = client.get(urls["county"]).context["figs"]
    assert county["findings"] == own
    assert county == figures(Scope(world.term, None, frozenset({team.pk})))

    # His list has his team's rows only; another team, or a round he did not serve in, is not his to see:
    # 404, as for one that does not exist, so that the answer does not tell it exists.
    drill = client.get(f"{reverse('dashboards:drilldown', args=['findings'])}?term={world.term.pk}")
    assert drill.context["total"] == own
    other = world.teams[world.rectifying.pk][1]
    url = f"{reverse('dashboards:drilldown', args=['findings'])}?term={world.term.pk}&team={other.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse("dashboards:round", args=[world.done.pk])).status_code == 404
    assert client.get(reverse("dashboards:round_pdf", args=[world.done.pk])).status_code == 404
    to_cover = reverse("dashboards:drilldown", args=["units_to_cover"])
    assert client.get(f"{to_cover}?term={world.term.pk}").status_code == 404


# --- the drill-down list ------------------------------------------------------------------------------


def test_drilldown_title_filters_links_and_validation(client_for, office_user, leader_user, world):
    client = client_for(leader_user)
    team = world.teams[world.rectifying.pk][0]
    base = reverse("dashboards:drilldown", args=["findings"])
    url = f"{base}?round={world.rectifying.pk}&team={team.pk}&category={world.areas[1].pk}&unit_type=village"
    response = client.get(url)
    html = response.content.decode()
    want = Finding.objects.filter(
        team=team, status=FindingStatus.APPROVED, unit__unit_type="village", category__parent=world.areas[1]
    ).count()
    assert response.context["total"] == want > 0
    assert f'data-total="{want}"' in html
    for text in ("发现问题", "第二轮", "巡察组：第二轮第一巡察组", "单位类型：村/社区", "问题类别：领域2（含下级类别）"):
        assert text in html, text
    assert reverse("clues:finding_detail", args=[response.context["page_obj"][0].pk]) in html

    # Leads are the office's and the team's: the leader sees the transfer list without summaries or links.
    transfers = f"{reverse('dashboards:drilldown', args=['to_jiwei'])}?term={world.term.pk}"
    leader_html = client.get(transfers).content.decode()
    assert "反映问题" not in leader_html and "/leads/" not in leader_html
    office_html = client_for(office_user).get(transfers).content.decode()
    assert "反映问题" in office_html and "/leads/" in office_html

    client = client_for(leader_user)
    assert client.get(reverse("dashboards:drilldown", args=["nonsense"])).status_code == 404
    assert client.get(f"{base}?term={world.term.pk}&unit_type=castle").status_code == 404
    assert client.get(f"{base}?term=abc").status_code == 404
    # Transfers have no category; coverage has no team: such a list does not exist.
    cases = reverse("dashboards:drilldown", args=["cases"])
    assert client.get(f"{cases}?term={world.term.pk}&category={world.areas[0].pk}").status_code == 404
    covered = reverse("dashboards:drilldown", args=["units_covered"])
    assert client.get(f"{covered}?term={world.term.pk}&team={team.pk}").status_code == 404


def test_overdue_measures_are_marked_red(client_for, leader_user, world):
    url = f"{reverse('dashboards:drilldown', args=['measures_overdue'])}?round={world.rectifying.pk}"
    html = client_for(leader_user).get(url).content.decode()
    assert 'class="overdue"' in html and "已逾期" in html


# --- exports ------------------------------------------------------------------------------------------


def test_every_table_exports_to_excel(client_for, leader_user, world):
    client = client_for(leader_user)
    for scope in (f"term={world.term.pk}", f"round={world.rectifying.pk}"):
        response = client.get(f"{reverse('dashboards:export')}?{scope}&table=all")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == [*TABLES.values(), "统计口径"]
        for name, label in TABLES.items():
            one = client.get(f"{reverse('dashboards:export')}?{scope}&table={name}")
            assert load_workbook(io.BytesIO(one.content)).sheetnames == [label, "统计口径"]
    summary = load_workbook(io.BytesIO(response.content))["主要数据"]
    rows = {row[0]: row[1] for row in summary.iter_rows(min_row=3, values_only=True) if row and row[0]}
    assert rows["发现问题"] == figures(Scope(world.term, world.rectifying))["findings"]
    assert client.get(f"{reverse('dashboards:export')}?round={world.rectifying.pk}&table=nope").status_code == 404


def test_drilldown_exports_every_row(client_for, leader_user, world):
    client = client_for(leader_user)
    url = f"{reverse('dashboards:drilldown', args=['measures'])}?term={world.term.pk}"
    total = client.get(url).context["total"]
    assert total > 50  # more than a page
    sheet = load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))["明细"]
    assert f"共 {total} 条" in sheet["A1"].value
    data = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r and r[1]]
    assert len(data) == total


def test_round_pdf_has_the_charts_and_chinese_text(client_for, leader_user, world):
    client = client_for(leader_user)
    started = time.monotonic()
    response = client.get(reverse("dashboards:round_pdf", args=[world.rectifying.pk]))
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert elapsed < 10  # about a second; synchronous is fine
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    text = re.sub(r"\s+", "", text)
    for words in ("第二轮巡察领导驾驶舱", "主要数据", "图1问题类别分布", "图3本轮整改进度", "按巡察组", "统计口径"):
        assert words in text, words
    # The SVG charts' own labels are text in the PDF too.
    assert "仍未销号" in text and "已覆盖" in text


def test_county_page_without_a_term_says_so(client_for, leader_user):
    response = client_for(leader_user).get(reverse("dashboards:county"))
    assert response.status_code == 200
    assert "尚未设置届次" in response.content.decode()
    drill = reverse("dashboards:drilldown", args=["findings"])
    assert client_for(leader_user).get(drill).status_code == 404


def test_the_page_embeds_the_chart_data_and_the_definitions(client_for, leader_user, world):
    html = client_for(leader_user).get(reverse("dashboards:round", args=[world.rectifying.pk])).content.decode()
    assert '<script id="dash-charts" type="application/json">' in html
    assert "vendor/echarts/echarts.min.js" in html and "dashboards/charts.js" in html
    for name in ("category", "trend", "progress", "coverage"):
        assert f'id="chart-{name}"' in html and f'id="data-{name}"' in html  # the chart and its table
    assert "整改完成率" in html and "（已销号措施 + 长期坚持措施）÷ 整改措施总数" in html
