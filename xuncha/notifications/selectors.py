"""Reads of the inbox: a user's own messages only."""

from django.db.models import QuerySet

from .forms import InboxFilter
from .models import Notification


def inbox_for(user, params) -> tuple[InboxFilter, QuerySet]:
    """The user's messages filtered by the inbox's filter bar, newest first."""
    filterset = InboxFilter(params, queryset=Notification.objects.filter(recipient=user))
    return filterset, filterset.qs.order_by("-created_at", "-id")


def own_notification(user, pk) -> Notification:
    return Notification.objects.get(pk=pk, recipient=user)
