"""Plan views (to be written)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("rectification/<int:pk>/plan/", _placeholder, name="plan"),
]
