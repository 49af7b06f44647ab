"""The status tables of the rectification app: every status changes through `transition()` along one
of these (`xuncha.core.transitions`). The permissions name access actions of
`xuncha/access/rules/rectification.py`; the services check them first in their own words.

    rectification: 反馈准备 ─记录反馈会→ 制定方案 ─报送→ 方案待审核 ─审核通过→ 整改中 ─办结→ 已完成
                                           ↖──────退回──────┘                  ↖──反弹重开──┘
    measure:       整改中 / 退回重改 ─销号→ 已销号 ─反弹重开→ 整改中;  整改中 / 退回重改 ─退回→ 退回重改
    report version: 草稿 ─报送→ 已报送待签字 ─签字背书→ 已签字背书
    publication:   待审核 ─公开→ 已公开 ─撤回→ 已撤回
"""

from xuncha.core.transitions import Transition, Workflow

from ..models import MeasureStatus, PublicationStatus, RectStatus, VersionStatus

R = RectStatus
RECT_FLOW = Workflow(
    "rectification.rectification",
    [
        Transition("hold_meeting", [R.PREPARING], R.PLANNING, "记录反馈会", permission="edit_feedback"),
        Transition("submit_plan", [R.PLANNING], R.PLAN_SUBMITTED, "报送整改方案", permission="edit_plan"),
        Transition("approve_plan", [R.PLAN_SUBMITTED], R.IN_PROGRESS, "审核通过整改方案", permission="approve_plan"),
        Transition("return_plan", [R.PLAN_SUBMITTED], R.PLANNING, "退回整改方案", permission="return_plan"),
        Transition("close", [R.IN_PROGRESS], R.CLOSED, "整改评估并办结", permission="close"),
        Transition("reopen", [R.CLOSED], R.IN_PROGRESS, "反弹重开", permission="close_measures"),
    ],
)

M = MeasureStatus
MEASURE_FLOW = Workflow(
    "rectification.measure",
    [
        Transition("close", [M.OPEN, M.RETURNED], M.CLOSED, "销号", permission="close"),
        Transition("return", [M.OPEN, M.RETURNED], M.RETURNED, "退回", permission="return"),
        Transition("reopen", [M.CLOSED], M.OPEN, "反弹重开", permission="reopen"),
    ],
)

V = VersionStatus
VERSION_FLOW = Workflow(
    "rectification.reportversion",
    [
        Transition("submit", [V.DRAFT], V.SUBMITTED, "报送", permission="submit"),
        Transition("sign", [V.SUBMITTED], V.SIGNED, "签字背书", permission="sign"),
    ],
)

P = PublicationStatus
PUBLICATION_FLOW = Workflow(
    "rectification.publication",
    [
        Transition("publish", [P.DRAFT], P.PUBLISHED, "公开", permission="publish"),
        Transition("withdraw", [P.PUBLISHED], P.WITHDRAWN, "撤回", permission="withdraw"),
    ],
)
