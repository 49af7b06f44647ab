"""What login security keeps besides the user row: the hashes of former passwords and the open sessions."""

from django.conf import settings
from django.db import models


class PasswordHistory(models.Model):
    """A password a user had (its hash only), so that none of the last few is chosen again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="password_history",
        verbose_name="用户",
    )
    password = models.CharField("密码摘要", max_length=128)
    changed_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.changed_at:%Y-%m-%d}"


class UserSession(models.Model):
    """One logged-in session (a browser), keyed by Django's session key: what 我的会话 lists and ends.

    Made on login, its `last_activity` kept by the middleware (at most once a minute), removed on logout
    or when the session is ended."""

    session_key = models.CharField("会话标识", max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions", verbose_name="用户"
    )
    login_at = models.DateTimeField("登录时间")
    last_activity = models.DateTimeField("最近活动")
    ip = models.GenericIPAddressField("地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        ordering = ["-login_at"]

    def __str__(self):
        return f"{self.user} {self.login_at:%Y-%m-%d %H:%M}"
