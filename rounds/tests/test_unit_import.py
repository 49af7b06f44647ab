import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from rounds.models import Unit, UnitType
from rounds.services.unit_import import HEADERS, UnitImportError, units_import
from rounds.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=HEADERS, name="单位.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row(name, unit_type="县直部门", parent="", principal="", phone="", active="是", note=""):
    return [name, unit_type, parent, principal, "", phone, "", "", "", "", active, note]


def read_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [["" if v is None else v for v in r] for r in sheet.iter_rows(values_only=True)]


def test_a_good_sheet_creates_units_with_a_parent_named_later_in_the_sheet(client_for, office_user):
    upload = xlsx(
        [
            row("石门村", "村/社区", parent="青山镇", principal="李书记", phone=13800000001),
            row("青山镇", "乡镇", principal="陈镇长"),
            row("县财政局", "县直部门", active="否"),
        ]
    )
    response = client_for(office_user).post(reverse("rounds:unit_import"), {"file": upload}, follow=True)

    assert Unit.objects.count() == 3
    village = Unit.objects.get(name="石门村")
    assert village.parent == Unit.objects.get(name="青山镇")
    assert village.unit_type == UnitType.VILLAGE
    assert village.principal_phone == "13800000001"  # a number typed in Excel stays a phone number
    assert Unit.objects.get(name="县财政局").is_active is False
    assert village.history.first().history_user == office_user
    assert "新增 3 个单位" in response.content.decode()


def test_one_bad_row_saves_nothing_and_the_page_names_the_row(client_for, office_user):
    UnitFactory(name="县审计局", principal_name="原负责人")
    upload = xlsx(
        [
            row("县审计局", principal="新负责人"),
            row("青山镇", "乡镇"),
            row("石门村", "村/社区", parent="青山镇"),
            row("县教育局", "乡"),  # row 5 of the sheet
        ]
    )
    response = client_for(office_user).post(reverse("rounds:unit_import"), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert "第5行" in html and "单位类型“乡”无法识别" in html and "乡镇" in html
    assert "未保存任何数据" in html
    assert set(Unit.objects.values_list("name", flat=True)) == {"县审计局"}
    assert Unit.objects.get(name="县审计局").principal_name == "原负责人"


def test_every_problem_of_the_sheet_is_listed_with_its_row(office_user):
    UnitFactory(name="县审计局")
    upload = xlsx(
        [
            row("", "乡镇"),  # 2: no name
            row("青山镇", ""),  # 3: no type
            row("青山镇", "乡镇"),  # 4: same name as row 3
            row("石门村", "村/社区", parent="不存在镇"),  # 5: unknown parent
            row("县财政局", phone="电话待定"),  # 6: phone without digits
            row("县林业局", active="在用"),  # 7: neither 是 nor 否
            row("县水利局", phone="0" * 31),  # 8: too long
        ]
    )
    with pytest.raises(UnitImportError) as exc:
        units_import(file=upload, by=office_user)
    by_row = {e.row: e.message for e in exc.value.errors}
    assert set(by_row) == {2, 3, 4, 5, 6, 7, 8}
    assert "单位名称不能为空" in by_row[2]
    assert "单位类型不能为空" in by_row[3]
    assert "与第3行重复" in by_row[4]
    assert "上级单位“不存在镇”不存在" in by_row[5]
    assert "电话" in by_row[6]
    assert "“是”或“否”" in by_row[7]
    assert "30" in by_row[8]
    assert Unit.objects.count() == 1


def test_a_loop_of_parents_in_the_sheet_is_refused(office_user):
    upload = xlsx([row("甲单位", parent="乙单位"), row("乙单位", parent="甲单位")])
    with pytest.raises(UnitImportError) as exc:
        units_import(file=upload, by=office_user)
    assert {e.row for e in exc.value.errors} == {2, 3}
    assert not Unit.objects.exists()


def test_a_loop_through_saved_units_is_refused(office_user):
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    UnitFactory(name="石门村", unit_type=UnitType.VILLAGE, parent=town)
    with pytest.raises(UnitImportError):
        units_import(file=xlsx([row("青山镇", "乡镇", parent="石门村")]), by=office_user)
    town.refresh_from_db()
    assert town.parent is None


def test_reimporting_an_export_updates_instead_of_duplicating(client_for, office_user):
    town = UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP, principal_name="陈镇长")
    UnitFactory(name="石门村", unit_type=UnitType.VILLAGE, parent=town, liaison_phone="13900000000")
    UnitFactory(name="县财政局", is_active=False)
    client = client_for(office_user)

    exported = client.get(reverse("rounds:unit_export"))
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_rows(exported.content)
    assert rows[0] == HEADERS
    assert len(rows) == 4

    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["石门村"][2] == "青山镇" and by_name["县财政局"][10] == "否"
    by_name["青山镇"][3] = "周镇长"
    response = client.post(
        reverse("rounds:unit_import"), {"file": xlsx([by_name[n] for n in by_name])}, follow=True
    )

    assert Unit.objects.count() == 3
    town.refresh_from_db()
    assert town.principal_name == "周镇长"
    assert Unit.objects.get(name="石门村").parent == town
    assert Unit.objects.get(name="县财政局").is_active is False
    assert "新增 0 个单位，更新 1 个" in response.content.decode()
    assert town.history.first().history_user == office_user


