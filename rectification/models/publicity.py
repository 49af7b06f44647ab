"""双公开: what the office publishes of a rectification."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel

from .feedback import Rectification


class PublicationScope(models.TextChoices):
    PARTY = "party", "党内公开"
    PUBLIC = "public", "社会公开"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "待审核"
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤回"


class Publication(VersionedModel):
    """双公开: the rectification's status as published inside the party and to society (no personal data)."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="publications")
    scope = models.CharField("公开范围", max_length=10, choices=PublicationScope.choices)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("公开内容")
    status = models.CharField(
        "状态", max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=200, blank=True)
    # What the personal-data check found when the office published anyway, and why (blank: nothing found).
    personal_data_found = models.CharField("个人信息检查发现", max_length=500, blank=True)
    personal_data_override = models.CharField("个人信息检查放行理由", max_length=200, blank=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改公开"
        verbose_name_plural = "整改公开"
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title
