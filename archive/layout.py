"""The layout of the archive workbook (历史轮次录入): its sheets, their columns, and the words in its cells.

One workbook holds one round or several (of one term or more). Every sheet after 轮次 names the round by
its number (轮次) — so the round numbers of one workbook must be distinct. The template, the export of a
round and the import all use these lists, so an exported round imports again unchanged.
"""

from rectification.models import MeasureKind
from rounds.models import AssignmentMode, RoundKind

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_ROWS = 20000

# sheet → [(header, required)]
ROUNDS = "轮次"
TEAMS = "巡察组"
UNITS = "被巡察单位"
PROBLEMS = "反馈问题"
MEASURES = "整改措施"
OUTCOMES = "移交线索"
NOTES = "说明"

SHEETS: dict[str, list[tuple[str, bool]]] = {
    ROUNDS: [("届次", True), ("轮次", True), ("类型", True), ("开始日期", True), ("结束日期", True),
             ("专项主题", False), ("回头看的轮次", False)],
    TEAMS: [("轮次", True), ("组名", True), ("组长", True), ("副组长", False), ("组员", False)],
    UNITS: [("轮次", True), ("组名", True), ("单位", True), ("方式", True)],
    PROBLEMS: [("轮次", True), ("单位", True), ("序号", True), ("问题", True), ("类别", True), ("整改方式", True)],
    MEASURES: [("轮次", True), ("单位", True), ("问题序号", True), ("措施", True), ("责任人", False),
               ("时限", True), ("状态", True), ("完成日期", False)],
    OUTCOMES: [("轮次", True), ("单位", True), ("移交线索数", True), ("立案数", True), ("第一种形态人数", False),
               ("第二种形态人数", False), ("第三种形态人数", False), ("第四种形态人数", False)],
}  # fmt: skip
REQUIRED_SHEETS = (ROUNDS, TEAMS, UNITS, PROBLEMS, MEASURES)
WIDTHS = {
    ROUNDS: [16, 8, 12, 14, 14, 16, 14],
    TEAMS: [8, 14, 12, 20, 40],
    UNITS: [8, 14, 24, 10],
    PROBLEMS: [8, 24, 8, 60, 30, 12],
    MEASURES: [8, 24, 10, 60, 12, 14, 10, 14],
    OUTCOMES: [8, 24, 12, 10, 14, 14, 14, 14],
}

KIND_BY_LABEL = {str(label): value for value, label in RoundKind.choices}
KIND_BY_LABEL |= {"常规": RoundKind.REGULAR, "专项": RoundKind.SPECIAL, "机动": RoundKind.MOBILE, "提级": RoundKind.ELEVATED}
MODE_BY_LABEL = {str(label): value for value, label in AssignmentMode.choices}

IMMEDIATE, DEADLINE = "立行立改", "限期整改"
FIX_MODES = (IMMEDIATE, DEADLINE)
CLOSED, OPEN, LONG_TERM = "已销号", "未销号", "长期坚持"
MEASURE_STATES = (CLOSED, OPEN, LONG_TERM)
KIND_OF_FIX = {IMMEDIATE: MeasureKind.IMMEDIATE, DEADLINE: MeasureKind.DEADLINE}

NAME_SEPARATORS = "、，,；; \u3000"

EXPLANATION = [
    ("用途", "录入本届此前已经完成的巡察轮次（历史录入）。导入后这些轮次只读，并在页面上标明来源文件；"
             "更正时修改本表后重新导入同一轮次，按自然键（届次+轮次、组名、单位、问题序号、措施内容）原地更新，不会重复。"),
    ("不导入", "问题底稿的证据材料、信访举报人的身份信息一律不录入本表，系统也不会导入。"),
    ("轮次", "届次须已在系统“届次”中建立，写全称（例如：第十四届县委）；轮次填数字；类型：常规巡察、专项巡察、机动巡察、"
             "提级巡察、回头看；开始、结束日期须在该届起止日期之内。回头看须在“回头看的轮次”填写同一届此前轮次的数字。"
             "同一工作簿中的轮次数字不能重复；系统中办理的轮次不能被导入覆盖。"),
    ("巡察组", "组名写“第一巡察组”或数字；组长、副组长、组员写干部库中的姓名，多人用顿号分隔；"
               "干部库中重名的，写成“姓名（所在单位）”。同一干部在同一轮只能参加一个巡察组。"),
    ("被巡察单位", "单位写系统中单位名称全称；方式：常规、提级、延伸、点穴式、回头看。同一单位在一轮中只能出现一次。"),
    ("反馈问题", "序号为该单位反馈问题的序号（1、2、3…）；类别写问题分类中的类别名称（重名时写“上级类别/类别”）；"
                 "整改方式：立行立改或限期整改。历史录入的反馈问题同时计为“发现问题”（无问题底稿）。"),
    ("整改措施", "问题序号须在“反馈问题”中；时限、完成日期写日期；状态：已销号、未销号、长期坚持；已销号的须写完成日期。"),
    ("移交线索", "可选。每个单位一行：移交纪委监委的问题线索数、立案数和按“四种形态”处理的人数（只录数字，不录线索内容和人员）。"),
    ("日期", "日期写成 2024-03-15 或使用 Excel 日期格式。"),
]  # fmt: skip
