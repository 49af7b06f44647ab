from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "xuncha.security"
    label = "security"
    verbose_name = "登录安全"

    def ready(self):
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from . import signals  # noqa: F401  (connects the login, logout and lockout receivers)

        # The login receiver keeps the previous login's time and address before it sets the new ones.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
