"""Feedback views (to be written)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, *args, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("rectification/", _placeholder, name="rect_list"),
    path("rectification/<int:pk>/", _placeholder, name="rect_detail"),
]
