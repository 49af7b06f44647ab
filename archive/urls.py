from django.urls import path

from .views import imports

app_name = "archive"

urlpatterns = [
    path("archive/", imports.import_page, name="import"),
    path("archive/template/", imports.template, name="template"),
    path("archive/<int:pk>/", imports.detail, name="detail"),
    path("archive/<int:pk>/confirm/", imports.confirm, name="confirm"),
    path("archive/<int:pk>/file/", imports.stored_file, name="file"),
    path("rounds/<int:pk>/export-archive/", imports.round_export, name="round_export"),
]
