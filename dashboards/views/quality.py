"""Quality evaluation views (to be written)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("dashboard/quality/", _placeholder, name="quality"),
]
