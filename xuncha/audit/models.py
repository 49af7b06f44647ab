"""The security audit log (安全审计日志): append-only, each entry chained to the one before by an HMAC.

An entry is never updated or deleted through the ORM; `xuncha.audit.chain.verify` recomputes the chain,
so an entry edited or removed in the database is detected (`manage.py audit_verify`).
"""

from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    LOCKOUT = "lockout", "账号锁定"
    UNLOCK = "unlock", "账号解锁"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    SESSION_END = "session_end", "结束会话"
    ACCOUNT_CREATE = "account_create", "开通账号"
    ACCOUNT_CHANGE = "account_change", "修改账号"
    ACCOUNT_DISABLE = "account_disable", "停用账号"
    ACCOUNT_ENABLE = "account_enable", "启用账号"
    ROLE_GRANT = "role_grant", "授予角色"
    ROLE_REVOKE = "role_revoke", "撤销角色"
    ROLE_TRANSFER = "role_transfer", "角色移交"
    IDENTITY_REVEAL = "identity_reveal", "查看举报人身份"
    IDENTITY_CHANGE = "identity_change", "修改举报人身份"
    EXPORT = "export", "导出数据"
    DOWNLOAD = "download", "下载文书"
    DENIED = "denied", "拒绝访问"
    CONFIG = "config", "配置变更"


class SecurityEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    kind = models.CharField("事件", max_length=30, choices=EventKind.choices, db_index=True)
    success = models.BooleanField("结果", default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as written at the time: the login name tried (also for unknown names) and the actor's name.
    username = models.CharField("登录名", max_length=150, blank=True, db_index=True)
    actor_name = models.CharField("操作人姓名", max_length=50, blank=True)
    ip = models.GenericIPAddressField("地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    target = models.CharField("对象", max_length=200, blank=True)
    detail = models.TextField("说明", blank=True)
    algorithm = models.CharField("校验算法", max_length=16)
    prev_mac = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "安全审计日志"
        verbose_name_plural = "安全审计日志"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("The security audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The security audit log is append-only.")


class ChainHead(models.Model):
    """One row: the MAC of the newest entry. Locked while an entry is appended, so the chain is a line."""

    mac = models.CharField(max_length=64, blank=True)
    count = models.BigIntegerField(default=0)
    # After a purge (manage.py audit_purge): the MAC of the last purged entry, which the oldest kept
    # entry chains to, and how many entries were purged in all. `count` counts the kept entries.
    anchor_mac = models.CharField(max_length=64, blank=True)
    purged = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.count} {self.mac[:12]}"
