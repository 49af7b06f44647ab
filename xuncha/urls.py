from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboards.views import workbench

urlpatterns = [
    path("", workbench.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("inbox/", include("xuncha.notifications.urls")),
    path("", include("rounds.urls")),
    path("", include("teams.urls")),
    path("", include("clues.urls")),
    path("", include("rectification.urls")),
    path("", include("dashboards.urls")),
    path("documents/", include("xuncha.core.urls")),
    path("admin/", admin.site.urls),
]

# Error pages in Chinese, without debug detail (templates/400.html, 404.html, 500.html are Django's
# defaults; 403 shows the access layer's message).
handler403 = "xuncha.core.views.permission_denied"
