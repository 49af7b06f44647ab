"""Celery's autodiscovery (and `xuncha.core.documents._discover`) import this module in every worker and
web process: it registers the dashboards' document kinds with `xuncha.core.documents`."""

from . import docx_thematic  # noqa: F401  registers the 专题报告 (thematic_report)
