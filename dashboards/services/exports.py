"""The round's dashboard PDF, asked for here and rendered in Celery (`xuncha.core.documents`) by
`dashboards.documents.exports`: it takes seconds, so the page does not wait for it."""

from django.utils import timezone

from dashboards.documents.exports import KIND_ROUND_PDF, round_pdf_title
from rounds.models import Round
from xuncha import access
from xuncha.core import documents
from xuncha.core.models import GeneratedDocument


def round_pdf_request(*, round: Round, by) -> GeneratedDocument:
    """Whoever sees every team's figures asks for the round's dashboard as a PDF."""
    access.require(by, "dashboards.all_teams", message="只有巡察办和县委领导可以生成本轮领导驾驶舱PDF")
    return documents.document_request(
        subject=round, kind=KIND_ROUND_PDF, title=round_pdf_title(round, timezone.localdate()), by=by
    )
