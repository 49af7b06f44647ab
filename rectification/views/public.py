"""Public views (to be written)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("rectification/publications/", _placeholder, name="publications"),
    path("zhenggai/", _placeholder, name="public_rectifications"),
]
