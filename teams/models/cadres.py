"""The cadre pool (巡察干部库): cadres who can be seconded to an inspection team."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel


class Cadre(VersionedModel):
    """A cadre who can be seconded to an inspection team."""

    class Gender(models.TextChoices):
        MALE = "男", "男"
        FEMALE = "女", "女"

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices, blank=True)
    home_unit = models.ForeignKey(
        "rounds.Unit", verbose_name="所在单位", on_delete=models.PROTECT, related_name="cadres"
    )
    post = models.CharField("职务", max_length=100, blank=True)
    specialty = models.CharField("专长", max_length=100, blank=True, help_text="例如：财务审计、纪检监察、组织人事")
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_available = models.BooleanField("可抽调", default=True, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    note = models.CharField("备注", max_length=200, blank=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察干部"
        verbose_name_plural = "巡察干部库"
        ordering = ["home_unit__name", "name"]

    def __str__(self):
        return f"{self.name}（{self.home_unit.name}）"
