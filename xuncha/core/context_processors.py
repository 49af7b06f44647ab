"""The left navigation by role and the inbox count in the top bar."""

from django.urls import reverse

from xuncha.accounts.roles import Role, has_role, is_leader, is_office


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [("工作台", reverse("home"), "home")]
    if is_office(user) or is_leader(user):
        items += [
            ("巡察轮次", reverse("rounds:round_list"), "rounds"),
            ("全覆盖进度", reverse("rounds:coverage"), "coverage"),
            ("被巡察单位", reverse("rounds:unit_list"), "units"),
            ("巡察干部库", reverse("teams:cadre_list"), "cadres"),
        ]
    if is_office(user):
        items += [("届次管理", reverse("rounds:term_list"), "terms")]
    if has_role(user, Role.TEAM) and not is_office(user):
        items += [("我的巡察任务", reverse("rounds:assignment_list"), "assignments")]
    if has_role(user, Role.UNIT):
        items += [("本单位", reverse("rounds:my_unit"), "my_unit")]
    items += [("站内消息", reverse("notifications:inbox"), "inbox")]
    items += [("巡察公告（公开）", reverse("rounds:public_announcements"), "public")]
    from xuncha.notifications.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "nav_items": items,
        "inbox_unread": unread,
        "can_manage": is_office(user),
    }
