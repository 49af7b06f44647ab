"""Reads of 双公开: a rectification's publications (drafts only for the office and the leadership), the
party-wide list of what is published and the public pages' list (社会公开 only)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from ..models import Publication, PublicationScope, PublicationStatus


def rect_publications(rect, *, drafts: bool) -> list[Publication]:
    publications = rect.publications.select_related("created_by", "published_by").order_by("-created_at", "-pk")
    if not drafts:
        publications = publications.exclude(status=PublicationStatus.DRAFT)
    return list(publications)


def publication_get(rect, pk) -> Publication:
    return get_object_or_404(Publication, rectification=rect, pk=pk)


def published():
    return (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED)
        .select_related("rectification__unit", "rectification__round__term")
        .order_by("-published_at", "-pk")
    )


def public():
    """社会公开: what anyone may read without logging in."""
    return published().filter(scope=PublicationScope.PUBLIC)


def search(publications, q: str):
    if not q:
        return publications
    return publications.filter(
        Q(title__icontains=q) | Q(text__icontains=q) | Q(rectification__unit__name__icontains=q)
    )


def publication_list(filters: dict):
    """党内公开: what the office published, in both scopes."""
    rows = search(published(), filters.get("q", ""))
    if scope := filters.get("scope"):
        rows = rows.filter(scope=scope)
    return rows


def public_list(filters: dict):
    return search(public(), filters.get("q", ""))


def public_get(pk) -> Publication:
    return get_object_or_404(public(), pk=pk)
