from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xuncha.core"
    label = "core"
    verbose_name = "公共部分"

    def ready(self):
        from celery.signals import before_task_publish

        from . import crypto  # noqa: F401 -- registers the encryption key's system checks
        from .health import record_beat_sent

        # Beat sends the heartbeat task: the moment it does is the "last beat run" /healthz reports.
        before_task_publish.connect(record_beat_sent, dispatch_uid="xuncha-beat-heartbeat", weak=False)
