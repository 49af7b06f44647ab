"""Lookback views (to be written)."""

from django.http import HttpResponse


def _placeholder(request, *args, **kwargs):
    return HttpResponse("")


urlpatterns = [
]
