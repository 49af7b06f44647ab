"""Issue 17, the cadre pool from Excel, in the browser: the office uploads a sheet with a mistake and sees
the row and the closest unit name; uploads it corrected, sees the preview (with the upload's progress
bar on the way), confirms, and finds the cadres in the pool, filtered by specialty, with their past
teams. Screenshots go to test-artifacts/."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from rounds.tests.factories import UnitFactory
from teams.models import Cadre
from teams.services.cadre_import import HEADERS
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sheet(rows) -> dict:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {
        "name": "干部库.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": buffer.getvalue(),
    }


def test_the_office_imports_the_cadre_pool(page, live_server, shot, settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path
    UserFactory(username="office-e2e", roles=[Role.OFFICE])
    UnitFactory(name="县纪委监委")
    UnitFactory(name="县审计局")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "office-e2e")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".app-user .user-name")).to_be_visible()

    page.goto(f"{live_server.url}/cadres/")
    page.get_by_role("link", name="从Excel导入").click()
    expect(page.locator("h1")).to_have_text("从 Excel 导入巡察干部")

    wang = [
        "王纪检",
        "男",
        "1979-03",
        "县纪委监委",
        "第一纪检监察室主任",
        "纪检、法律",
        "是",
        "2023年第一轮第二巡察组组员（县审计局）",
    ]
    li = ["李审计", "女", "1985年11月", "县审计局", "副局长", "财务审计", "否", ""]
    typo = ["李审计", "女", "1985年11月", "县审计句", "副局长", "财务审计", "否", ""]
    page.locator("input[type=file]").set_input_files(_sheet([wang, typo]))
    page.get_by_test_id("preview-import").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("第3行")
    expect(errors).to_contain_text("县审计局")  # the closest name is offered
    shot(page, "cadre_import_01_errors")
    assert Cadre.objects.count() == 0

    page.evaluate(
        """() => { window.sawUploadProgress = false; new MutationObserver(() => {
          if (document.querySelector("[data-testid=upload-progress]")) { window.sawUploadProgress = true; }
        }).observe(document.body, {childList: true, subtree: true}); }"""
    )
    page.locator("input[type=file]").set_input_files(_sheet([wang, li]))
    page.get_by_test_id("preview-import").click()
    preview = page.get_by_test_id("import-preview")
    expect(preview).to_contain_text("新增 2 名")
    assert page.evaluate("window.sawUploadProgress === true")
    shot(page, "cadre_import_02_preview")
    assert Cadre.objects.count() == 0  # nothing saved before the confirmation

    page.get_by_test_id("confirm-import").click()
    expect(page.locator(".app-messages .alert-success")).to_contain_text("新增 2 名干部")
    assert Cadre.objects.get(name="李审计").specialties == "财务、审计"

    page.goto(f"{live_server.url}/cadres/?specialty=法律")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("王纪检")
    expect(rows.first.get_by_test_id("past-teams")).to_contain_text("2023年第一轮第二巡察组")
    shot(page, "cadre_import_03_pool")
