"""The document pages every app shares (download, the htmx status badge, retry), mounted at `documents/`;
the views are in `xuncha.core.views`."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("<int:pk>/download/", views.document_download, name="document_download"),
    path("<int:pk>/status/", views.document_status, name="document_status"),
    path("<int:pk>/retry/", views.document_retry, name="document_retry"),
]
