"""The archive workbook as a file: the blank template (with its 说明 sheet) and the export of rounds in
the same layout, so that an exported round imported again changes nothing."""

from collections import Counter

from django.utils import timezone
from openpyxl import Workbook

from clues.models import Category, TransferOutcome
from rectification.models import Measure, MeasureKind, MeasureStatus, Problem
from rounds.models import Assignment, Round, RoundKind
from teams.models import Cadre, TeamMember
from xuncha.core.numerals import cn_number
from xuncha.core.xlsx import WRAP, add_sheet, append, header_row, new_workbook, set_widths, to_bytes

from .. import layout as L


def _workbook() -> Workbook:
    wb = new_workbook()
    for sheet, columns in L.SHEETS.items():
        add_sheet(wb, sheet, headers=[h for h, _ in columns], widths=L.WIDTHS[sheet])
    ws = wb.create_sheet(L.NOTES)
    set_widths(ws, [14, 110])
    header_row(ws, ["项目", "填写说明"])
    for row in L.EXPLANATION:
        append(ws, list(row), alignment=WRAP)
    return wb


def template_workbook() -> bytes:
    """The blank template with one example row per sheet (to be replaced)."""
    wb = _workbook()
    append(wb[L.ROUNDS], ["第十四届县委", 1, "常规巡察", "2019-03-01", "2019-05-31", "", ""])
    append(wb[L.TEAMS], [1, "第一巡察组", "张某某", "李某某", "王某某、赵某某"])
    append(wb[L.UNITS], [1, "第一巡察组", "县财政局", "常规"])
    append(
        wb[L.PROBLEMS],
        [1, "县财政局", 1, "示例：政府采购程序不规范", "依法廉洁用权、侵害群众利益", "限期整改"],
    )
    append(
        wb[L.MEASURES],
        [1, "县财政局", 1, "示例：修订政府采购内控制度", "王某某", "2019-09-30", "已销号", "2019-09-20"],
    )
    append(wb[L.OUTCOMES], [1, "县财政局", 2, 1, 1, 1, 0, 0])
    return to_bytes(wb)


def _category_labels() -> dict[int, str]:
    cats = list(Category.objects.filter(is_active=True).select_related("parent"))
    names = Counter(c.name for c in cats)
    return {
        c.pk: (f"{c.parent.name}/{c.name}" if names[c.name] > 1 and c.parent_id else c.name) for c in cats
    }


def _day(value):
    return timezone.localtime(value).date() if value else None


def export_rounds(rounds: list[Round]) -> bytes:
    """Rounds in the layout of the archive workbook (dates as Excel dates)."""
    wb = _workbook()
    rounds = sorted(rounds, key=lambda r: (r.term.start_date, r.number))
    round_ids = [r.pk for r in rounds]
    number_of = {r.pk: r.number for r in rounds}
    pool = Counter(Cadre.objects.values_list("name", flat=True))
    categories = _category_labels()
    kinds = {RoundKind.REGULAR: "常规巡察"} | {value: str(label) for value, label in RoundKind.choices}
    for r in rounds:
        revisit = r.revisit_of.number if r.revisit_of_id and r.revisit_of.term_id == r.term_id else ""
        append(
            wb[L.ROUNDS],
            [r.term.name, r.number, kinds[r.kind], r.planned_start, r.planned_end, r.theme, revisit],
        )

    places: dict[int, dict[str, list[str]]] = {}
    teams = {}
    order = {"leader": 0, "deputy": 1, "member": 2}
    members = (
        TeamMember.objects.filter(round_id__in=round_ids)
        .select_related("team", "cadre__home_unit")
        .order_by("team__round_id", "team__number", "id")
    )
    for m in sorted(members, key=lambda m: (m.team.round_id, m.team.number, order[m.role], m.pk)):
        teams[m.team_id] = m.team
        name = f"{m.cadre.name}（{m.cadre.home_unit.name}）" if pool[m.cadre.name] > 1 else m.cadre.name
        places.setdefault(m.team_id, {"leader": [], "deputy": [], "member": []})[m.role].append(name)
    for team_id, p in places.items():
        team = teams[team_id]
        append(wb[L.TEAMS], 
            [number_of[team.round_id], f"第{cn_number(team.number)}巡察组", "、".join(p["leader"]),
             "、".join(p["deputy"]), "、".join(p["member"])]
        )  # fmt: skip

    modes = dict(Assignment._meta.get_field("mode").flatchoices)
    for a in (
        Assignment.objects.filter(round_id__in=round_ids)
        .select_related("team", "unit")
        .order_by("round__number", "team__number", "unit__name")
    ):
        append(
            wb[L.UNITS],
            [number_of[a.round_id], f"第{cn_number(a.team.number)}巡察组", a.unit.name, str(modes[a.mode])],
        )

    for p in (
        Problem.objects.filter(rectification__round_id__in=round_ids)
        .select_related("rectification__unit")
        .order_by("rectification__round__number", "rectification__unit__name", "seq")
    ):
        append(wb[L.PROBLEMS], 
            [number_of[p.rectification.round_id], p.rectification.unit.name, p.seq, p.description or p.title,
             categories.get(p.category_id, ""), L.IMMEDIATE if p.fixed_on_site else L.DEADLINE]
        )  # fmt: skip

    for m in (
        Measure.objects.filter(rectification__round_id__in=round_ids)
        .select_related("rectification__unit", "problem")
        .order_by("rectification__round__number", "rectification__unit__name", "problem__seq", "seq")
    ):
        if m.status == MeasureStatus.CLOSED:
            state = L.CLOSED
        elif m.kind == MeasureKind.LONG_TERM:
            state = L.LONG_TERM
        else:
            state = L.OPEN
        append(wb[L.MEASURES], 
            [number_of[m.rectification.round_id], m.rectification.unit.name, m.problem.seq, m.content,
             m.responsible_person, m.deadline, state, _day(m.closed_at) if state == L.CLOSED else None]
        )  # fmt: skip

    for o in (
        TransferOutcome.objects.filter(round_id__in=round_ids)
        .select_related("unit")
        .order_by("round__number", "unit__name")
    ):
        append(
            wb[L.OUTCOMES],
            [number_of[o.round_id], o.unit.name, o.leads, o.cases, o.form1, o.form2, o.form3, o.form4],
        )

    for sheet in (L.ROUNDS, L.MEASURES):
        ws = wb[sheet]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "year"):
                    cell.number_format = "yyyy-mm-dd"
    return to_bytes(wb)
