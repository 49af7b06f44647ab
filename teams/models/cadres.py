"""The cadre pool (巡察干部库): cadres who can be seconded to an inspection team."""

import re

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel


class Specialty(models.TextChoices):
    """The fixed list of specialties (专长) the office sorts its pool by; a cadre has any number of them."""

    FINANCE = "财务", "财务"
    AUDIT = "审计", "审计"
    DISCIPLINE = "纪检", "纪检"
    ORGANIZATION = "组织", "组织"
    LAW = "法律", "法律"
    ENGINEERING = "工程", "工程"
    IT = "信息化", "信息化"
    OTHER = "其他", "其他"


SPECIALTY_SEPARATOR = "、"

# Longer words an office writes for a specialty of the list: 纪检监察 → 纪检, 组织人事 → 组织.
SPECIALTY_WORDS = {
    Specialty.FINANCE: ("财务", "会计"),
    Specialty.AUDIT: ("审计",),
    Specialty.DISCIPLINE: ("纪检", "监察"),
    Specialty.ORGANIZATION: ("组织", "人事"),
    Specialty.LAW: ("法律", "法务"),
    Specialty.ENGINEERING: ("工程",),
    Specialty.IT: ("信息",),
    Specialty.OTHER: ("其他", "其它"),
}
_SPLIT = re.compile(r"[、，,；;/／\s]+")


def parse_specialties(text: str) -> tuple[list[str], list[str]]:
    """The specialties of a text such as “纪检、法律” or “财务审计”, in the list's order, and the words
    that name none of them."""
    found: set[str] = set()
    unknown: list[str] = []
    for word in filter(None, _SPLIT.split(text or "")):
        codes = {code for code, words in SPECIALTY_WORDS.items() if any(w in word for w in words)}
        if codes:
            found |= codes
        else:
            unknown.append(word)
    return [s for s in Specialty.values if s in found], unknown


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
    birth_month = models.DateField("出生年月", null=True, blank=True, help_text="按月记录，日固定为1日")
    specialties = models.CharField(
        "专长",
        max_length=100,
        blank=True,
        help_text="从固定列表中选择，可多选；以“、”分隔保存，按列表顺序",
    )
    specialty = models.CharField("专长说明", max_length=100, blank=True, help_text="例如：财务审计、纪检监察、组织人事")
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
    past_teams_note = models.TextField(
        "参加过的巡察组（登记）",
        blank=True,
        help_text="导入或登记的、在本系统之外参加过的巡察组，例如：2022年第二轮第三巡察组（县财政局）",
    )

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "巡察干部"
        verbose_name_plural = "巡察干部库"
        ordering = ["home_unit__name", "name"]

    def __str__(self):
        return f"{self.name}（{self.home_unit.name}）"

    @property
    def specialty_list(self) -> list[str]:
        return [s for s in self.specialties.split(SPECIALTY_SEPARATOR) if s]

    @specialty_list.setter
    def specialty_list(self, values) -> None:
        chosen = set(values)
        self.specialties = SPECIALTY_SEPARATOR.join(s for s in Specialty.values if s in chosen)

    @property
    def birth_month_display(self) -> str:
        return f"{self.birth_month.year}年{self.birth_month.month}月" if self.birth_month else ""
