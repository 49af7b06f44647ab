"""问责 for 整改不力, 敷衍整改 or 虚假整改."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel

from .feedback import Rectification


class AccountabilityReason(models.TextChoices):
    INEFFECTIVE = "ineffective", "整改不力"
    PERFUNCTORY = "perfunctory", "敷衍整改"
    FALSE = "false", "虚假整改"


class Accountability(VersionedModel):
    """问责 for 整改不力, 敷衍整改 or 虚假整改: against the unit or a person, with the measure taken."""

    class Target(models.TextChoices):
        UNIT = "unit", "单位"
        PERSON = "person", "个人"

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="accountabilities")
    target = models.CharField("问责对象类型", max_length=10, choices=Target.choices)
    target_name = models.CharField("问责对象", max_length=100)
    target_post = models.CharField("职务", max_length=100, blank=True)
    reason = models.CharField("问责情形", max_length=12, choices=AccountabilityReason.choices)
    facts = models.TextField("主要事实")
    action = models.CharField("问责方式", max_length=100, help_text="例如：诫勉谈话、通报批评、党纪处分")
    decided_on = models.DateField("问责日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改问责"
        verbose_name_plural = "整改问责"
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.target_name}（{self.get_reason_display()}）"
