from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "反馈与整改"

    def ready(self):
        # rounds sits below rectification: a round is complete only when every rectification of it is
        # closed and rated, a guard rounds asks without importing this app. The models load only once
        # the registry is ready, so this is the one place an app imports inside a function (Django's way).
        from rounds.services.rounds import register_close_guard

        from .selectors.closing import rectifications_still_open

        register_close_guard(rectifications_still_open)
