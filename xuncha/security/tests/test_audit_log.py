"""The 安全审计员's pages (list, filters, export), what the middleware writes (denials, exports,
downloads), and the audit_verify / audit_purge commands."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xuncha import access
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.chain import mac_of
from xuncha.audit.log import purge, record, verify
from xuncha.audit.models import ChainHead, EventKind, SecurityEvent
from xuncha.security.middleware import SessionSecurityMiddleware

pytestmark = pytest.mark.django_db

LOG = reverse("security:audit_log")
EXPORT = reverse("security:audit_export")


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", name="审计员", roles=[Role.AUDITOR])


def test_only_the_auditor_opens_the_log(client_for, auditor, make_user):
    for role in (Role.OFFICE, Role.LEADER, Role.SYSADMIN, Role.SECADMIN, Role.TEAM):
        client = client_for(make_user(role))
        assert client.get(LOG).status_code == 403
        assert client.get(EXPORT).status_code == 403
    superuser = make_user(is_superuser=True)
    assert client_for(superuser).get(LOG).status_code == 403  # 三员分立: not even the superuser
    client = client_for(auditor)
    page = client.get(LOG).content.decode()
    assert "安全审计日志" in page and 'href="/security/audit/"' in page  # and in his navigation


def test_the_log_lists_newest_first_and_filters(client_for, auditor):
    record(EventKind.LOGIN_FAILED, username="zhangsan", success=False, detail="密码错误")
    old = record(EventKind.LOGIN_FAILED, username="lisi", success=False)
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=10))
    record(EventKind.EXPORT, actor=auditor)
    client = client_for(auditor)
    rows = list(client.get(LOG).context["page_obj"])
    assert rows[0].kind == EventKind.LOGIN  # the auditor's own login, the newest
    assert [r.username for r in client.get(LOG, {"kind": "login_failed"}).context["page_obj"]] == [
        "zhangsan",
        "lisi",
    ]
    assert [r.username for r in client.get(LOG, {"who": "lisi"}).context["page_obj"]] == ["lisi"]
    today = timezone.localdate().isoformat()
    found = client.get(LOG, {"start": today, "kind": "login_failed"}).context["page_obj"]
    assert [r.username for r in found] == ["zhangsan"]
    assert all(not r.success for r in client.get(LOG, {"success": "no"}).context["page_obj"])
    empty = client.get(LOG, {"who": "nobody-at-all"})
    assert "没有符合条件的审计记录" in empty.content.decode()
    assert client.get(LOG, {"start": "not-a-date", "page": "x"}).status_code == 200


def test_the_export_is_the_filtered_list_and_is_itself_recorded(client_for, auditor):
    record(EventKind.LOGIN_FAILED, username="zhangsan", success=False, detail="密码错误")
    record(EventKind.LOGOUT, username="lisi")
    client = client_for(auditor)
    response = client.get(EXPORT, {"kind": "login_failed"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "时间", "事件", "结果", "登录名")
    assert [(r[2], r[3], r[4]) for r in rows[1:]] == [("登录失败", "失败", "zhangsan")]
    export = SecurityEvent.objects.filter(kind=EventKind.EXPORT).get()
    assert export.username == "auditor" and "安全审计日志" in export.detail


def test_nobody_can_change_an_entry():
    event = record(EventKind.LOGIN, username="x")
    auditor = UserFactory(roles=[Role.AUDITOR])
    assert not access.allows(auditor, "change", event)
    assert not access.allows(auditor, "delete", event)


def test_a_refusal_is_recorded_for_a_logged_in_user(client_for, make_user):
    team = make_user(Role.TEAM, username="zuyuan")
    assert client_for(team).get(reverse("rounds:unit_create")).status_code == 403
    denied = SecurityEvent.objects.get(kind=EventKind.DENIED)
    assert denied.username == "zuyuan" and not denied.success
    assert denied.target == "GET " + reverse("rounds:unit_create")


def test_an_excel_export_of_a_list_is_recorded(client_for, office_user):
    response = client_for(office_user).get(reverse("rounds:unit_export"))
    assert response.status_code == 200
    export = SecurityEvent.objects.get(kind=EventKind.EXPORT)
    assert export.username == "office" and export.detail.startswith("导出文件：被巡察单位_")


def test_a_file_download_is_recorded():
    user = UserFactory(username="reader")
    request = RequestFactory().get("/documents/7/download/", REMOTE_ADDR="10.0.0.9")
    request.user = user
    middleware = SessionSecurityMiddleware(
        lambda r: FileResponse(io.BytesIO(b"%PDF"), as_attachment=True, filename="反馈意见.pdf")
    )
    middleware._check = lambda *a: None  # no session here
    middleware(request)
    download = SecurityEvent.objects.get(kind=EventKind.DOWNLOAD)
    assert download.detail == "下载文件：反馈意见.pdf" and download.ip == "10.0.0.9"
    middleware = SessionSecurityMiddleware(lambda r: HttpResponse("page"))
    middleware._check = lambda *a: None
    middleware(request)
    assert SecurityEvent.objects.count() == 1


def test_audit_verify_passes_and_fails_with_status_1(capsys):
    events = [record(EventKind.LOGIN, username=f"u{i}") for i in range(3)]
    call_command("audit_verify")
    assert "3 条记录校验通过" in capsys.readouterr().out
    SecurityEvent.objects.filter(pk=events[1].pk).update(detail="edited")
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify")
    assert exit_.value.code == 1
    assert f"#{events[1].pk}: 校验值不符（记录被修改）" in capsys.readouterr().err


def test_purge_keeps_the_chain_verifiable(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    for username in ("old500", "old400", "old100", "today"):
        record(EventKind.LOGIN, username=username)
    _rechain_with_dates({"old500": 500, "old400": 400, "old100": 100})
    assert verify() == []
    assert purge() == 2
    kept = list(SecurityEvent.objects.order_by("id").values_list("username", "kind"))
    assert kept == [("old100", EventKind.LOGIN), ("today", EventKind.LOGIN), ("", EventKind.CONFIG)]
    assert verify() == []
    head = ChainHead.objects.get()
    assert head.purged == 2 and head.count == 3
    assert "清理" in SecurityEvent.objects.get(kind=EventKind.CONFIG).detail


def _rechain_with_dates(ages: dict):
    """Rewrite the (test) chain so that the named entries carry the given ages, MACs recomputed."""
    prev = ""
    for event in SecurityEvent.objects.order_by("id"):
        if event.username in ages:
            event.at = timezone.now() - datetime.timedelta(days=ages[event.username])
        event.prev_mac = prev
        event.mac = mac_of(event)
        SecurityEvent.objects.filter(pk=event.pk).update(at=event.at, prev_mac=event.prev_mac, mac=event.mac)
        prev = event.mac
    ChainHead.objects.filter(pk=1).update(mac=prev, count=SecurityEvent.objects.count())


def test_purge_refuses_a_date_within_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 30  # below the floor: 180 days hold
    with pytest.raises(ValueError, match="至少保留 180 天"):
        purge(before=timezone.now() - datetime.timedelta(days=100))
    with pytest.raises(CommandError):
        call_command(
            "audit_purge", "--before", (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
        )
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_purge", "--before", "yesterday")


def test_a_purge_then_a_deleted_entry_is_still_detected(settings):
    for username in ("a", "b", "c", "d"):
        record(EventKind.LOGIN, username=username)
    _rechain_with_dates({"a": 400, "b": 400})
    assert purge() == 2
    remaining = list(SecurityEvent.objects.order_by("id"))
    SecurityEvent.objects.filter(pk=remaining[0].pk)._raw_delete(SecurityEvent.objects.db)
    assert any(f"#{remaining[1].pk}" in p for p in verify())
