from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaccinationConfig(AppConfig):
    name = "vaccination"
    verbose_name = _("ワクチン接種間隔")

    def ready(self) -> None:
        # Register the section kinds and the checklist part.
        from vaccination import checklist, sections  # noqa: F401
