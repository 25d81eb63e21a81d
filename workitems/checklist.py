"""The cooperation items' part of a meeting's 準備チェックリスト: results not
entered for the items active in the meeting's fiscal year, and データの点検
judged on the meeting's day."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.checklist import Finding, register
from meetings.models import Meeting
from workitems.models import ItemYear
from workitems.services import find_inconsistencies


@register("results", gettext_lazy("取り組み結果"))
def results(meeting: Meeting, day: dt.date, seen: set[str]) -> list[Finding]:
    years = (
        ItemYear.objects.for_headquarters(meeting.headquarters_id)
        .active()
        .in_fiscal_year(meeting.fiscal_year)
        .exclude(result_tables__rows__isnull=False)
        .select_related("item")
        .order_by("item__order", "item__id")
    )
    return [
        Finding(
            "results",
            _("%(item)s：%(fy)sの取り組み結果が登録されていません。")
            % {"item": year.item.name, "fy": year.fiscal_year_label},
            reverse("admin:workitems_itemyear_change", args=[year.pk]),
        )
        for year in years
    ]


@register("data", gettext_lazy("データの点検"))
def data(meeting: Meeting, day: dt.date, seen: set[str]) -> list[Finding]:
    return [
        Finding("data", f"{finding.label}：{finding.message}", finding.url)
        for finding in find_inconsistencies(
            today=day, headquarters=meeting.headquarters_id
        )
        if finding.url not in seen
    ]
