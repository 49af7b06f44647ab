"""The project's URLs with OIDC switched on (xuncha.urls adds these only when OIDC_RP_CLIENT_ID is set)."""

from django.urls import include, path

from xuncha.urls import urlpatterns as project

urlpatterns = [*project, path("oidc/", include("mozilla_django_oidc.urls"))]
