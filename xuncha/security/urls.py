from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
]
