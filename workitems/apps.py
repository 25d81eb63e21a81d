from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkitemsConfig(AppConfig):
    name = "workitems"
    verbose_name = _("連携推進項目")
