from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("会議")

    # Department accounts submit the materials asked of their department
    # (read by onechamber.roles.sync_groups).
    department_permissions = ("submit_material",)

    def ready(self) -> None:
        from meetings import versioning

        versioning.connect()
