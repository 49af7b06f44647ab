"""Hostile names in a real browser: a category named like an HTML attack is shown as text in the
dashboard charts' tooltips (escaped by charts.js), no element is created from it and no script runs; the
Content-Security-Policy is sent and the page's own scripts still work under it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dashboards.tests.test_dashboard_views_queries import World
from tests.e2e.steps import PASSWORD
from tests.e2e.steps import login as _login
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role, role_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTILE = '"><img src=x onerror=alert(1)>'


def test_hostile_category_names_never_become_html_in_the_charts(page, live_server):
    world = World()
    for category in (world.areas[0], world.subs[0]):
        category.name = HOSTILE + category.name
        category.save()
    world.add(1)
    leader = User.objects.create_user("e2e_leader", password=PASSWORD, name="县委书记", email="l@example.org")
    leader.groups.add(role_group(Role.LEADER))

    dialogs, violations = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _login(page, live_server, "e2e_leader")

    for url in (reverse("dashboards:county"), reverse("dashboards:round", args=[world.rectifying.pk])):
        response = page.goto(live_server.url + url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_function("() => window.dashCharts && window.dashCharts.category")
        shown = []
        for index in range(4):
            page.evaluate(
                "(i) => window.dashCharts.category.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i})",
                index,
            )
            page.wait_for_timeout(150)
            shown.append(page.locator("#chart-category").inner_text())
        assert any(HOSTILE in text for text in shown), shown  # the name is there, as text
        assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0
        assert page.evaluate("document.querySelectorAll('#chart-category img').length") == 0
    assert dialogs == []
    assert violations == []  # the pages' own scripts run under the policy


def test_over_long_text_is_counted_and_kept_never_cut(page, live_server):
    office = User.objects.create_user("e2e_office", password=PASSWORD, name="巡察办", email="o@example.org")
    office.groups.add(role_group(Role.OFFICE))
    _login(page, live_server, "e2e_office")
    page.goto(live_server.url + reverse("rounds:unit_create"))
    name = page.locator("#id_name")
    assert name.get_attribute("maxlength") is None and name.get_attribute("data-maxlength") == "100"
    long_name = "青山县" + "很长的单位名称" * 20 + "管理分局"  # 147 characters, pasted
    name.fill(long_name)
    count = page.locator("#id_name + .char-count")
    expect(count).to_contain_text("已输入147字，超出上限100字")
    page.locator("main button[type=submit]").first.click()
    page.wait_for_timeout(300)
    assert page.url.endswith(reverse("rounds:unit_create"))  # not sent
    assert name.input_value() == long_name  # and nothing cut
    name.fill("青山县档案馆")
    expect(count).to_have_text("已输入6/100字")
