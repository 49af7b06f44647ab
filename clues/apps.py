from django.apps import AppConfig


class CluesConfig(AppConfig):
    name = "clues"
    verbose_name = "信访件、问题线索与问题台账"
