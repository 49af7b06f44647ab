"""The cadre pool from Excel (issue 17): a preview, then the import, all or nothing, matched by name and
home unit so that a re-import updates instead of duplicating."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from rounds.tests.factories import UnitFactory
from teams.models import Cadre
from teams.services.cadre_import import HEADERS, CadreImportError, cadres_import
from teams.tests.factories import CadreFactory
from xuncha.access import Forbidden
from xuncha.accounts.roles import Role
from xuncha.core.spreadsheets import parse_year_month

pytestmark = pytest.mark.django_db

IMPORT = reverse("teams:cadre_import")


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = tmp_path / "staging"


@pytest.fixture
def units():
    return {
        "jiwei": UnitFactory(name="县纪委监委"),
        "audit": UnitFactory(name="县审计局"),
        "finance": UnitFactory(name="县财政局"),
    }


def xlsx(rows, headers=HEADERS, name="干部库.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row(
    name,
    unit,
    *,
    gender="男",
    birth="1980-05",
    post="科员",
    specialties="",
    available="是",
    past="",
    phone="",
):
    return [name, gender, birth, unit, post, specialties, available, past, phone, ""]


GOOD = [
    row(
        "王纪检",
        "县纪委监委",
        birth="1979.03",
        post="第一纪检监察室主任",
        specialties="纪检、法律",
        past="2023年第一轮第二巡察组组员（县财政局）",
    ),
    row("李审计", "县审计局", gender="女", birth=date(1985, 11, 20), specialties="财务审计"),
    row("赵财务", "县财政局", birth="1990年7月", specialties="财务", available="否"),
]


def test_a_good_sheet_creates_the_cadres(units, office_user):
    result = cadres_import(file=xlsx(GOOD), by=office_user)

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    wang = Cadre.objects.get(name="王纪检")
    assert wang.home_unit == units["jiwei"]
    assert wang.birth_month == date(1979, 3, 1)
    assert wang.specialty_list == ["纪检", "法律"]
    assert wang.past_teams_note == "2023年第一轮第二巡察组组员（县财政局）"
    li = Cadre.objects.get(name="李审计")
    assert li.gender == "女" and li.birth_month == date(1985, 11, 1)
    assert li.specialty_list == ["财务", "审计"]  # “财务审计” names two of the list
    assert Cadre.objects.get(name="赵财务").is_available is False
    assert wang.history.first().history_user == office_user


def test_a_re_import_updates_in_place_and_reports_unchanged_rows(units, office_user):
    cadres_import(file=xlsx(GOOD), by=office_user)
    changed = [list(r) for r in GOOD]
    changed[0][4] = "第二纪检监察室主任"  # 职务
    changed[2][6] = "是"  # 可抽调

    preview = cadres_import(file=xlsx(changed), by=office_user, dry_run=True)
    assert [(r.name, r.action, r.changes) for r in preview.rows] == [
        ("王纪检", "更新", ["职务"]),
        ("李审计", "无变化", []),
        ("赵财务", "更新", ["可抽调"]),
    ]
    assert Cadre.objects.get(name="王纪检").post == "第一纪检监察室主任"  # the preview saved nothing

    result = cadres_import(file=xlsx(changed), by=office_user)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert Cadre.objects.count() == 3
    assert Cadre.objects.get(name="王纪检").post == "第二纪检监察室主任"
    assert Cadre.objects.get(name="赵财务").is_available is True


def test_the_same_name_in_another_unit_is_another_cadre(units, office_user):
    CadreFactory(name="王纪检", home_unit=units["finance"])
    cadres_import(file=xlsx(GOOD[:1]), by=office_user)
    assert Cadre.objects.filter(name="王纪检").count() == 2


def test_an_existing_cadre_keeps_his_login_and_is_matched(units, office_user, make_user):
    user = make_user(Role.TEAM)
    cadre = CadreFactory(name="王纪检", home_unit=units["jiwei"], user=user, post="旧职务")
    cadres_import(file=xlsx(GOOD[:1]), by=office_user)
    cadre.refresh_from_db()
    assert cadre.post == "第一纪检监察室主任" and cadre.user == user


def test_broken_rows_save_nothing_and_each_is_named(units, office_user):
    CadreFactory(name="钱原有", home_unit=units["audit"], post="原职务")
    rows = [
        row("钱原有", "县审计局", post="新职务"),
        row("孙错单位", "县财正局"),
        row("周错日期", "县审计局", birth="1980-13"),
        row("吴错专长", "县审计局", specialties="财务、宣传"),
        row("", "县审计局"),
        row("郑性别", "县审计局", gender="男性"),
        row("冯抽调", "县审计局", available="可以"),
        row("钱原有", "县审计局"),
    ]
    with pytest.raises(CadreImportError) as caught:
        cadres_import(file=xlsx(rows), by=office_user)

    by_row = {p.row: p.message for p in caught.value.errors}
    assert "县财政局" in by_row[3] and "不存在" in by_row[3]  # the closest name is offered
    assert "1980-13" in by_row[4]
    assert "宣传" in by_row[5] and "财务、审计" in by_row[5]
    assert by_row[6] == "姓名不能为空"
    assert "男性" in by_row[7]
    assert "可以" in by_row[8]
    assert "与第2行重复" in by_row[9]
    assert Cadre.objects.count() == 1
    assert Cadre.objects.get().post == "原职务"


def test_a_sheet_without_the_required_columns_or_rows_is_refused(units, office_user):
    with pytest.raises(CadreImportError, match="导入失败") as caught:
        cadres_import(file=xlsx([], headers=["姓名", "职务"]), by=office_user)
    assert "单位" in str(caught.value.errors[0])
    with pytest.raises(CadreImportError) as caught:
        cadres_import(file=xlsx([]), by=office_user)
    assert "没有数据" in str(caught.value.errors[0])
    with pytest.raises(CadreImportError) as caught:
        cadres_import(file=SimpleUploadedFile("a.xlsx", b"not a zip"), by=office_user)
    assert "无法读取" in str(caught.value.errors[0])


def test_two_namesakes_in_one_unit_cannot_be_matched(units, office_user):
    CadreFactory(name="王纪检", home_unit=units["jiwei"])
    CadreFactory(name="王纪检", home_unit=units["jiwei"])
    with pytest.raises(CadreImportError, match="导入失败") as caught:
        cadres_import(file=xlsx(GOOD[:1]), by=office_user)
    assert "无法确定" in caught.value.errors[0].message


def test_only_the_office_imports(units, leader_user):
    with pytest.raises(Forbidden):
        cadres_import(file=xlsx(GOOD), by=leader_user, dry_run=True)


@pytest.mark.parametrize(
    "text, month",
    [
        ("1980-05", date(1980, 5, 1)),
        ("1980.5", date(1980, 5, 1)),
        ("1980/05/17", date(1980, 5, 1)),
        ("1980年5月", date(1980, 5, 1)),
        ("198005", date(1980, 5, 1)),
        ("1980-05-17", date(1980, 5, 1)),
        ("1980", None),
        ("80-05", None),
        ("1980-00", None),
        ("五月", None),
    ],
)
def test_birth_months_as_offices_type_them(text, month):
    assert parse_year_month(text) == month


# --- the pages ---------------------------------------------------------------------------------------


def test_upload_previews_then_confirm_imports(units, office_user, client_for):
    client = client_for(office_user)
    response = client.post(IMPORT, {"file": xlsx(GOOD)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "新增 3 名" in page and 'data-testid="import-preview"' in page
    assert Cadre.objects.count() == 0  # nothing saved before the confirmation
    token = response.context["token"]

    response = client.post(IMPORT, {"token": token, "filename": "干部库.xlsx"}, follow=True)
    assert Cadre.objects.count() == 3
    assert "新增 3 名干部" in response.content.decode()
    # the staged file is gone: confirming twice does not import twice
    response = client.post(IMPORT, {"token": token}, follow=True)
    assert "预览已过期" in response.content.decode()
    assert Cadre.objects.count() == 3


def test_a_broken_sheet_shows_its_rows_on_the_page(units, office_user, client_for):
    response = client_for(office_user).post(IMPORT, {"file": xlsx([row("孙错单位", "县财正局")])})
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page and "第2行" in page and "县财政局" in page
    assert "token" not in response.context or not response.context.get("token")


def test_another_users_token_or_a_forged_one_imports_nothing(units, office_user, make_user, client_for):
    response = client_for(office_user).post(IMPORT, {"file": xlsx(GOOD)})
    token = response.context["token"]
    other = client_for(make_user(Role.OFFICE))
    for forged in (token, "0" * 64, "../../etc/passwd"):
        response = other.post(IMPORT, {"token": forged}, follow=True)
        assert "预览已过期" in response.content.decode()
    assert Cadre.objects.count() == 0


def test_the_template_downloads_with_the_import_headers(office_user, client_for):
    response = client_for(office_user).get(reverse("teams:cadre_import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS


def test_the_template_imports_as_is(units, office_user, client_for):
    """The example row of the template is a valid row (its unit exists here)."""
    content = client_for(office_user).get(reverse("teams:cadre_import_template")).content
    result = cadres_import(file=SimpleUploadedFile("t.xlsx", content), by=office_user, dry_run=True)
    assert [r.action for r in result.rows] == ["新增"]
