"""Rendered documents (Word/PDF) shared by every app: a row first, then a Celery task fills it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "排队"
    RENDERING = "rendering", "生成中"
    DONE = "done", "完成"
    FAILED = "failed", "失败"


class GeneratedDocument(models.Model):
    """A document the system renders (移交函, 移交清单, 反馈意见, …).

    The row exists before the task runs, so a lost task or a broker outage delays a document and never
    loses it; a failed one keeps its error and can be retried. The SHA-256 is of the file's bytes.
    """

    kind = models.CharField("文书类型", max_length=40)
    title = models.CharField("标题", max_length=200)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    fmt = models.CharField("格式", max_length=10, default="docx")
    status = models.CharField(
        "状态", max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED, db_index=True
    )
    file = models.FileField("文件", upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    sm3 = models.CharField("SM3", max_length=64, blank=True)  # 国密 digest of the same bytes
    error = models.TextField("错误信息", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "生成文书"
        verbose_name_plural = "生成文书"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]

    def __str__(self):
        return self.title


class SubmissionToken(models.Model):
    """A create form's one-time token, claimed in the transaction that creates (xuncha.core.concurrency):
    the unique key makes a second submission of the same page wait for the first and find it done."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "表单提交令牌"
        verbose_name_plural = "表单提交令牌"

    def __str__(self):
        return self.token


class Heartbeat(models.Model):
    """When the Celery beat last sent its heartbeat task ("beat") and a worker last ran it ("worker"):
    `/healthz` reports either as failing when it is older than XUNCHA_HEARTBEAT_MAX_AGE."""

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "心跳"
        verbose_name_plural = "心跳"

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
