"""The public announcement pages (巡察公告): no login, published announcements only, nothing internal."""

from django.core.paginator import Paginator
from django.shortcuts import render

from rounds.forms.rounds import PublicFilter
from rounds.selectors import rounds as selectors

PAGE_SIZE = 15


def public_announcements(request):
    announcements = PublicFilter(request.GET or None, queryset=selectors.published_announcements(), request=request)
    page = Paginator(announcements.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for announcement in page.object_list:
        announcement.title = selectors.announcement_title(announcement)
        announcement.kind_label = selectors.inspection_label(announcement.assignment)
    return render(
        request, "rounds/public_announcements.html", {"filter": announcements, "filtered": announcements.filtered, "page_obj": page, "nav_active": "public"}
    )


def public_announcement_detail(request, pk):
    announcement = selectors.published_announcement_get(pk)
    return render(
        request,
        "rounds/public_announcement_detail.html",
        {
            "announcement": announcement,
            "doc": selectors.announcement_text(announcement),
            "nav_active": "public",
        },
    )
