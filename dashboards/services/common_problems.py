"""The office's 专题报告 on common problems: asked for here, rendered in Celery (`xuncha.core.documents`)
by `dashboards.documents.thematic`."""

from dashboards.documents.thematic import KIND, document_title
from dashboards.selectors.common_problems import Scope, Threshold
from xuncha import access
from xuncha.core import documents
from xuncha.core.models import GeneratedDocument
from xuncha.errors import DomainError


def thematic_report_request(*, scope: Scope | None, threshold: Threshold, by) -> GeneratedDocument:
    """The office asks for the 专题报告 of a scope; it renders in Celery (see `xuncha.core.documents`)."""
    access.require(by, "dashboards.thematic_report", message="只有巡察办可以生成专题报告")
    if scope is None:
        raise DomainError("还没有届次，无法生成专题报告")
    return documents.document_request(
        subject=scope.subject, kind=KIND, title=document_title(scope, threshold), by=by
    )
