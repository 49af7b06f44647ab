"""The office opens a new town's principal account from the unit's page, downloads the 账号开通通知单,
and the principal logs in with the one-time initial password and sees his unit."""

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from rounds.models import UnitType
from rounds.tests.factories import UnitFactory
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role, role_group

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-pass-2026"


def _login(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".app-user .user-name")).to_be_visible()


def test_office_opens_a_principal_account_from_the_unit_page_and_the_principal_sees_his_unit(
    page, live_server, shot
):
    office = User.objects.create_user("e2e_office", password=PASSWORD, name="办公室干部")
    office.groups.add(role_group(Role.OFFICE))
    town = UnitFactory(name="新塘镇", unit_type=UnitType.TOWNSHIP, principal_name="陈新塘",
                       principal_phone="13712345678", principal_post="党委书记")

    _login(page, live_server, "e2e_office")
    page.goto(f"{live_server.url}/units/{town.pk}/")
    page.get_by_test_id("open-principal").click()
    expect(page.locator("#id_name")).to_have_value("陈新塘")
    expect(page.locator("#id_kind")).to_have_value("principal")
    page.fill("#id_username", "chenxt")
    shot(page, "accounts-create-form")
    page.get_by_role("button", name="开通账号").click()

    password = page.get_by_test_id("initial-password").inner_text().strip()
    assert len(password) >= 8
    shot(page, "accounts-created")
    with page.expect_download() as download_info:
        page.get_by_test_id("download-notice").click()
    content = open(download_info.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        text = docx.read("word/document.xml").decode()
    assert "账号开通通知单" in text and "新塘镇" in text and "chenxt" in text and password in text

    page.get_by_role("link", name="返回").click()
    expect(page).to_have_url(re.compile(rf"/units/{town.pk}/$"))
    expect(page.locator("body")).to_contain_text("chenxt")
    page.locator(".app-user form button").click()

    # The principal logs in with the initial password and must change it before anything else.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "chenxt")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/security/password/"))
    assert User.objects.get(username="chenxt").must_change_password
    page.goto(f"{live_server.url}/my-unit/")
    expect(page).to_have_url(re.compile(r"/security/password/"))
    shot(page, "accounts-first-login")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "Xintang#2026")
    page.fill("#id_new_password2", "Xintang#2026")
    page.get_by_role("button", name="确认修改").click()
    expect(page.locator(".app-user .user-name")).to_be_visible()
    assert not User.objects.get(username="chenxt").must_change_password
    page.goto(f"{live_server.url}/my-unit/")
    expect(page).to_have_url(re.compile(rf"/units/{town.pk}/$"))
    expect(page.locator("h1")).to_contain_text("新塘镇")
