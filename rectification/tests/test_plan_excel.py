"""The Excel ledger: export, the round trip, and the all-or-nothing import with its row errors."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from rectification.models import Measure, MeasureKind, MeasureStatus, RectStatus
from rectification.services import plan, plan_excel
from xuncha.errors import DomainError

from .test_plan_fixtures import make_world, new_measure

d = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db, office_user, leader_user, make_user):
    return make_world(office_user, leader_user, make_user)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content: bytes, name="整改台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def put(sheet, row: int, values: list) -> None:
    for col, value in enumerate(values, start=1):
        sheet.cell(row=row, column=col, value=value)


def snapshot(rect) -> list[tuple]:
    return list(
        Measure.objects.filter(rectification=rect)
        .order_by("problem__seq", "seq")
        .values_list(
            "problem__seq",
            "seq",
            "content",
            "goal",
            "deadline",
            "kind",
            "responsible_leader",
            "responsible_branch",
            "responsible_person",
        )
    )


def seed(w):
    plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(), by=w.liaison)
    plan.measure_save(
        rect=w.rect,
        problem=w.p1,
        measure=new_measure(content="建立耕地保护长效机制\n每季度巡查一次", kind=MeasureKind.LONG_TERM,
                            deadline=d(2026, 9, 30)),
        by=w.liaison,
    )  # fmt: skip
    plan.measure_save(
        rect=w.rect,
        problem=w.p2,
        measure=new_measure(
            content="清退违规发放的补贴", kind=MeasureKind.IMMEDIATE, deadline=d(2026, 7, 10)
        ),
        by=w.liaison,
    )


def test_export_lays_out_the_ledger(w):
    plan.measure_save(rect=w.rect, problem=w.p1, measure=new_measure(), by=w.liaison)
    Measure.objects.update(status=MeasureStatus.CLOSED)
    book = load_workbook(io.BytesIO(plan.plan_export_xlsx(w.rect)))
    assert book.sheetnames == ["整改台账", "说明"]
    sheet = book["整改台账"]
    assert "县农业农村局整改台账" in sheet["A1"].value
    headers = [c.value for c in sheet[2]]
    assert headers == [
        "问题序号", "反馈问题", "措施序号", "整改措施", "整改目标", "完成时限", "整改类型",
        "责任领导", "责任党支部（股室）", "责任人", "状态", "销号时间",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A3"
    row3 = [c.value for c in sheet[3]]
    assert row3[:3] == [1, "耕地保护责任落实不到位", 1]
    assert row3[5] == datetime.datetime(2026, 8, 31) and sheet["F3"].number_format == "yyyy-mm-dd"
    assert row3[6] == "限期整改" and row3[10] == "已销号"
    # problem 2 has no measure yet: one row with its number and title, for the unit to fill in
    row4 = [c.value for c in sheet[4]]
    assert row4[:2] == [2, "惠农资金监管不严"] and not any(row4[2:])
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert lists and "立行立改,限期整改,长期坚持" in lists[0].formula1 and "G3" in str(lists[0].sqref)
    assert sheet.column_dimensions["D"].width > 30 and sheet["D3"].alignment.wrap_text
    notes = " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row if c.value)
    assert "一行" in notes and "问题序号" in notes and "不读取" in notes


def test_round_trip_gives_the_same_measures(w):
    seed(w)
    before = snapshot(w.rect)
    content = plan.plan_export_xlsx(w.rect)
    assert plan.plan_import_xlsx(rect=w.rect, file=upload(content), by=w.liaison) == 3
    assert snapshot(w.rect) == before


def test_filled_template_is_imported_in_row_order(w):
    book = load_workbook(io.BytesIO(plan.plan_export_xlsx(w.rect)))
    sheet = book["整改台账"]
    # rows 3 and 4 are the blank rows of problems 1 and 2; fill problem 2's, add two for problem 1 below
    sheet["D4"], sheet["E4"], sheet["F4"], sheet["G4"] = "追回资金", "资金全部追回", "2026/8/15", "立行立改"
    sheet["H4"], sheet["I4"], sheet["J4"] = "李建国", "计划财务股", "郑洁"
    sheet.append([1, "", "", "措施甲", "目标甲", d(2026, 8, 1), "限期整改", "王志强", "办公室", "孙丽"])
    sheet.append([1, "", 9, "措施乙", "目标乙", "2026年9月30日", "长期坚持", "王志强", "办公室", "孙丽"])
    assert plan.plan_import_xlsx(rect=w.rect, file=upload(to_bytes(book)), by=w.liaison) == 3
    rows = snapshot(w.rect)
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows] == [
        (1, 1, "措施甲", d(2026, 8, 1), MeasureKind.DEADLINE),
        (1, 2, "措施乙", d(2026, 9, 30), MeasureKind.LONG_TERM),
        (2, 1, "追回资金", d(2026, 8, 15), MeasureKind.IMMEDIATE),
    ]
    assert Measure.objects.first().history.first().history_user == w.liaison


def test_a_bad_row_imports_nothing_and_lists_every_problem(w):
    seed(w)
    before = snapshot(w.rect)
    book = load_workbook(io.BytesIO(plan.plan_export_xlsx(w.rect)))
    sheet = book["整改台账"]
    sheet["F3"] = "下个月"  # row 3: not a date
    sheet["A4"] = 9  # row 4: no such problem
    sheet["G5"] = "马上改"  # row 5: unknown type (row 5 is problem 2's only measure)
    sheet["J5"] = None  # row 5: responsible person missing
    put(sheet, 6, [1, "", "", "措施", "目标", d(2026, 10, 8), "限期整改", "甲", "乙", "丙"])  # too late
    put(sheet, 7, [1, "", "", "措施", "目标", d(2026, 6, 8), "限期整改", "甲", "乙", "丙"])  # too early
    put(sheet, 8, ["一", "", "", "措施", "目标", d(2026, 8, 8), "限期整改", "甲", "乙", "丙"])
    with pytest.raises(DomainError) as exc:
        plan.plan_import_xlsx(rect=w.rect, file=upload(to_bytes(book)), by=w.liaison)
    assert exc.value.message == "整改方案导入失败，未导入任何内容"
    reasons = exc.value.reasons
    assert "第3行：完成时限不是日期" in reasons
    assert "第4行：问题序号 9 不存在" in reasons
    assert "第5行：整改类型须为立行立改、限期整改或长期坚持之一" in reasons
    assert "第5行：责任人不能为空" in reasons
    assert any(r.startswith("第6行：") and "不能晚于整改期限（2026-09-30）" in r for r in reasons)
    assert any(r.startswith("第7行：") and "不能早于反馈会日期（2026-07-01）" in r for r in reasons)
    assert any(r.startswith("第8行：问题序号") and "须为数字" in r for r in reasons)
    assert snapshot(w.rect) == before  # nothing changed


def test_a_problem_left_without_measures_is_named(w):
    seed(w)
    book = load_workbook(io.BytesIO(plan.plan_export_xlsx(w.rect)))
    sheet = book["整改台账"]
    sheet.delete_rows(5)  # problem 2's only measure
    with pytest.raises(DomainError) as exc:
        plan.plan_import_xlsx(rect=w.rect, file=upload(to_bytes(book)), by=w.liaison)
    assert any(r.startswith("问题2“惠农资金监管不严”没有整改措施") for r in exc.value.reasons)
    assert len(snapshot(w.rect)) == 3


def test_the_blank_template_alone_has_nothing_to_import(w):
    with pytest.raises(DomainError) as exc:
        plan.plan_import_xlsx(rect=w.rect, file=upload(plan.plan_export_xlsx(w.rect)), by=w.liaison)
    assert any("表中没有整改措施" in r for r in exc.value.reasons)


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("plan.txt", b"hello", "请上传 Excel 文件"),
        ("plan.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100, "不支持旧版 .xls"),
        ("plan.xlsx", b"PK\x03\x04 this is no workbook", "文件无法读取"),
        ("plan.xlsx", b"", "空的"),
    ],
)
def test_files_that_are_not_a_workbook_are_refused(w, name, content, words):
    with pytest.raises(DomainError) as exc:
        plan.plan_import_xlsx(rect=w.rect, file=upload(content, name), by=w.liaison)
    assert words in exc.value.full_message()


def test_a_workbook_without_the_header_is_refused(w):
    book = Workbook()
    book.active.append(["序号", "内容"])
    book.active.append([1, "措施"])
    with pytest.raises(DomainError) as exc:
        plan.plan_import_xlsx(rect=w.rect, file=upload(to_bytes(book)), by=w.liaison)
    assert "没有找到表头" in exc.value.full_message()


def test_header_in_the_first_row_and_kind_values_are_accepted(w):
    book = Workbook()
    sheet = book.active
    sheet.append(plan_excel.HEADERS)
    sheet.append([1, "", "", "措施", "目标", "2026-08-01", "deadline", "甲", "乙", "丙"])
    sheet.append([2, "", "", "措施", "目标", "2026.8.2", "立行立改", "甲", "乙", "丙"])
    assert plan.plan_import_xlsx(rect=w.rect, file=upload(to_bytes(book)), by=w.liaison) == 2
    assert [r[4] for r in snapshot(w.rect)] == [d(2026, 8, 1), d(2026, 8, 2)]


def test_too_many_rows_are_refused(w, monkeypatch):
    monkeypatch.setattr(plan_excel, "MAX_ROWS", 2)
    book = Workbook()
    sheet = book.active
    sheet.append(plan_excel.HEADERS)
    for _ in range(3):
        sheet.append([1, "", "", "措施", "目标", "2026-08-01", "限期整改", "甲", "乙", "丙"])
    with pytest.raises(DomainError) as exc:
        plan.plan_import_xlsx(rect=w.rect, file=upload(to_bytes(book)), by=w.liaison)
    assert "一次最多导入 2 条" in exc.value.full_message()


def test_import_only_while_the_plan_is_drafted(w):
    seed(w)
    content = plan.plan_export_xlsx(w.rect)
    w.rect.status = RectStatus.PLAN_SUBMITTED
    w.rect.save()
    with pytest.raises(DomainError, match="整改方案已报送，不能修改"):
        plan.plan_import_xlsx(rect=w.rect, file=upload(content), by=w.liaison)


def test_parse_date():
    assert plan_excel.parse_date("2026-8-1") == d(2026, 8, 1)
    assert plan_excel.parse_date("2026年8月1日") == d(2026, 8, 1)
    assert plan_excel.parse_date(datetime.datetime(2026, 8, 1, 0, 0)) == d(2026, 8, 1)
    assert plan_excel.parse_date("2026-02-30") is None
    assert plan_excel.parse_date("八月") is None
    assert plan_excel.parse_date(45000) is None
