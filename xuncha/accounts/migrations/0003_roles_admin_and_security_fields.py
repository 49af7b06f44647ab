from django.db import migrations, models

ADMIN_ROLE_NAMES = ["系统管理员", "安全保密管理员", "安全审计员"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ADMIN_ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]
    operations = [
        migrations.AddField(
            model_name="user",
            name="organization",
            field=models.CharField(blank=True, max_length=100, verbose_name="工作单位"),
        ),
        migrations.AddField(
            model_name="user",
            name="post",
            field=models.CharField(blank=True, max_length=100, verbose_name="职务"),
        ),
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(
                default=False,
                help_text="新开通或被重置密码的账号，登录后须先修改密码",
                verbose_name="下次登录须修改密码",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="密码修改时间"),
        ),
        migrations.AddField(
            model_name="user",
            name="last_login_ip",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="上次登录地址"),
        ),
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]
