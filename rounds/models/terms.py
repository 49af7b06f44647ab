"""Terms of the county committee (届)."""

from django.db import models
from simple_history.models import HistoricalRecords

from xuncha.core.concurrency import VersionedModel


class Term(VersionedModel):
    """A term of the county committee (届): every unit is to be inspected once within it (全覆盖)."""

    name = models.CharField("届次", max_length=50, unique=True, help_text="例如：第十五届县委")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    is_current = models.BooleanField("本届", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "届"
        verbose_name_plural = "届"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")), name="term_ends_after_start"),
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="one_current_term"),
        ]

    def __str__(self):
        return self.name
