"""Reading the archive workbook (历史轮次录入): every sheet parsed and checked against the system's data.

`read_workbook(file)` returns a `Plan` (what the workbook says, with units, cadres and categories found)
and the row errors. Nothing is written here; `archive.services.imports` applies a plan without errors.
Every check the issue names is a row error: an unknown unit or cadre (with the closest names), a
category outside the taxonomy, a measure without its problem, dates outside the term, a cadre on two
teams of one round, the same unit twice in a round, and a round run in the system (never overwritten).
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook

from clues.models import Category
from rounds.models import Round, RoundKind, Term, Unit
from teams.models import Cadre
from xuncha.core.numerals import cn_number

from .. import layout as L


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class MeasurePlan:
    row: int
    content: str
    person: str
    deadline: date
    state: str  # 已销号 / 未销号 / 长期坚持
    done_on: date | None


@dataclass
class ProblemPlan:
    row: int
    seq: int
    text: str
    category: Category
    fix_mode: str  # 立行立改 / 限期整改
    measures: list[MeasurePlan] = field(default_factory=list)


@dataclass
class OutcomePlan:
    row: int
    leads: int
    cases: int
    forms: tuple[int, int, int, int]


@dataclass
class UnitPlan:
    row: int
    unit: Unit
    team_number: int
    mode: str
    problems: dict[int, ProblemPlan] = field(default_factory=dict)
    outcome: OutcomePlan | None = None


@dataclass
class TeamPlan:
    row: int
    number: int
    leader: Cadre
    deputies: list[Cadre]
    members: list[Cadre]

    def places(self) -> list[tuple[Cadre, str]]:
        return [(self.leader, "leader")] + [(c, "deputy") for c in self.deputies] + [(c, "member") for c in self.members]


@dataclass
class RoundPlan:
    row: int
    term: Term
    number: int
    kind: str
    start: date
    end: date
    theme: str
    revisit_number: int | None
    existing: Round | None
    teams: dict[int, TeamPlan] = field(default_factory=dict)
    units: dict[int, UnitPlan] = field(default_factory=dict)  # by unit id

    @property
    def label(self) -> str:
        return f"{self.term.name}第{cn_number(self.number)}轮"


@dataclass
class Plan:
    rounds: dict[int, RoundPlan] = field(default_factory=dict)  # by round number
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    def add(self, sheet, row, column, message):
        self.errors.append(RowError(sheet, row, column, message))


# --- cells ---------------------------------------------------------------------------------------------

_CN = {c: i for i, c in enumerate("零一二三四五六七八九")}


def parse_cn_int(text: str) -> int | None:
    """12, "12", "十二", "第十二轮", "第3巡察组" → the number; None if there is none."""
    text = str(text).strip()
    m = re.search(r"\d+", text)
    if m:
        return int(m.group())
    m = re.search(r"[零一二三四五六七八九十]+", text)
    if not m:
        return None
    s = m.group()
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN.get(tens, 1) if tens else 1) * 10 + (_CN.get(ones, 0) if ones else 0)
    value = 0
    for ch in s:
        value = value * 10 + _CN[ch]
    return value


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def int_of(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return parse_cn_int(value)


def count_of(value) -> int | None:
    """A non-negative count: blank is 0; None if not a count."""
    if value is None or text_of(value) == "":
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() and value >= 0 else None
    text = text_of(value)
    return int(text) if text.isdigit() else None


def date_of(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def names_of(value) -> list[str]:
    text = text_of(value)
    for sep in L.NAME_SEPARATORS[1:]:
        text = text.replace(sep, L.NAME_SEPARATORS[0])
    return [n for n in (p.strip() for p in text.split(L.NAME_SEPARATORS[0])) if n]


def closest(name: str, candidates) -> str:
    near = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.4)
    return f"；最接近的名称：{'、'.join(near)}" if near else ""


# --- the lookups ---------------------------------------------------------------------------------------


class Lookups:
    """Units, cadres, categories and terms, read once."""

    def __init__(self):
        self.units = {u.name: u for u in Unit.objects.all()}
        self.cadres: dict[str, list[Cadre]] = {}
        for cadre in Cadre.objects.select_related("home_unit"):
            self.cadres.setdefault(cadre.name, []).append(cadre)
        self.terms = {t.name: t for t in Term.objects.all()}
        categories = list(Category.objects.filter(is_active=True).select_related("parent"))
        self.categories: dict[str, list[Category]] = {}
        for c in categories:
            self.categories.setdefault(c.name, []).append(c)
            if c.parent_id:
                self.categories.setdefault(f"{c.parent.name}/{c.name}", []).append(c)

    def cadre(self, name: str) -> tuple[Cadre | None, str]:
        m = re.fullmatch(r"(.+?)[（(](.+)[）)]", name)
        base, unit = (m.group(1).strip(), m.group(2).strip()) if m else (name, "")
        found = self.cadres.get(base, [])
        if unit:
            found = [c for c in found if c.home_unit.name == unit]
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, f"干部库中没有“{name}”{closest(base, self.cadres)}"
        units = "、".join(f"{c.name}（{c.home_unit.name}）" for c in found)
        return None, f"干部库中有{len(found)}位“{base}”，请写成“姓名（所在单位）”：{units}"

    def unit(self, name: str) -> tuple[Unit | None, str]:
        unit = self.units.get(name)
        if unit is None:
            return None, f"系统中没有单位“{name}”{closest(name, self.units)}"
        return unit, ""

    def category(self, name: str) -> tuple[Category | None, str]:
        key = name.replace("／", "/").replace(" / ", "/")
        found = self.categories.get(key, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"问题类别“{name}”重名，请写成“上级类别/类别”"
        return None, f"问题类别“{name}”不在问题分类中{closest(key, self.categories)}"


def cadre_label(cadre: Cadre, lookups_or_counts) -> str:
    """How a cadre is written in the workbook: the name, with the unit when the pool has two of that name."""
    same = lookups_or_counts.get(cadre.name, 1)
    return f"{cadre.name}（{cadre.home_unit.name}）" if same > 1 else cadre.name


# --- reading -------------------------------------------------------------------------------------------


def _rows(workbook, sheet: str, plan: Plan):
    """(row number, {header: value}) of a sheet; checks the header row."""
    if sheet not in workbook.sheetnames:
        if sheet in L.REQUIRED_SHEETS:
            plan.add(sheet, None, "", f"缺少工作表“{sheet}”")
        return
    ws = workbook[sheet]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    header = [text_of(h) for h in header]
    missing = [h for h, required in L.SHEETS[sheet] if required and h not in header]
    if missing:
        plan.add(sheet, 1, "、".join(missing), f"表头缺少列：{'、'.join(missing)}")
        return
    index = {h: header.index(h) for h, _ in L.SHEETS[sheet] if h in header}
    for number, values in enumerate(rows, start=2):
        if values is None or all(text_of(v) == "" for v in values):
            continue
        plan.rows += 1
        if plan.rows > L.MAX_ROWS:
            plan.add(sheet, number, "", f"工作簿超过 {L.MAX_ROWS} 行，请分成几个文件导入")
            return
        yield number, {h: (values[i] if i < len(values) else None) for h, i in index.items()}


def _round_of(plan: Plan, sheet: str, number: int, row: dict) -> RoundPlan | None:
    n = int_of(row.get("轮次"))
    if n is None:
        plan.add(sheet, number, "轮次", "轮次须填写数字")
        return None
    rp = plan.rounds.get(n)
    if rp is None:
        plan.add(sheet, number, "轮次", f"第{n}轮不在“轮次”表中（或该行有错误）")
    return rp


def _read_rounds(wb, plan: Plan, lk: Lookups) -> None:
    sheet = L.ROUNDS
    existing = {(r.term_id, r.number): r for r in Round.objects.select_related("archive_import")}
    for number, row in _rows(wb, sheet, plan):
        term_name = text_of(row.get("届次"))
        term = lk.terms.get(term_name)
        if term is None:
            plan.add(sheet, number, "届次", f"系统中没有届次“{term_name}”，请先在“届次”中建立{closest(term_name, lk.terms)}")
        n = int_of(row.get("轮次"))
        if n is None or n <= 0:
            plan.add(sheet, number, "轮次", "轮次须填写正整数")
        elif n in plan.rounds:
            plan.add(sheet, number, "轮次", f"第{n}轮在本表中出现两次")
        kind = L.KIND_BY_LABEL.get(text_of(row.get("类型")))
        if kind is None:
            plan.add(sheet, number, "类型", f"类型“{text_of(row.get('类型'))}”不对，可填：常规巡察、专项巡察、机动巡察、提级巡察、回头看")
        start, end = date_of(row.get("开始日期")), date_of(row.get("结束日期"))
        if start is None:
            plan.add(sheet, number, "开始日期", "开始日期不是日期")
        if end is None:
            plan.add(sheet, number, "结束日期", "结束日期不是日期")
        if start and end and end < start:
            plan.add(sheet, number, "结束日期", "结束日期早于开始日期")
        if term and start and end and (start < term.start_date or end > term.end_date):
            plan.add(
                sheet, number, "开始日期",
                f"日期超出{term.name}的任期（{term.start_date:%Y-%m-%d} 至 {term.end_date:%Y-%m-%d}）",
            )  # fmt: skip
        theme = text_of(row.get("专项主题"))[:100]
        if kind == RoundKind.SPECIAL and not theme:
            plan.add(sheet, number, "专项主题", "专项巡察须填写专项主题")
        revisit = int_of(row.get("回头看的轮次")) if text_of(row.get("回头看的轮次")) else None
        if kind == RoundKind.LOOKBACK and (revisit is None or n is None or revisit >= n):
            plan.add(sheet, number, "回头看的轮次", "回头看须填写同一届此前轮次的数字")
        found = existing.get((term.pk, n)) if term and n else None
        if found is not None and not found.is_archival:
            plan.add(sheet, number, "轮次", f"{found}是在系统中办理的轮次，不能用导入覆盖")
        # A round with errors is still known to the other sheets, so that their rows are checked against
        # it and do not each repeat that the round is missing (nothing is imported while errors remain).
        if term is not None and n and n > 0 and n not in plan.rounds and (found is None or found.is_archival):
            plan.rounds[n] = RoundPlan(number, term, n, kind, start, end, theme, revisit, found)
    for rp in plan.rounds.values():
        if rp.revisit_number is None:
            continue
        earlier = plan.rounds.get(rp.revisit_number) or existing.get((rp.term.pk, rp.revisit_number))
        if earlier is None or (isinstance(earlier, RoundPlan) and earlier.term != rp.term):
            plan.add(sheet, rp.row, "回头看的轮次", f"{rp.term.name}没有第{rp.revisit_number}轮")


def _read_teams(wb, plan: Plan, lk: Lookups) -> None:
    sheet = L.TEAMS
    seen: dict[tuple[int, int], str] = {}  # (round, cadre) → team
    for number, row in _rows(wb, sheet, plan):
        rp = _round_of(plan, sheet, number, row)
        team_number = int_of(row.get("组名"))
        if team_number is None or team_number <= 0:
            plan.add(sheet, number, "组名", "组名须写成“第一巡察组”或数字")
            continue
        if rp is None:
            continue
        if team_number in rp.teams:
            plan.add(sheet, number, "组名", f"第{cn_number(team_number)}巡察组在{rp.label}中出现两次")
            continue
        places: dict[str, list[Cadre]] = {"组长": [], "副组长": [], "组员": []}
        for column in places:
            names = names_of(row.get(column))
            if column == "组长" and len(names) != 1:
                plan.add(sheet, number, column, "每组须有且只有一名组长")
            for name in names:
                cadre, problem = lk.cadre(name)
                if cadre is None:
                    plan.add(sheet, number, column, problem)
                    continue
                where = seen.get((rp.number, cadre.pk))
                if where:
                    plan.add(sheet, number, column, f"{cadre.name}在{rp.label}已是{where}成员，同一轮只能参加一个巡察组")
                    continue
                seen[(rp.number, cadre.pk)] = f"第{cn_number(team_number)}巡察组"
                places[column].append(cadre)
        leader = places["组长"][0] if places["组长"] else None
        # Kept even with errors (nothing is imported then), so the units' rows are checked against it.
        rp.teams[team_number] = TeamPlan(number, team_number, leader, places["副组长"], places["组员"])


def _read_units(wb, plan: Plan, lk: Lookups) -> None:
    sheet = L.UNITS
    for number, row in _rows(wb, sheet, plan):
        rp = _round_of(plan, sheet, number, row)
        unit, problem = lk.unit(text_of(row.get("单位")))
        if unit is None:
            plan.add(sheet, number, "单位", problem)
        mode = L.MODE_BY_LABEL.get(text_of(row.get("方式")))
        if mode is None:
            plan.add(sheet, number, "方式", f"方式“{text_of(row.get('方式'))}”不对，可填：常规、提级、延伸、点穴式、回头看")
        team_number = int_of(row.get("组名"))
        if rp is None or unit is None or mode is None:
            continue
        if team_number not in rp.teams:
            plan.add(sheet, number, "组名", f"“{text_of(row.get('组名'))}”不在“巡察组”表的{rp.label}中（或该行有错误）")
            continue
        if unit.pk in rp.units:
            plan.add(sheet, number, "单位", f"{unit.name}在{rp.label}中出现两次，同一单位一轮只能巡察一次")
            continue
        rp.units[unit.pk] = UnitPlan(number, unit, team_number, mode)


def _unit_of(plan: Plan, lk: Lookups, sheet: str, number: int, row: dict, rp: RoundPlan | None) -> UnitPlan | None:
    name = text_of(row.get("单位"))
    unit, problem = lk.unit(name)
    if unit is None:
        plan.add(sheet, number, "单位", problem)
        return None
    if rp is None:
        return None
    up = rp.units.get(unit.pk)
    if up is None:
        plan.add(sheet, number, "单位", f"{unit.name}不在“被巡察单位”表的{rp.label}中（或该行有错误）")
    return up


def _read_problems(wb, plan: Plan, lk: Lookups) -> None:
    sheet = L.PROBLEMS
    for number, row in _rows(wb, sheet, plan):
        rp = _round_of(plan, sheet, number, row)
        up = _unit_of(plan, lk, sheet, number, row, rp)
        seq = int_of(row.get("序号"))
        if seq is None or seq <= 0:
            plan.add(sheet, number, "序号", "序号须填写正整数")
        text = text_of(row.get("问题"))
        if not text:
            plan.add(sheet, number, "问题", "问题不能为空")
        category, problem = lk.category(text_of(row.get("类别")))
        if category is None:
            plan.add(sheet, number, "类别", problem)
        fix = text_of(row.get("整改方式"))
        if fix not in L.FIX_MODES:
            plan.add(sheet, number, "整改方式", f"整改方式“{fix}”不对，可填：立行立改、限期整改")
        if up is None or not seq or seq <= 0 or not text or category is None or fix not in L.FIX_MODES:
            continue
        if seq in up.problems:
            plan.add(sheet, number, "序号", f"{up.unit.name}的问题序号{seq}出现两次")
            continue
        up.problems[seq] = ProblemPlan(number, seq, text, category, fix)


def _read_measures(wb, plan: Plan, lk: Lookups) -> None:
    sheet = L.MEASURES
    for number, row in _rows(wb, sheet, plan):
        rp = _round_of(plan, sheet, number, row)
        up = _unit_of(plan, lk, sheet, number, row, rp)
        seq = int_of(row.get("问题序号"))
        content = text_of(row.get("措施"))
        if not content:
            plan.add(sheet, number, "措施", "措施不能为空")
        deadline = date_of(row.get("时限"))
        if deadline is None:
            plan.add(sheet, number, "时限", "时限须填写日期")
        state = text_of(row.get("状态"))
        if state not in L.MEASURE_STATES:
            plan.add(sheet, number, "状态", f"状态“{state}”不对，可填：已销号、未销号、长期坚持")
        done_raw = row.get("完成日期")
        done_on = date_of(done_raw)
        if text_of(done_raw) and done_on is None:
            plan.add(sheet, number, "完成日期", "完成日期不是日期")
        if state == L.CLOSED and done_on is None and not text_of(done_raw):
            plan.add(sheet, number, "完成日期", "已销号的措施须填写完成日期")
        if rp is not None and done_on is not None and rp.start and done_on < rp.start:
            plan.add(sheet, number, "完成日期", f"完成日期早于{rp.label}的开始日期")
        if up is None:
            continue
        problem = up.problems.get(seq) if seq else None
        if problem is None:
            plan.add(sheet, number, "问题序号", f"{up.unit.name}没有序号为“{text_of(row.get('问题序号'))}”的反馈问题（措施须对应“反馈问题”表中的问题）")
            continue
        if not content or deadline is None or state not in L.MEASURE_STATES:
            continue
        if any(m.content == content for m in problem.measures):
            plan.add(sheet, number, "措施", f"{up.unit.name}第{seq}个问题的这条措施出现两次")
            continue
        problem.measures.append(MeasurePlan(number, content, text_of(row.get("责任人"))[:50], deadline, state, done_on))


def _read_outcomes(wb, plan: Plan, lk: Lookups) -> None:
    sheet = L.OUTCOMES
    for number, row in _rows(wb, sheet, plan):
        rp = _round_of(plan, sheet, number, row)
        up = _unit_of(plan, lk, sheet, number, row, rp)
        values = {}
        for column, _ in L.SHEETS[sheet][2:]:
            value = count_of(row.get(column))
            if value is None:
                plan.add(sheet, number, column, f"{column}须填写非负整数")
            values[column] = value
        if up is None or None in values.values():
            continue
        if up.outcome is not None:
            plan.add(sheet, number, "单位", f"{up.unit.name}在“移交线索”表中出现两次")
            continue
        if values["立案数"] > values["移交线索数"]:
            plan.add(sheet, number, "立案数", "立案数不能大于移交线索数")
            continue
        forms = tuple(values[c] for c, _ in L.SHEETS[sheet][4:])
        up.outcome = OutcomePlan(number, values["移交线索数"], values["立案数"], forms)


def read_workbook(file) -> Plan:
    """Parse and check a workbook; the plan's errors are empty when it can be imported."""
    plan = Plan()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        plan.add("", None, "", "无法读取该文件，请上传 .xlsx 格式的 Excel 工作簿（可先下载模板）")
        return plan
    try:
        lk = Lookups()
        _read_rounds(wb, plan, lk)
        _read_teams(wb, plan, lk)
        _read_units(wb, plan, lk)
        _read_problems(wb, plan, lk)
        _read_measures(wb, plan, lk)
        _read_outcomes(wb, plan, lk)
    finally:
        wb.close()
    if not plan.rounds and not plan.errors:
        plan.add(L.ROUNDS, None, "", "“轮次”表中没有任何轮次")
    return plan
