"""The vaccination part of a meeting's 準備チェックリスト: where a material
prints the booster grid, the cells in which the printed grid and the interval
rules contradict each other (vaccination.reports: the printed grid decides)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.checklist import Finding, register
from meetings.models import Meeting
from onechamber import jdates
from vaccination import reports

GRID_SECTIONS = ("vaccination.booster", "vaccination.grid")


@register("vaccination", gettext_lazy("接種間隔"))
def grid_and_rules(meeting: Meeting, day: dt.date, seen: set[str]) -> list[Finding]:
    if not meeting.materials.filter(section_kind__in=GRID_SECTIONS).exists():
        return []
    grid = reports.booster_grid(headquarters=meeting.headquarters_id)
    url = reverse("admin:vaccination_intervalrule_changelist")
    return [
        Finding(
            "vaccination",
            _(
                "前倒しの表と接種間隔の規則が食い違っています：%(row)s の %(column)s"
                "（%(printed)s、2回目接種が%(dose)sの人）に、規則からは%(computed)s。"
                "表が優先して印刷されます。"
            )
            % {
                "row": d["row"],
                "column": d["column"],
                "printed": d["printed"],
                "dose": d["second_dose"],
                "computed": _("%(date)sからしか接種できません")
                % {"date": jdates.wareki_short(d["computed"])}
                if d["computed"]
                else _("接種できる日が出ません"),
            },
            url,
        )
        for d in grid["disagreements"]
    ]
