"""The left navigation (the inbox count in the top bar is `xuncha.notifications.context_processors`).

Which items a user sees is `xuncha.access`'s answer (the page rules "nav.<item>" in
`xuncha.access.rules.core`); the menu built from those answers is kept once per process for each set
of answers, as it is on every page."""

import functools

from django.urls import reverse

from xuncha import access

# (label, url name, active key, page rule or None for every user), in the order of the menu.
NAV = (
    ("工作台", "home", "home", None),
    ("领导驾驶舱", "dashboards:county", "dashboard", "nav.dashboard"),
    ("巡察轮次", "rounds:round_list", "rounds", "nav.rounds"),
    ("全覆盖进度", "rounds:coverage", "coverage", "nav.coverage"),
    ("被巡察单位", "rounds:unit_list", "units", "nav.units"),
    ("巡察干部库", "teams:cadre_list", "cadres", "nav.cadres"),
    ("我的巡察任务", "rounds:assignment_list", "assignments", "nav.assignments"),
    ("问题线索", "clues:lead_list", "leads", "nav.leads"),
    ("线索处置", "clues:disposition_queue", "dispositions", "nav.dispositions"),
    ("问题台账", "clues:finding_list", "findings", "nav.findings"),
    ("线索移交", "clues:batch_list", "transfers", "nav.transfers"),
    ("移交成效", "clues:transfer_figures", "figures", "nav.figures"),
    ("归口办理", "clues:handover_list", "handover", "nav.handover"),
    ("反馈整改", "rectification:rect_list", "rectification", "nav.rectification"),
    ("整改监督", "rectification:supervision", "supervision", "nav.supervision"),
    ("巡察质量考评", "dashboards:quality", "quality", "nav.quality"),
    ("共性问题分析", "dashboards:common_problems", "common_problems", "nav.common_problems"),
    ("问题类别", "clues:category_list", "categories", "nav.categories"),
    ("届次管理", "rounds:term_list", "terms", "nav.terms"),
    ("人员账号", "people:account_list", "accounts", "nav.accounts"),
    ("本单位", "rounds:my_unit", "my_unit", "nav.my_unit"),
    ("反馈整改", "rectification:rect_list", "rectification", "nav.unit_rectification"),
    ("安全审计日志", "security:audit_log", "audit_log", "nav.audit_log"),
    ("站内消息", "notifications:inbox", "inbox", None),
    ("整改公开", "rectification:publications", "publications", None),
    ("巡察公告（公开）", "rounds:public_announcements", "public", None),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    shown = frozenset(rule for *_, rule in NAV if rule is not None and access.allows(user, rule))
    return {
        "nav_items": _menu(shown),
        "can_manage": access.allows(user, "office"),
    }


@functools.lru_cache(maxsize=64)
def _menu(shown: frozenset[str]) -> tuple[tuple[str, str, str], ...]:
    """The menu for a set of allowed items, built once per process (it is on every page)."""
    return tuple((label, reverse(name), key) for label, name, key, rule in NAV if rule is None or rule in shown)
