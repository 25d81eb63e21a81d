from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("会議")

    def ready(self) -> None:
        from meetings import versioning
        from onechamber import history

        versioning.connect()
        # After django.contrib.auth's ready(), whose last-login receiver this
        # replaces.
        history.connect()
