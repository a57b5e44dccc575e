from django.apps import AppConfig


class BiotechEventsConfig(AppConfig):
    name = "biotech_events"
    verbose_name = "Biotech events catalogue"

    def ready(self):
        from . import signals  # noqa: F401  (connects the pre_save receivers)
