"""The count of unread messages in the top bar, on every page of a logged-in user."""

from .models import Notification


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
