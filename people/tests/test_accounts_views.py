"""The account pages: opening an account from a unit's page with the notice, the import with its row
errors and template, the list's search and filters, and the refusals."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from people.services.account_import import HEADERS
from people.services.bindings import Kind
from people.services.handoff import SESSION_KEY
from rounds.tests.factories import UnitFactory
from tests.docx_checks import assert_fonts_fall_back
from xuncha.accounts.roles import Role
from xuncha.accounts.tests.factories import UserFactory
from xuncha.audit.models import EventKind, SecurityEvent

pytestmark = pytest.mark.django_db
User = get_user_model()


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml").decode()


def xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("人员.xlsx", buffer.getvalue())


def test_the_unit_page_offers_the_principal_account_and_the_form_comes_preset(client_for, office_user):
    unit = UnitFactory(
        name="新塘镇", principal_name="李四", principal_phone="13812345678", principal_post="党委书记"
    )
    client = client_for(office_user)
    page = client.get(reverse("rounds:unit_detail", args=[unit.pk])).content.decode()
    assert "开通主要负责人账号" in page and "开通联络员账号" in page and "开通经办人账号" in page
    url = reverse("people:account_create") + f"?kind=principal&unit={unit.pk}&next=/units/{unit.pk}/"
    form = client.get(url).context["form"]
    assert form.initial["kind"] == Kind.PRINCIPAL and form.initial["unit"] == unit.pk
    assert form.initial["name"] == "李四" and form.initial["phone"] == "13812345678"
    response = client.post(
        url,
        {
            "name": "李四",
            "phone": "13812345678",
            "organization": "新塘镇",
            "post": "党委书记",
            "username": "lisi",
            "kind": "principal",
            "unit": unit.pk,
            "cadre": "",
            "next": f"/units/{unit.pk}/",
        },
    )
    assert response.status_code == 302 and reverse("people:account_created") in response["Location"]
    shown = client.get(response["Location"])
    password = shown.context["entries"][0]["password"]
    assert password and password in shown.content.decode()
    assert f"/units/{unit.pk}/" in shown.content.decode()  # 返回 to the unit's page
    # Shown once: a second look does not show it, the notice still has it, once.
    again = client.get(response["Location"]).content.decode()
    assert password not in again
    notice = client.post(reverse("people:notice_download"))
    assert notice["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(notice.content)
    assert_fonts_fall_back(notice.content)  # 仿宋_GB2312 and 小标宋 fall back to 仿宋 and 宋体
    assert "账号开通通知单" in text and "新塘镇" in text and "lisi" in text and password in text
    assert SESSION_KEY not in client.session
    assert client.post(reverse("people:notice_download")).status_code == 302  # gone after the download
    assert SecurityEvent.objects.filter(kind=EventKind.DOWNLOAD).exists()
    unit.refresh_from_db()
    assert unit.principal_user.username == "lisi"
    assert "lisi" in client.get(reverse("rounds:unit_detail", args=[unit.pk])).content.decode()
    # The new principal logs in with the initial password and sees his unit.
    client.logout()
    assert client.login(username="lisi", password=password)
    # The initial password is changed first; then he sees his unit.
    forced = client.get(reverse("rounds:unit_detail", args=[unit.pk]))
    assert forced.status_code == 302 and forced["Location"].startswith(reverse("security:password_change"))
    changed = client.post(
        reverse("security:password_change"),
        {"old_password": password, "new_password1": "Xincun#2026a", "new_password2": "Xincun#2026a"},
    )
    assert changed.status_code == 302
    assert client.get(reverse("rounds:unit_detail", args=[unit.pk])).status_code == 200


def test_the_session_never_holds_the_password_in_clear(client_for, office_user):
    client = client_for(office_user)
    client.post(
        reverse("people:account_create"), {"name": "王五", "phone": "13800000005", "username": "wangwu"}
    )
    token = client.session[SESSION_KEY]
    password = client.get(reverse("people:account_created")).context["entries"][0]["password"]
    assert password not in token


def test_bad_input_gets_form_errors_in_chinese(client_for, office_user):
    UserFactory(username="taken", phone="13800000001")
    unit = UnitFactory()
    client = client_for(office_user)
    response = client.post(
        reverse("people:account_create"),
        {"name": "", "phone": "13800000001", "username": "TAKEN", "kind": "principal", "unit": ""},
    )
    errors = response.context["form"].errors
    assert errors["name"] == ["请填写姓名"]
    assert "已登记" in errors["phone"][0]
    assert "已被使用" in errors["username"][0]
    assert "须选择所在的单位" in errors["unit"][0]
    response = client.post(
        reverse("people:account_create"),
        {"name": "甲", "kind": "cadre", "unit": unit.pk, "phone": "13800000002"},
    )
    assert "须选择干部库中的干部" in response.context["form"].errors["cadre"][0]
    response = client.post(
        reverse("people:account_create"), {"name": "甲", "phone": "abc", "kind": "nonsense"}
    )
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert User.objects.count() == 2


def test_the_import_is_all_or_nothing_with_row_errors_and_close_names(client_for, office_user):
    UnitFactory(name="县财政局")
    UnitFactory(name="青山镇")
    client = client_for(office_user)
    bad = xlsx(
        [
            ["张三", "13800000011", "县财政局", "主要负责人", "局长", ""],
            ["李四", "13800000012", "县财政", "联络员", "", ""],
            ["王五", "13800000011", "青山镇", "书记", "", ""],
            ["赵六", "13800000014", "青山镇", "主要负责人", "", ""],
            ["钱七", "13800000015", "青山镇", "主要负责人", "", ""],
        ]
    )
    response = client.post(reverse("people:account_import"), {"file": bad})
    messages = [str(p) for p in response.context["problems"]]
    assert any("第3行" in m and "县财政局" in m and "不存在" in m for m in messages), messages
    assert any("第4行" in m and "与第2行重复" in m for m in messages)
    assert any("第4行" in m and "无法识别" in m for m in messages)
    assert any("第6行" in m and "与第5行重复" in m for m in messages)
    assert User.objects.count() == 1
    good = xlsx(
        [
            ["张三", "13800000011", "县财政局", "主要负责人", "局长", "zhangsan"],
            ["李四", "13800000012", "县财政局", "联络员", "", ""],
            ["赵六", "13800000014", "青山镇", "主要负责人", "", ""],
        ]
    )
    response = client.post(reverse("people:account_import"), {"file": good})
    assert response.status_code == 302
    assert set(User.objects.values_list("username", flat=True)) >= {"zhangsan", "13800000012", "13800000014"}
    text = docx_text(client.post(reverse("people:notice_download")).content)
    assert "县财政局" in text and "青山镇" in text and "zhangsan" in text


def test_a_broken_file_is_a_message_not_a_500(client_for, office_user):
    client = client_for(office_user)
    response = client.post(
        reverse("people:account_import"), {"file": SimpleUploadedFile("x.xlsx", b"not a zip")}
    )
    assert response.status_code == 200 and response.context["problems"]
    response = client.post(reverse("people:account_import"), {"file": xlsx([], headers=["名字"])})
    assert "缺少" in str(response.context["problems"][0])


def test_the_template_has_the_columns(client_for, office_user):
    content = client_for(office_user).get(reverse("people:account_import_template")).content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS


def test_the_list_searches_and_filters(client_for, office_user):
    unit = UnitFactory(name="石门镇")
    principal = UserFactory(name="周六", username="zhouliu", phone="13811112222")
    unit.principal_user = principal
    unit.save()
    UserFactory(name="吴七", is_active=False)
    client = client_for(UserFactory(roles=[Role.SYSADMIN]))
    names = lambda q: {a.name for a in client.get(reverse("people:account_list") + q).context["accounts"]}  # noqa: E731
    assert names("?q=石门") == {"周六"}
    assert names("?q=1381111") == {"周六"}
    assert names("?status=disabled") == {"吴七"}
    assert "巡察办" in client.get(reverse("people:account_list") + "?role=巡察办").content.decode()


def test_the_auditor_reads_and_is_refused_every_write(client_for):
    target = UserFactory()
    client = client_for(UserFactory(roles=[Role.AUDITOR]))
    assert client.get(reverse("people:account_list")).status_code == 200
    page = client.get(reverse("people:account_detail", args=[target.pk]))
    assert page.status_code == 200 and "重置密码" not in page.content.decode()
    for name in (
        "account_disable",
        "account_enable",
        "account_reset_password",
        "account_unlock",
        "role_add",
        "account_edit",
    ):
        assert client.post(reverse(f"people:{name}", args=[target.pk])).status_code == 403
    assert client.get(reverse("people:account_create")).status_code == 403


def test_the_detail_shows_readable_history_with_who(client_for, office_user):
    unit = UnitFactory(name="河口乡")
    client = client_for(office_user)
    client.post(
        reverse("people:account_create"),
        {"name": "孙八", "phone": "13800000008", "username": "sunba", "kind": "liaison", "unit": unit.pk},
    )
    user = User.objects.get(username="sunba")
    client.post(
        reverse("people:account_edit", args=[user.pk]),
        {"name": "孙八", "phone": "13800000009", "organization": "河口乡", "post": "干事"},
    )
    client.post(reverse("people:account_disable", args=[user.pk]), {"reason": "调离"})
    page = client.get(reverse("people:account_detail", args=[user.pk])).content.decode()
    assert "手机号码：</span>13800000008 → 13800000009" in page
    assert "授予角色" in page and "单位联络员 · 河口乡" in page
    assert "调离" in page and office_user.display_name in page


def test_a_successor_gets_a_new_account_and_the_role_in_one_step(client_for, office_user):
    unit = UnitFactory(name="白沙镇")
    client = client_for(office_user)
    client.post(
        reverse("people:account_create"),
        {"name": "老书记", "phone": "13800000020", "username": "old", "kind": "principal", "unit": unit.pk},
    )
    old = User.objects.get(username="old")
    key = f"principal:{unit.pk}:"
    page = client.get(reverse("people:role_transfer", args=[old.pk]) + f"?binding={key}")
    assert page.status_code == 200 and "开通新账号并移交" in page.content.decode()
    url = reverse("people:account_create") + f"?transfer={old.pk}&binding={key}"
    taken = client.post(url, {"name": "新书记", "phone": "13800000020", "username": "new2"})
    assert taken.status_code == 200 and not User.objects.filter(username="new2").exists()  # duplicate mobile
    response = client.post(url, {"name": "新书记", "phone": "13800000021", "username": "new"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.principal_user.username == "new"
    assert not User.objects.get(username="old").groups.exists()
    assert "单位主要负责人" in client.get(reverse("people:account_created")).content.decode()


def test_moving_a_role_to_an_existing_account(client_for, office_user):
    unit = UnitFactory(name="黄土镇")
    old = UserFactory(username="liaison_old")
    new = UserFactory(username="liaison_new", organization="黄土镇")
    client = client_for(office_user)
    client.post(reverse("people:role_add", args=[old.pk]), {"kind": "liaison", "unit": unit.pk})
    unit.refresh_from_db()
    assert unit.liaison_user == old
    page = client.get(reverse("people:role_transfer", args=[old.pk]) + f"?binding=liaison:{unit.pk}:")
    assert f"{new.display_name}（黄土镇）" in page.content.decode()  # the picker: 姓名（单位）
    client.post(
        reverse("people:role_transfer", args=[old.pk]), {"binding": f"liaison:{unit.pk}:", "to": new.pk}
    )
    unit.refresh_from_db()
    assert unit.liaison_user == new
    history = client.get(reverse("people:account_detail", args=[old.pk])).content.decode()
    assert "角色移交" in history and "移交" in history


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_the_administrators_workbench_is_their_accounts_and_their_menu_holds_no_business(client_for, role):
    client = client_for(UserFactory(roles=[role]))
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="workbench-accounts"' in page
    labels = [label for label, *_ in response.context["nav_items"]]
    assert "人员账号" in labels
    assert not {"问题线索", "问题台账", "巡察轮次", "被巡察单位", "反馈整改"} & set(labels)
    assert ("开通账号" in page) == (role == Role.SYSADMIN)


def test_garbage_in_the_query_never_gives_a_500(client_for, office_user):
    client = client_for(office_user)
    for url in (
        "/people/?status=nonsense&role=nonsense&page=abc&q=%00",
        "/people/new/?kind=office&unit=abc&cadre=-1&transfer=x&binding=zz",
        "/people/new/?transfer=999999&binding=principal:1:",
        f"/people/{office_user.pk}/roles/transfer/?binding=nonsense",
        "/people/created/?next=https://evil.example/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        assert b"evil.example" not in response.content
    response = client.post(f"/people/{office_user.pk}/roles/remove/", {"binding": "nonsense"})
    assert response.status_code in (302, 403)
