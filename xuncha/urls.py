from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboards.views import workbench
from xuncha.core.bulk import bulk_result
from xuncha.core.health import healthz
from xuncha.security.views import LoginView

urlpatterns = [
    path("", workbench.home, name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", include("xuncha.security.urls")),
    path("inbox/", include("xuncha.notifications.urls")),
    path("", include("rounds.urls")),
    path("", include("teams.urls")),
    path("people/", include("people.urls")),
    path("", include("clues.urls")),
    path("", include("rectification.urls")),
    path("", include("dashboards.urls")),
    path("", include("archive.urls")),
    path("documents/", include("xuncha.core.urls")),
    path("bulk/<str:token>/", bulk_result, name="bulk_result"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

# Error pages in Chinese, without debug detail (templates/400.html, 404.html, 500.html are Django's
# defaults; 403 shows the access layer's message).
handler403 = "xuncha.core.views.permission_denied"

if getattr(settings, "OIDC_ENABLED", False):
    # Single sign-on through the county's identity platform (off unless OIDC_RP_CLIENT_ID is set).
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
