"""双报告: the half-monthly and final reports, their versions, entries, evidence, supervision comments,
and the two rectification meetings."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager, RestrictedQuerySet
from xuncha.core.concurrency import VersionedModel

from .deadlines import deadline_state
from .feedback import Rectification
from .plan import Measure


class ReportKind(models.TextChoices):
    HALF_MONTHLY = "half_monthly", "半月进展报告"
    FINAL = "final", "整改情况报告"


class ReportQuerySet(RestrictedQuerySet):
    def outstanding(self):
        """The reports the unit still owes: not submitted, and not waived by the office (免报)."""
        return self.filter(OUTSTANDING)


# The condition of `ReportQuerySet.outstanding`, for aggregates and prefetches across a relation.
OUTSTANDING = Q(submitted_at__isnull=True, waived_at__isnull=True)


class Report(models.Model):
    """A report the unit owes on a due date: every half month (the 15th and the month's last day) from the
    feedback meeting to the deadline, and the final report at the deadline. Its content is in versions."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("类型", max_length=14, choices=ReportKind.choices)
    period = models.PositiveSmallIntegerField("期数", help_text="半月报告的第几期；整改情况报告为 0")
    due_date = models.DateField("报送截止", db_index=True)
    submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True, db_index=True)
    # 免报: the office may waive a missed half-monthly report, with the reason (the final report is held
    # back while one is missing and not waived).
    waived_at = models.DateTimeField("免报时间", null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="免报审批人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waive_reason = models.CharField("免报理由", max_length=200, blank=True)

    objects = models.Manager.from_queryset(ReportQuerySet)()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改报告"
        verbose_name_plural = "整改报告"
        ordering = ["rectification", "due_date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["rectification", "kind", "due_date"], name="report_once_per_due_date")
        ]

    def __str__(self):
        if self.kind == ReportKind.FINAL:
            return "整改情况报告"
        return f"第{self.period}期半月进展报告"

    def due_state(self, today: date | None = None) -> str:
        return "" if self.submitted_at or self.waived_at else deadline_state(self.due_date, today)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送待签字"
    SIGNED = "signed", "已签字背书"


class ReportVersion(VersionedModel):
    """One version of a report. Editable while a draft; frozen once submitted; sealed once signed
    (签字背书: its SHA-256 over the canonical content, the signer and the time). A correction is a new
    version; all versions stay visible."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("版本")
    status = models.CharField(
        "状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT, db_index=True
    )
    summary = models.TextField("整改工作情况", blank=True)
    principal_report = models.TextField("主要负责人组织落实情况", blank=True)
    correction_note = models.CharField("更正说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签字人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField("签字人姓名", max_length=50, blank=True)
    signed_at = models.DateTimeField("签字时间", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    # 国密: the SM3 of the same canonical content (versions signed before it existed gain one by backfill).
    sm3 = models.CharField("SM3", max_length=64, blank=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = "报告版本"
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="version_number_unique")]

    def __str__(self):
        return f"{self.report}（第{self.number}版）"

    @property
    def editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class ProgressLevel(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    ONGOING = "ongoing", "推进中"
    DONE = "done", "已完成"


class ReportEntry(models.Model):
    """A report version's word on one measure: how far it got, what was done."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="entries")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="entries")
    progress = models.CharField(
        "进展", max_length=12, choices=ProgressLevel.choices, default=ProgressLevel.ONGOING
    )
    narrative = models.TextField("进展情况", blank=True)
    # The measure as it stood when the version was submitted: what the signature covers, even if the
    # plan is changed (and renumbered) later.
    measure_number = models.CharField("措施序号（报送时）", max_length=12, blank=True)
    measure_text = models.TextField("整改措施（报送时）", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "措施进展"
        verbose_name_plural = "措施进展"
        ordering = ["measure__problem__seq", "measure__seq"]
        constraints = [models.UniqueConstraint(fields=["version", "measure"], name="entry_once_per_measure")]

    def __str__(self):
        return f"{self.version} · {self.measure_id}"


class ReportEvidence(models.Model):
    """An evidence file for one measure's progress in one version (frozen with the version)."""

    entry = models.ForeignKey(ReportEntry, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("佐证材料", upload_to="rectification/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class ReportComment(models.Model):
    """日常监督: the discipline commission, the organization department or the office comment on a report."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_org = models.CharField("单位", max_length=20)
    body = models.TextField("监督意见")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "监督意见"
        verbose_name_plural = "监督意见"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.author_org}：{self.body[:20]}"


class MeetingKind(models.TextChoices):
    HEARING = "hearing", "集中整改第二个月月末听取整改进展"
    DEMOCRATIC_LIFE = "democratic_life", "整改专题民主生活会"


class RectMeeting(models.Model):
    """The hearing at the end of the second month, and the special democratic life meeting."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField("会议", max_length=20, choices=MeetingKind.choices)
    date = models.DateField("日期")
    participants = models.TextField("参加人员")
    minutes = models.TextField("会议纪要")
    date_note = models.CharField("日期说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "整改会议"
        verbose_name_plural = "整改会议"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.date}）"
