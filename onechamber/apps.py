from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnechamberConfig(AppConfig):
    name = "onechamber"
    verbose_name = _("onechamber")
