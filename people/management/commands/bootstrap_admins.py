"""Open the three administrative accounts (三员) of a new installation, without a superuser.

    manage.py bootstrap_admins --sysadmin 登录名:姓名 --secadmin 登录名:姓名 --auditor 登录名:姓名

Each gets a one-time initial password, printed once here and never stored in clear; each must change it at
the first login. Runs only while no active 系统管理员 exists: from then on, accounts are opened in the app.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xuncha.accounts.roles import Role
from xuncha.errors import DomainError

from ...services.accounts import account_create
from ...services.bindings import Kind, binding_add

ROLES = (("sysadmin", Kind.SYSADMIN), ("secadmin", Kind.SECADMIN), ("auditor", Kind.AUDITOR))


def _login_and_name(value: str, option: str) -> tuple[str, str]:
    username, _, name = value.partition(":")
    if not username.strip() or not name.strip():
        raise CommandError(f"--{option} 应写作 登录名:姓名，例如 --{option} zhangsan:张三")
    return username.strip(), name.strip()


class Command(BaseCommand):
    help = "新系统上线时开通系统管理员、安全保密管理员、安全审计员三个账号（三员分立），打印一次性初始密码"

    def add_arguments(self, parser):
        for option, kind in ROLES:
            parser.add_argument(f"--{option}", required=True, metavar="登录名:姓名", help=kind.label)

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_active=True, groups__name=Role.SYSADMIN).exists():
            raise CommandError("已有在用的系统管理员：请由系统管理员在“人员账号”中开通账号")
        people = [(kind, *_login_and_name(options[option], option)) for option, kind in ROLES]
        if len({username for _, username, _ in people}) != len(people):
            raise CommandError("三员分立：三个角色须由三个不同的账号担任")
        created = []
        try:
            with transaction.atomic():
                for kind, username, name in people:
                    user, password = account_create(person={"name": name}, username=username, by=None)
                    binding_add(account=user, kind=kind, by=None)
                    created.append((kind.label, username, password))
        except DomainError as exc:
            raise CommandError("；".join([str(exc), *exc.reasons])) from None
        for label, username, password in created:
            self.stdout.write(f"{label}：{username}  初始密码：{password}")
        self.stdout.write("初始密码只显示这一次，首次登录须修改。")
