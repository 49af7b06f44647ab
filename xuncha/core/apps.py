from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xuncha.core"
    label = "core"
    verbose_name = "公共部分"

    def ready(self):
        from . import crypto  # noqa: F401 -- registers the encryption key's system checks
