from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkitemsConfig(AppConfig):
    name = "workitems"
    verbose_name = _("連携推進項目")

    # Department accounts keep the results and sessions of their own items
    # (read by onechamber.roles.sync_groups).
    department_models = (
        "workitem",
        "itemyear",
        "measure",
        "session",
        "resulttable",
        "resultrow",
        "highlight",
        "milestone",
        "highlightimage",
        "indicator",
    )

    def ready(self) -> None:
        # Register the section kinds and the checklist parts.
        from workitems import checklist, news, sections  # noqa: F401
