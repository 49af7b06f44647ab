"""领导驾驶舱 in a real browser: the leader opens the county dashboard, the four ECharts charts are drawn
(their canvases have painted pixels; a screenshot is kept), a chart's data table is a click away, a number
leads to its list with the same total, and the leader can change nothing."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dashboards.selectors.figures import Scope, figures
from dashboards.tests.test_dashboard_views_queries import World
from rounds.models import Round
from tests.e2e.steps import PASSWORD
from tests.e2e.steps import login as _login
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role, role_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHARTS = ("category", "trend", "progress", "coverage")

# How many pixels of a chart's canvas are painted (alpha > 0); -1 if ECharts did not draw it.
PAINTED = """(name) => {
  const el = document.getElementById("chart-" + name);
  if (!el || !window.echarts || !window.echarts.getInstanceByDom(el)) { return -1; }
  const canvas = el.querySelector("canvas");
  if (!canvas || !canvas.width || !canvas.height) { return 0; }
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted++; } }
  return painted;
}"""


def test_leader_reads_the_county_dashboard_and_changes_nothing(page, live_server, shot):
    world = World()
    world.add(2)
    leader = User.objects.create_user("e2e_leader", password=PASSWORD, name="县委书记", email="l@example.org")
    leader.groups.add(role_group(Role.LEADER))
    expected = figures(Scope(world.term))

    _login(page, live_server, "e2e_leader")
    page.get_by_role("link", name="领导驾驶舱").click()
    expect(page.locator("h1")).to_contain_text(f"领导驾驶舱：{world.term.name}")

    # The four charts are drawn by ECharts from the app's own static files.
    for name in CHARTS:
        # A function, not an expression: Playwright evaluates an expression with eval(), which the
        # Content-Security-Policy (no 'unsafe-eval') refuses.
        page.wait_for_function(f"(name) => ({PAINTED})(name) > 2000", arg=name, timeout=15000)
    page.wait_for_timeout(600)  # let the entry animation finish for the screenshot
    painted = {name: page.evaluate(PAINTED, name) for name in CHARTS}
    assert all(n > 2000 for n in painted.values()), painted
    scripts = [s.get_attribute("src") for s in page.locator("script[src]").all()]
    assert any(src.endswith("vendor/echarts/echarts.min.js") for src in scripts)
    assert all(src.startswith("/") for src in scripts)  # nothing from a CDN
    shot(page, "dashboard_01_county")

    # A chart's numbers are in a table a click away.
    trend_table = page.locator("#data-trend table")
    expect(trend_table).to_be_hidden()
    page.get_by_test_id("toggle-trend").click()
    expect(trend_table).to_be_visible()
    expect(trend_table.locator("tbody tr")).to_have_count(Round.objects.filter(term=world.term).count())
    expect(trend_table).to_contain_text("第二轮")
    shot(page, "dashboard_02_trend_table")

    # The stat cards show the figures; a number leads to the list it counts.
    findings = page.locator("[data-testid=figures] a[data-figure=findings]")
    expect(findings).to_have_text(str(expected["findings"]))
    expect(page.locator("[data-testid=figures] a[data-figure=units]")).to_have_text(str(expected["units"]))
    findings.click()
    expect(page.locator("h1")).to_contain_text("发现问题")
    expect(page.get_by_test_id("drill-total")).to_have_text(str(expected["findings"]))
    expect(page.locator(".list-footer")).to_contain_text(f"共 {expected['findings']} 条")
    shot(page, "dashboard_03_drilldown")

    # A number in a breakdown table: the overdue measures of the villages.
    page.go_back()
    cell = page.locator("[data-testid=table-by_unit_type] tr", has_text="村/社区").locator(
        "a[data-metric=measures_overdue]"
    )
    number = cell.inner_text()
    assert int(number) > 0
    cell.click()
    expect(page.get_by_test_id("drill-total")).to_have_text(number)
    expect(page.locator(".page-head .sub")).to_contain_text("单位类型：村/社区")
    expect(page.locator("tr.overdue")).to_have_count(min(int(number), 50))

    # The leader can change nothing: no write button here, and a hand-made POST elsewhere is refused.
    page.goto(f"{live_server.url}{reverse('dashboards:county')}")
    expect(page.locator("main form[method=post]")).to_have_count(0)
    for label in ("新建", "编辑", "删除", "保存", "提交"):
        expect(page.locator("main").get_by_role("button", name=re.compile(label))).to_have_count(0)
    token = page.locator(".app-user form input[name=csrfmiddlewaretoken]").get_attribute("value")
    for url, form in [
        (reverse("rounds:round_create"), {"term": world.term.pk, "number": 9, "kind": "regular",
                                          "planned_start": "2027-01-01", "planned_end": "2027-03-01"}),
        (reverse("clues:category_create"), {"scheme": "三个聚焦", "name": "领导新建的类别"}),
    ]:  # fmt: skip
        response = page.request.post(
            f"{live_server.url}{url}",
            form={"csrfmiddlewaretoken": token, **form},
            headers={"Referer": page.url},
        )
        assert response.status == 403, (url, response.status)
    assert not Round.objects.filter(number=9).exists()
