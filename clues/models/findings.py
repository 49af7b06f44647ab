"""Working papers (问题底稿) and the issue ledger (问题台账), classified by the taxonomy."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel


class Category(VersionedModel):
    """A node of the issue taxonomy ("三个聚焦" of seed 002, or seed 003's four areas): data, editable."""

    scheme = models.CharField("分类体系", max_length=50, default="三个聚焦")
    parent = models.ForeignKey(
        "self", verbose_name="上级类别", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField("类别名称", max_length=200)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["scheme", "parent__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "parent", "name"], name="category_name_unique_in_parent")
        ]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Severity(models.TextChoices):
    GENERAL = "general", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class FindingStatus(models.TextChoices):
    DRAFT = "draft", "起草中"
    SUBMITTED = "submitted", "待副组长审核"
    DEPUTY_APPROVED = "deputy_approved", "待组长审批"
    LEADER_APPROVED = "leader_approved", "待巡察办审核"
    APPROVED = "approved", "已审定"
    RETURNED = "returned", "已退回"


class Finding(VersionedModel):
    """A problem found, backed by its working paper; locked once the office has approved it."""

    assignment = models.ForeignKey(
        "rounds.Assignment", verbose_name="巡察任务", on_delete=models.PROTECT, related_name="findings"
    )
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("rounds.Unit", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    category = models.ForeignKey(Category, verbose_name="问题类别", on_delete=models.PROTECT, related_name="findings")
    title = models.CharField("问题标题", max_length=200)
    manifestation = models.TextField("问题表现")
    basis = models.TextField("定性依据")
    responsible_persons = models.CharField("责任人", max_length=300, blank=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    is_key = models.BooleanField("重点问题", default=False)
    fixed_on_site = models.BooleanField("立行立改", default=False)
    on_site_action = models.TextField("立行立改情况", blank=True)
    leads = models.ManyToManyField("clues.Lead", verbose_name="关联线索", blank=True, related_name="findings")
    status = models.CharField(
        "状态", max_length=20, choices=FindingStatus.choices, default=FindingStatus.DRAFT, db_index=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撰写人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)

    objects = RestrictedManager()
    history = HistoricalRecords(m2m_fields=[leads])

    class Meta:
        verbose_name = "问题底稿"
        verbose_name_plural = "问题台账"
        ordering = ["round", "team__number", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["team", "year", "serial"], name="finding_serial_unique_in_team_year")
        ]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["unit", "category"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """〔2026〕6巡1组第03号: year, round, team, serial."""
        return f"〔{self.year}〕{self.round.number}巡{self.team.number}组第{self.serial:02d}号"

    @property
    def is_locked(self) -> bool:
        return self.status == FindingStatus.APPROVED


class FindingEvidence(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("证据材料", upload_to="evidence/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    description = models.CharField("说明", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "证据材料"
        verbose_name_plural = "证据材料"

    def __str__(self):
        return self.name


class FindingReview(models.Model):
    """One step of the review chain: submitted, approved or returned (with the reason), reopened, or
    skipped (by the system, with the reason: no 副组长 on the team, or the step's reviewer wrote it)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        APPROVE = "approve", "通过"
        RETURN = "return", "退回"
        REOPEN = "reopen", "重新打开"
        SKIP = "skip", "跳过"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=FindingStatus.choices)
    to_status = models.CharField(max_length=20, choices=FindingStatus.choices)
    reason = models.TextField("意见或理由", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "底稿审核记录"
        verbose_name_plural = "底稿审核记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


def area_of(category_id: int, categories: dict) -> "Category":
    """The taxonomy area (领域) a category is filed under, itself if it is an area. The taxonomy has two
    levels (`category_save` refuses a third), so this is its parent or itself. `categories` holds every
    category by id (`Category.objects.in_bulk()`), so no query is made."""
    category = categories[category_id]
    return categories.get(category.parent_id, category) if category.parent_id else category
