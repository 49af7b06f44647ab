"""Celery's autodiscovery (and `xuncha.core.document_kinds.known`) import this module in every worker and
web process: it registers the dashboards' document kinds with `xuncha.core.documents`.

`dashboards_warm` keeps the leadership's dashboards computed in the background."""

from celery import shared_task

from dashboards.documents import exports  # noqa: F401  registers the round's dashboard PDF (round_dashboard_pdf)
from dashboards.documents import thematic as docx_thematic  # noqa: F401  registers the 专题报告 (thematic_report)
from dashboards.selectors.dashboard_page import dashboard_page, default_term
from dashboards.selectors.figures import Scope
from rounds.models import RoundStatus
from xuncha.core import aggregates


@shared_task
def dashboards_warm() -> int:
    """Render the current term's county dashboard and the dashboards of its rounds still under way
    again, so that the first leader to open one after a write (or after an entry expired) does not
    wait for the sums over every ledger. Only where the cache is shared with the web processes
    (CACHE_REDIS_URL): a worker's own in-process cache would help nobody. Returns the pages rendered."""
    if not aggregates.cache_is_shared():
        return 0
    term = default_term()
    if term is None:
        return 0
    scopes = [Scope(term)] + [
        Scope(term, r) for r in term.rounds.select_related("term").exclude(status=RoundStatus.DONE).order_by("number")
    ]
    for scope in scopes:
        dashboard_page(scope, refresh=True)
    return len(scopes)
