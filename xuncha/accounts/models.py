from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who logs in. Chinese names are kept whole in `name`, not split in first/last."""

    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号码", max_length=30, blank=True)
    organization = models.CharField("工作单位", max_length=100, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    # Login security (see xuncha.accounts and the README's 上线检查).
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="新开通或被重置密码的账号，登录后须先修改密码"
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    last_login_ip = models.GenericIPAddressField("上次登录地址", null=True, blank=True)

    # Who changed what of an account (the account pages show it). The password hash is never copied
    # into the history, and a save that only notes a login is not a change (see `apps.py`).
    history = HistoricalRecords(excluded_fields=["password", "last_login", "last_login_ip"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username
