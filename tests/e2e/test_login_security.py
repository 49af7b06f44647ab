"""Login security in a real browser: six wrong passwords lock an account (the login page says so, in
Chinese, in the app's style), the 安全审计员 finds the lockout in the security audit log and exports it,
and `manage.py audit_verify` detects an entry edited in the database."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role, role_group
from xuncha.audit.models import EventKind, SecurityEvent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("axes_on")]

PASSWORD = "e2e-Pass-2026"


def _try(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_six_wrong_passwords_lock_the_account_and_the_auditor_sees_it(page, live_server, shot, capsys):
    User.objects.create_user("e2e_target", password=PASSWORD, name="被锁定的人")
    auditor = User.objects.create_user("e2e_auditor", password=PASSWORD, name="审计员")
    auditor.groups.add(role_group(Role.AUDITOR))

    _try(page, live_server, "e2e_target", "wrong-1")
    expect(page.locator(".alert-danger")).to_have_text("用户名或密码不正确，请重新输入。")
    _try(page, live_server, "no_such_person", "wrong-1")
    expect(page.locator(".alert-danger")).to_have_text("用户名或密码不正确，请重新输入。")
    for i in range(2, 7):
        _try(page, live_server, "e2e_target", f"wrong-{i}")
    lockout = page.get_by_test_id("lockout")
    expect(lockout).to_contain_text("登录失败次数过多，账号已被暂时锁定")
    expect(lockout).to_contain_text("30 分钟后再试")
    shot(page, "security_01_lockout")
    # The right password does not get in while the account is locked.
    _try(page, live_server, "e2e_target", PASSWORD)
    expect(page.get_by_test_id("lockout")).to_be_visible()
    expect(page.locator(".app-user")).to_have_count(0)

    # The auditor finds the lockout in the audit log.
    _try(page, live_server, "e2e_auditor", PASSWORD)
    expect(page.locator(".app-user .user-name")).to_be_visible()
    page.get_by_role("link", name="安全审计日志").click()
    expect(page.locator("h1")).to_have_text("安全审计日志")
    page.select_option("#id_kind", "lockout")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("[data-testid=audit-table] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("账号锁定")
    expect(rows.first).to_contain_text("e2e_target")
    expect(rows.first).to_contain_text("127.0.0.1")
    shot(page, "security_02_audit_log")

    with page.expect_download() as download:
        page.get_by_test_id("audit-export").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    exported = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[4]) for r in exported] == [("账号锁定", "e2e_target")]

    # The chain is intact; an entry edited in the database is detected.
    call_command("audit_verify")
    assert "校验通过" in capsys.readouterr().out
    locked = SecurityEvent.objects.get(kind=EventKind.LOCKOUT)
    SecurityEvent.objects.filter(pk=locked.pk).update(username="someone_else")
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify")
    assert exit_.value.code == 1
    assert f"#{locked.pk}: 校验值不符（记录被修改）" in capsys.readouterr().err
