"""双公开 as read: 党内公开 (every published publication, for any logged-in county user) and 社会公开 (the
public pages, no login, published 社会公开 publications only — no personal data, nothing internal)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from rectification.forms.closing import PublicationFilter, PublicFilter

from ..selectors import publicity as selectors

PAGE_SIZE = 15


@login_required
def publications(request):
    """党内公开: what the office published, in both scopes."""
    filters = PublicationFilter(request.GET)
    page = Paginator(selectors.publication_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rectification/publication_list.html",
        {"filter": filters, "page_obj": page, "filtered": bool(filters.chosen()), "nav_active": "publications"},
    )


def public_rectifications(request):
    """社会公开 (no login): the published public texts, newest first."""
    filters = PublicFilter(request.GET)
    page = Paginator(selectors.public_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rectification/public_list.html", {"filter": filters, "page_obj": page})


def public_rectification(request, pub_pk):
    publication = selectors.public_get(pub_pk)
    paragraphs = [p.strip() for p in publication.text.splitlines() if p.strip()]
    return render(
        request, "rectification/public_detail.html", {"publication": publication, "paragraphs": paragraphs}
    )
