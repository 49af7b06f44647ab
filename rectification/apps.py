from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "反馈与整改"

    def ready(self):
        # rounds sits below rectification: a round is complete only when every rectification of it is
        # closed and rated, a guard rounds asks without importing this app. (Models load only here.)
        from rounds.services.rounds import register_close_guard

        from .models import Rectification, RectStatus

        def rectifications_still_open(round) -> list[str]:
            still_open = (
                Rectification.objects.filter(round=round)
                .exclude(status=RectStatus.CLOSED)
                .select_related("unit")
                .order_by("unit__name")
            )
            return [f"{rect.unit.name}的整改尚未完成销号和评估" for rect in still_open]

        register_close_guard(rectifications_still_open)
