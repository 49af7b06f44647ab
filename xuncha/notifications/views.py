from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Notification


@login_required
def inbox(request):
    filterset, qs = selectors.inbox_for(request.user, request.GET)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "filter": filterset,
            "filtered": any(request.GET.get(k) for k in ("q", "show")),
            "nav_active": "inbox",
        },
    )


@login_required
def open_notification(request, pk):
    """Mark a message read and follow its link (only links inside the site)."""
    try:
        n = selectors.own_notification(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    if n.link and url_has_allowed_host_and_scheme(n.link, allowed_hosts={request.get_host()}):
        return redirect(n.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_read(user=request.user)
    return redirect("notifications:inbox")
