"""Transfers of leads (统一移送) to a receiving department, and what became of each."""

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager


class TransferStatus(models.TextChoices):
    DRAFT = "draft", "待移交"
    SENT = "sent", "已移交"
    ACKNOWLEDGED = "acknowledged", "已签收"
    REPORTED = "reported", "已反馈结果"


class TransferBatch(models.Model):
    """A batch of leads sent together to one receiver (纪委监委, 组织部 or another department)."""

    receiver = models.ForeignKey(
        "rounds.Unit", verbose_name="接收单位", on_delete=models.PROTECT, related_name="received_batches"
    )
    round = models.ForeignKey("rounds.Round", verbose_name="轮次", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    note = models.TextField("移交说明", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=TransferStatus.choices, default=TransferStatus.DRAFT, db_index=True
    )
    deadline_days = models.PositiveSmallIntegerField("反馈时限（天）", default=30)
    deadline = models.DateField("反馈截止日期", null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField("移交时间", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="移交人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签收人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField("反馈时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "移交批次"
        verbose_name_plural = "移交批次"
        ordering = ["-year", "-serial"]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="batch_serial_unique_in_year")]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"县巡移〔{self.year}〕{self.serial}号"


class TransferBatchUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(TransferBatch, on_delete=models.CASCADE)


class TransferBatchGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(TransferBatch, on_delete=models.CASCADE)


class HandlingResult(models.TextChoices):
    PRELIMINARY = "preliminary", "初核"
    TALK = "talk", "谈话函询"
    CASE = "case", "立案"
    HOLD = "hold", "暂存"
    CLOSE = "close", "了结"


class TransferItem(models.Model):
    """One lead in a batch, with the receiver's handling result."""

    batch = models.ForeignKey(TransferBatch, on_delete=models.CASCADE, related_name="items")
    lead = models.OneToOneField("clues.Lead", verbose_name="问题线索", on_delete=models.PROTECT, related_name="transfer")
    result = models.CharField("办理结果", max_length=20, choices=HandlingResult.choices, blank=True)
    result_note = models.TextField("办理情况", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField("反馈时间", null=True, blank=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "移交线索"
        verbose_name_plural = "移交线索"
        ordering = ["batch", "id"]
        indexes = [models.Index(fields=["result"])]

    def __str__(self):
        return f"{self.batch} · {self.lead_id}"


class DisciplineForm(models.IntegerChoices):
    """四种形态 (seed 003)."""

    FIRST = 1, "第一种形态（批评教育、谈话提醒）"
    SECOND = 2, "第二种形态（轻处分、组织调整）"
    THIRD = 3, "第三种形态（重处分、重大职务调整）"
    FOURTH = 4, "第四种形态（立案审查、移送司法）"


class Sanction(models.TextChoices):
    PARTY = "party", "党纪处分"
    GOVERNMENT = "government", "政务处分"
    ORGANIZATIONAL = "organizational", "组织处理"
    ADMONISH = "admonish", "诫勉"
    TALK = "talk", "谈话提醒"
    CRITICISM = "criticism", "批评教育"
    JUDICIAL = "judicial", "移送司法机关"


class PersonDealt(models.Model):
    """A person dealt with as the result of a transferred lead."""

    item = models.ForeignKey(TransferItem, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=100, blank=True)
    form = models.PositiveSmallIntegerField("四种形态", choices=DisciplineForm.choices)
    sanction = models.CharField("处理方式", max_length=20, choices=Sanction.choices)
    detail = models.CharField("具体处理", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "处理人员"
        verbose_name_plural = "处理人员"

    def __str__(self):
        return f"{self.name}（{self.get_form_display()}）"
