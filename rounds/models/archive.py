"""Archival rounds (历史录入): rounds held before the system was used, imported from the office's workbook.

An `ArchiveImport` is one uploaded workbook: the stored file, its SHA-256, who uploaded it and when, and
the summary of what it created or updated. A round imported from a workbook points at the import that
last wrote it (`Round.archive_import`); such a round is archival: it was created directly in its final
state (the lifecycle's guards describe work done in the system, which an archive cannot replay), and it
is read-only afterwards except by a new import of the same round (see `xuncha.access.archival_refusal`).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class ArchiveImportStatus(models.TextChoices):
    CHECKED = "checked", "已试导入，待确认"
    IMPORTED = "imported", "已导入"
    FAILED = "failed", "有错误，未导入"
    SUPERSEDED = "superseded", "已放弃"


class ArchiveImport(models.Model):
    """One uploaded workbook of past rounds (历史轮次录入), kept with its file whatever became of it."""

    file = models.FileField("Excel 文件", upload_to="archive/%Y/%m/")
    file_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("大小")
    status = models.CharField(
        "状态", max_length=12, choices=ArchiveImportStatus.choices, default=ArchiveImportStatus.CHECKED
    )
    # A one-time token: the confirmation form carries it, and the import spends it (a double click imports once).
    token = models.CharField(max_length=64, blank=True)
    summary = models.JSONField("导入结果", default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "历史轮次导入"
        verbose_name_plural = "历史轮次导入"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def importer_name(self) -> str:
        user = self.imported_by or self.uploaded_by
        if user is None:
            return "系统"
        return user.get_full_name() or user.username
