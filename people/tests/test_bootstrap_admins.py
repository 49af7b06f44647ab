from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role

pytestmark = pytest.mark.django_db

ARGS = ["--sysadmin", "xtgl:钱一", "--secadmin", "aqbm:冯二", "--auditor", "aqsj:卫三"]


def test_it_opens_the_three_admin_accounts_with_one_time_passwords():
    out = StringIO()
    call_command("bootstrap_admins", *ARGS, stdout=out)
    for username, role in (("xtgl", Role.SYSADMIN), ("aqbm", Role.SECADMIN), ("aqsj", Role.AUDITOR)):
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.must_change_password and not user.is_superuser
        password = next(line for line in out.getvalue().splitlines() if f"{username} " in line).split("：")[
            -1
        ]
        assert user.check_password(password)


def test_it_runs_only_once_and_refuses_one_person_for_two_roles():
    with pytest.raises(CommandError, match="不同的账号"):
        call_command("bootstrap_admins", "--sysadmin", "a:甲", "--secadmin", "a:甲", "--auditor", "b:乙")
    assert not User.objects.exists()
    call_command("bootstrap_admins", *ARGS, stdout=StringIO())
    with pytest.raises(CommandError, match="已有在用的系统管理员"):
        call_command("bootstrap_admins", *ARGS, stdout=StringIO())