def test_export_follows_the_list_filters(client_for, office_user):
    UnitFactory(name="青山镇", unit_type=UnitType.TOWNSHIP)
    UnitFactory(name="县财政局")
    response = client_for(office_user).get(reverse("rounds:unit_export"), {"unit_type": UnitType.TOWNSHIP})
    assert [r[0] for r in read_rows(response.content)[1:]] == ["青山镇"]


def test_the_template_has_the_import_headers_and_imports_cleanly(client_for, office_user):
    response = client_for(office_user).get(reverse("rounds:unit_import_template"))
    rows = read_rows(response.content)
    assert rows[0] == HEADERS and len(rows) == 2
    result = units_import(file=SimpleUploadedFile("模板.xlsx", response.content), by=office_user)
    assert result.created == 1


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("units.xls", b"\xd0\xcf\x11\xe0 old excel", ".xls"),
        ("units.csv", "单位名称,单位类型\n".encode(), ".xlsx"),
        ("units.xlsx", b"PK\x03\x04 this is not a workbook", "文件无法读取"),
    ],
)
def test_a_file_that_is_not_an_xlsx_gets_a_friendly_error(client_for, office_user, name, content, message):
    response = client_for(office_user).post(
        reverse("rounds:unit_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Unit.objects.exists()


def test_a_sheet_without_the_headers_is_refused(office_user):
    with pytest.raises(UnitImportError) as exc:
        units_import(file=xlsx([["县财政局", "县直部门"]], headers=["名称", "类型"]), by=office_user)
    assert "单位名称" in str(exc.value.errors[0])


def test_a_file_over_five_megabytes_is_refused(client_for, office_user):
    big = SimpleUploadedFile("big.xlsx", b"0" * (5 * 1024 * 1024 + 1))
    response = client_for(office_user).post(reverse("rounds:unit_import"), {"file": big})
    assert "不能超过 5 MB" in response.content.decode()


def test_more_than_five_thousand_rows_is_refused(office_user, monkeypatch):
    from rounds.services import unit_import

    monkeypatch.setattr(unit_import, "MAX_ROWS", 3)
    with pytest.raises(UnitImportError) as exc:
        units_import(file=xlsx([row(f"单位{i}") for i in range(4)]), by=office_user)
    assert "一次最多导入 3 行" in str(exc.value.errors[0])
    assert not Unit.objects.exists()


def test_a_unit_account_stays_linked_when_the_unit_is_reimported(office_user, make_user):
    from rounds.services import unit_save
    from xuncha.accounts.roles import Role

    account = make_user(Role.UNIT)
    unit = UnitFactory(name="县财政局")
    unit.liaison_user = account
    unit_save(unit=unit)
    units_import(file=xlsx([row("县财政局", principal="新书记")]), by=office_user)
    unit.refresh_from_db()
    assert unit.principal_name == "新书记" and unit.liaison_user == account


def test_a_workbook_with_a_broken_sheet_gets_a_friendly_error(client_for, office_user):
    import zipfile

    good = xlsx([row("县财政局")]).read()
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b"<worksheet><sheetData><row><c>broken"
            dst.writestr(item, data)
    response = client_for(office_user).post(
        reverse("rounds:unit_import"), {"file": SimpleUploadedFile("坏文件.xlsx", broken.getvalue())}
    )
    assert response.status_code == 200
    assert "文件无法读取" in response.content.decode()
    assert not Unit.objects.exists()
