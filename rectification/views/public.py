"""双公开 as read: 党内公开 (every published publication, for any logged-in county user) and 社会公开 (the
public pages, no login, published 社会公开 publications only — no personal data, nothing internal)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from rectification.forms.closing import PublicationFilterForm, PublicFilterForm

from ..models import Publication, PublicationScope, PublicationStatus

PAGE_SIZE = 15


def _published():
    return (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED)
        .select_related("rectification__unit", "rectification__round__term")
        .order_by("-published_at", "-pk")
    )


def _search(publications, q: str):
    if not q:
        return publications
    return publications.filter(
        Q(title__icontains=q) | Q(text__icontains=q) | Q(rectification__unit__name__icontains=q)
    )


@login_required
def publications(request):
    """党内公开: what the office published, in both scopes."""
    form = PublicationFilterForm(request.GET or None)
    filters = form.filters()
    rows = _search(_published(), filters.get("q", ""))
    if scope := filters.get("scope"):
        rows = rows.filter(scope=scope)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rectification/publication_list.html",
        {"form": form, "page_obj": page, "filtered": bool(filters), "nav_active": "publications"},
    )


def _public():
    return _published().filter(scope=PublicationScope.PUBLIC)


def public_rectifications(request):
    """社会公开 (no login): the published public texts, newest first."""
    form = PublicFilterForm(request.GET or None)
    rows = _search(_public(), form.filters().get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rectification/public_list.html", {"form": form, "page_obj": page})


def public_rectification(request, pub_pk):
    publication = get_object_or_404(_public(), pk=pub_pk)
    paragraphs = [p.strip() for p in publication.text.splitlines() if p.strip()]
    return render(
        request, "rectification/public_detail.html", {"publication": publication, "paragraphs": paragraphs}
    )
