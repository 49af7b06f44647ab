"""Reads of 双公开: a rectification's publications (drafts only for the office and the leadership), the
party-wide list of what is published and the public pages' list (社会公开 only)."""

from django.shortcuts import get_object_or_404

from xuncha import access

from ..models import Publication, PublicationScope, PublicationStatus


def rect_publications(rect, *, drafts: bool) -> list[Publication]:
    publications = rect.publications.select_related("created_by", "published_by").order_by("-created_at", "-pk")
    if not drafts:
        publications = publications.exclude(status=PublicationStatus.DRAFT)
    return list(publications)


def publication_get(user, rect, pk) -> Publication:
    return access.get_visible(user, Publication.objects.filter(rectification=rect), pk=pk)


def published():
    return (
        Publication.objects.filter(status=PublicationStatus.PUBLISHED)
        .select_related("rectification__unit", "rectification__round__term")
        .order_by("-published_at", "-pk")
    )


def public():
    """社会公开: what anyone may read without logging in."""
    return published().filter(scope=PublicationScope.PUBLIC)


def publication_list(filters):
    """党内公开: what the office published, in both scopes, narrowed by the list's `PublicationFilter`."""
    return filters.narrow(published())


def public_list(filters):
    return filters.narrow(public())


def public_get(pk) -> Publication:
    return get_object_or_404(public(), pk=pk)
