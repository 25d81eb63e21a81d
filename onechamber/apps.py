from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnechamberConfig(AppConfig):
    name = "onechamber"
    verbose_name = _("onechamber")

    def ready(self) -> None:
        from django.contrib.admin import options
        from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
        from django.db import models

        from onechamber.forms import JapaneseDateField, PortalSplitDateTimeField

        # Every date typed in the admin (fields and inline rows of every app)
        # reads 2022-01-20, 2022/1/20, 令和4年1月20日 and R4.1.20 alike. The
        # admin copies these defaults when a ModelAdmin is made, which is why
        # this app comes before django.contrib.admin in INSTALLED_APPS.
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateField] = {
            "form_class": JapaneseDateField,
            "widget": AdminDateWidget,
        }
        # Dates with a time (an account's last login) keep to the same years.
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField] = {
            "form_class": PortalSplitDateTimeField,
            "widget": AdminSplitDateTime,
        }
