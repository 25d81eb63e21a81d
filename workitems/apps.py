from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkitemsConfig(AppConfig):
    name = "workitems"
    verbose_name = _("連携推進項目")

    def ready(self) -> None:
        from onechamber import roles
        from workitems import sections  # noqa: F401 - registers the section kinds

        # Department accounts keep the results and sessions of their own items.
        roles.DEPARTMENT_MODELS["workitems"] = (
            "workitem",
            "itemyear",
            "measure",
            "session",
            "resulttable",
            "resultrow",
            "highlight",
            "milestone",
            "indicator",
        )
