from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """历史轮次录入: the term's past rounds imported from the office's workbook, and exported in its layout."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "历史轮次录入"
