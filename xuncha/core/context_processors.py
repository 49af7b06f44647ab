"""The left navigation by role and the inbox count in the top bar."""

import functools

from django.urls import reverse

from xuncha.accounts.roles import Role, is_office, roles_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    office = is_office(user)
    from xuncha.notifications.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "nav_items": _menu(roles_of(user), office),
        "inbox_unread": unread,
        "can_manage": office,
    }


@functools.lru_cache(maxsize=64)
def _menu(roles: frozenset[str], office: bool) -> tuple[tuple[str, str, str], ...]:
    """The menu of a set of roles, built once per process (it is on every page)."""

    def has(*wanted: str) -> bool:
        return bool(roles & set(wanted))

    leader = Role.LEADER in roles
    team = has(Role.TEAM) and not office
    receiver = has(Role.JIWEI, Role.ZUZHIBU, Role.DEPARTMENT)
    items = [("工作台", reverse("home"), "home")]
    if office or leader or team:
        items += [("领导驾驶舱", reverse("dashboards:county"), "dashboard")]
    if office or leader:
        items += [
            ("巡察轮次", reverse("rounds:round_list"), "rounds"),
            ("全覆盖进度", reverse("rounds:coverage"), "coverage"),
            ("被巡察单位", reverse("rounds:unit_list"), "units"),
            ("巡察干部库", reverse("teams:cadre_list"), "cadres"),
        ]
    if team:
        items += [("我的巡察任务", reverse("rounds:assignment_list"), "assignments")]
    if office or team:
        items += [("问题线索", reverse("clues:lead_list"), "leads")]
    if office or team:
        items += [("线索处置", reverse("clues:disposition_queue"), "dispositions")]
    if office or leader or team:
        items += [("问题台账", reverse("clues:finding_list"), "findings")]
    if office or receiver:
        items += [("线索移交", reverse("clues:batch_list"), "transfers")]
    if office or leader:
        items += [("移交成效", reverse("clues:transfer_figures"), "figures")]
    if office or receiver:
        items += [("归口办理", reverse("clues:handover_list"), "handover")]
    if office or leader or team or has(Role.JIWEI, Role.ZUZHIBU):
        items += [("反馈整改", reverse("rectification:rect_list"), "rectification")]
    if has(Role.JIWEI, Role.ZUZHIBU):
        items += [("整改监督", reverse("rectification:supervision"), "supervision")]
    if office or leader:
        items += [
            ("巡察质量考评", reverse("dashboards:quality"), "quality"),
            ("共性问题分析", reverse("dashboards:common_problems"), "common_problems"),
        ]
    if office:
        items += [
            ("问题类别", reverse("clues:category_list"), "categories"),
            ("届次管理", reverse("rounds:term_list"), "terms"),
        ]
    if has(Role.UNIT):
        items += [("本单位", reverse("rounds:my_unit"), "my_unit")]
        items += [("反馈整改", reverse("rectification:rect_list"), "rectification")]
    items += [("站内消息", reverse("notifications:inbox"), "inbox")]
    items += [("整改公开", reverse("rectification:publications"), "publications")]
    items += [("巡察公告（公开）", reverse("rounds:public_announcements"), "public")]
    return tuple(items)
