"""The unit registry: the units that can be inspected (被巡察单位), also the cadres' home units."""

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from xuncha.access.querysets import RestrictedManager
from xuncha.core.concurrency import VersionedModel


class UnitType(models.TextChoices):
    DEPARTMENT = "department", "县直部门"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "村/社区"
    SOE = "soe", "国有企业"
    INSTITUTION = "institution", "事业单位"
    OTHER = "other", "其他"


class Unit(VersionedModel):
    """A unit that can be inspected (被巡察单位), and also the home unit of a cadre."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    unit_type = models.CharField("单位类型", max_length=20, choices=UnitType.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    principal_name = models.CharField("主要负责人", max_length=50, blank=True)
    principal_post = models.CharField("主要负责人职务", max_length=50, blank=True)
    principal_phone = models.CharField("主要负责人电话", max_length=30, blank=True)
    liaison_name = models.CharField("联络员", max_length=50, blank=True)
    liaison_phone = models.CharField("联络员电话", max_length=30, blank=True)
    office_phone = models.CharField("办公电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    principal_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="主要负责人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    liaison_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="联络员账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人账号",
        blank=True,
        related_name="staffed_units",
        help_text="接收移交线索、归口办理信访件的部门经办人（纪委监委、组织部、信访局等）",
    )
    is_active = models.BooleanField("在用", default=True, db_index=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "被巡察单位"
        verbose_name_plural = "被巡察单位"
        ordering = ["unit_type", "name"]

    def __str__(self):
        return self.name

    @property
    def own_users(self) -> list:
        """The unit's own accounts (principal, liaison) that are set: who hear of its rectification."""
        return [u for u in (self.principal_user, self.liaison_user) if u is not None]


class UnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)
