"""Intake (受理): petitions and leads, their attachments, and the log of every identity reveal."""

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel
from xuncha.core.crypto import EncryptedTextField


class Channel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    ONLINE = "online", "网络/邮箱"
    INTERVIEW = "interview", "个别谈话"
    DOCUMENTS = "documents", "查阅资料"
    FIELD = "field", "实地走访"
    HANDOVER = "handover", "部门移送"


class PartnerDepartment(models.TextChoices):
    """Partner departments that hand a team what they know of a unit before stationing (情况通报)."""

    JIWEI = "jiwei", "纪委监委"
    ZUZHIBU = "zuzhibu", "组织部"
    XINFANG = "xinfang", "信访局"
    AUDIT = "audit", "审计局"
    PROCURATORATE = "procuratorate", "检察院"
    POLICE = "police", "公安局"


class ScopeStatus(models.TextChoices):
    PENDING = "pending", "待甄别"
    IN_SCOPE = "in_scope", "属巡察受理范围"
    OUT_OF_SCOPE = "out_of_scope", "不属巡察受理范围"


class OutOfScope(models.TextChoices):
    PERSONAL = "personal", "个人诉求"
    LAND = "land", "征地拆迁"
    LITIGATION = "litigation", "涉法涉诉"
    OTHER = "other", "其他"


class Disposition(models.TextChoices):
    TO_JIWEI = "to_jiwei", "移交纪委监委"
    TO_ZUZHIBU = "to_zuzhibu", "移交组织部"
    TO_OTHER = "to_other", "移交其他部门"
    VERIFY = "verify", "巡察组核实"
    HOLD = "hold", "暂存待查"
    CLOSE = "close", "了结"


TRANSFER_DISPOSITIONS = (Disposition.TO_JIWEI, Disposition.TO_ZUZHIBU, Disposition.TO_OTHER)


class LeadStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    TRIAGED = "triaged", "已甄别"
    HANDED_OVER = "handed_over", "已归口移送"
    PROPOSED = "proposed", "已提出处置意见"
    CONFIRMED = "confirmed", "处置已确认"
    TRANSFERRED = "transferred", "已移交"
    CLOSED = "closed", "已办结"


class PublicStatus(models.TextChoices):
    """What a public reporter may learn with his receipt code, and nothing more."""

    RECEIVED = "received", "已受理"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"


class Lead(VersionedModel):
    """A petition or a lead about an inspected unit (信访件、问题线索), recorded on an assignment."""

    assignment = models.ForeignKey(
        "rounds.Assignment", verbose_name="巡察任务", on_delete=models.PROTECT, related_name="leads"
    )
    # Denormalised from the assignment for the ledger's filters and the duplicate check.
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("rounds.Unit", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    serial = models.PositiveIntegerField("登记号")
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    partner_department = models.CharField(
        "移送部门", max_length=20, choices=PartnerDepartment.choices, blank=True
    )
    received_on = models.DateField("收到日期")
    subject_name = models.CharField("被反映人", max_length=50, blank=True)
    subject_post = models.CharField("被反映人职务", max_length=100, blank=True)
    subject_rank = models.CharField("被反映人职级", max_length=50, blank=True)
    subject_is_principal = models.BooleanField("主要负责人", default=False)
    subject_is_leadership = models.BooleanField("班子成员", default=False)
    summary = models.CharField("摘要", max_length=200)
    content = models.TextField("反映内容")
    # The reporter (举报人): named or anonymous; identity encrypted at rest, revealed only by a logged action.
    reporter_named = models.BooleanField("实名", default=False)
    reporter_name = EncryptedTextField("举报人姓名", blank=True)
    reporter_phone = EncryptedTextField("举报人电话", blank=True)
    reporter_id_number = EncryptedTextField("举报人身份证号", blank=True)
    reporter_work_unit = EncryptedTextField("举报人工作单位", blank=True)
    # Public reporting (开门巡察): only a hash of the receipt code is kept.
    is_public_report = models.BooleanField("网上举报", default=False)
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    public_reply = models.TextField("答复举报人", blank=True, help_text="举报人凭查询码可见")
    # Scope triage (受理范围).
    scope = models.CharField("受理范围", max_length=20, choices=ScopeStatus.choices, default=ScopeStatus.PENDING)
    out_of_scope_category = models.CharField("不属受理范围类别", max_length=20, choices=OutOfScope.choices, blank=True)
    handed_to = models.ForeignKey(
        "rounds.Unit",
        verbose_name="归口办理部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handed_leads",
    )
    explanation = models.TextField("向反映人所作解释", blank=True)
    handling_outcome = models.TextField("归口部门办理结果", blank=True)
    # What an online reporter reads of the department's result: the team's wording, approved by it.
    public_outcome = models.TextField("向举报人公开的办理结果", blank=True)
    public_outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审定人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public_outcome_at = models.DateTimeField("审定时间", null=True, blank=True)
    # Disposition (线索处置): the team leader proposes, the office confirms.
    proposed_disposition = models.CharField("拟处置方式", max_length=20, choices=Disposition.choices, blank=True)
    proposed_reason = models.TextField("处置理由", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disposition = models.CharField("处置方式", max_length=20, choices=Disposition.choices, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=LeadStatus.choices, default=LeadStatus.REGISTERED, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = RestrictedManager()
    history = HistoricalRecords(
        excluded_fields=["reporter_name", "reporter_phone", "reporter_id_number", "reporter_work_unit", "receipt_hash"]
    )

    class Meta:
        verbose_name = "问题线索"
        verbose_name_plural = "问题线索"
        ordering = ["-received_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["team", "serial"], name="lead_serial_unique_in_team")]
        indexes = [
            models.Index(fields=["round", "unit", "subject_name"]),
            models.Index(fields=["round", "status"]),
            # The lists' order: the first page is read off this index instead of sorting every lead.
            models.Index(fields=["-received_on", "-id"], name="lead_list_order"),
        ]

    def __str__(self):
        return f"{self.number} {self.summary}"

    @property
    def number(self) -> str:
        return f"{self.team.round.short_name}{self.team.name}线索第{self.serial:03d}号"

    @property
    def public_status(self) -> str:
        if self.status == LeadStatus.CLOSED:
            return PublicStatus.DONE
        if self.status == LeadStatus.REGISTERED:
            return PublicStatus.RECEIVED
        return PublicStatus.IN_PROGRESS


class LeadUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)


class LeadGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE)


class LeadAttachment(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="leads/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "线索附件"
        verbose_name_plural = "线索附件"

    def __str__(self):
        return self.name


class RevealAction(models.TextChoices):
    REVEAL = "reveal", "查看"
    CHANGE = "change", "修改"


class RevealLog(models.Model):
    """Every time somebody saw or changed a reporter's identity: who, when, which lead, why."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField("操作", max_length=10, choices=RevealAction.choices, default=RevealAction.REVEAL)
    reason = models.CharField("事由", max_length=200)
    changed = models.CharField("修改的项目", max_length=100, blank=True)

    class Meta:
        verbose_name = "举报人信息查看记录"
        verbose_name_plural = "举报人信息查看记录"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"
