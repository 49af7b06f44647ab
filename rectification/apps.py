from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "反馈与整改"

    def ready(self):
        # rounds sits below rectification: a round is complete only when every rectification of it is
        # closed and rated, a guard rounds asks without importing this app. The models load only once
        # the registry is ready, so this is the one place an app imports inside a function (Django's way).
        from rounds.services.rounds import register_close_guard

        from .selectors.closing import rectifications_still_open
        from .services.digests import backfill_after_migrate

        register_close_guard(rectifications_still_open)
        # After migrate (the schema then matches the models): rows sealed before 国密 gain their SM3.
        post_migrate.connect(backfill_after_migrate, sender=self, dispatch_uid="rectification-backfill-sm3")
