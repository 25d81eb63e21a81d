"""Writes that touch several rows, and the data checks (データの点検)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.models import UserProfile, headquarters_of
from onechamber import history, jdates
from workitems.models import (
    ItemYear,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
    proposers_note,
)


@transaction.atomic
def roll_over_item(*, item_year: ItemYear) -> ItemYear:
    """Continue an item into the next fiscal year: status 継続 and, for each
    results table of this year, the same table with empty rows for the next."""
    if item_year.status == ItemYear.Status.CONCLUDED:
        raise ValidationError(
            _("協議を終了した項目は次年度に引き継げません。"), code="concluded"
        )
    next_fy = item_year.fiscal_year + 1
    if ItemYear.objects.filter(item=item_year.item, fiscal_year=next_fy).exists():
        raise ValidationError(
            _("%(item)sの%(fy)sの状態は既にあります。"),
            code="exists",
            params={
                "item": item_year.item.name,
                "fy": jdates.fiscal_year_label(next_fy),
            },
        )
    with history.reason(_("年度更新")):
        new_year = ItemYear.objects.create(
            item=item_year.item,
            fiscal_year=next_fy,
            status=ItemYear.Status.CONTINUED,
            plan_order=item_year.plan_order,
        )
        this_label = jdates.fiscal_year_label(next_fy)
        after_label = jdates.fiscal_year_label(next_fy + 1)
        for table in item_year.result_tables.prefetch_related("rows"):
            new_table = ResultTable.objects.create(
                item_year=new_year,
                measure=table.measure,
                order=table.order,
                title=table.title,
                label_heading=table.label_heading,
                results_heading=_("%(fy)sの取り組み成果等") % {"fy": this_label},
                next_heading=_("%(fy)s以降の取り組み") % {"fy": after_label},
            )
            ResultRow.objects.bulk_create(
                ResultRow(
                    table=new_table,
                    order=row.order,
                    heading=row.heading,
                    label=row.label,
                )
                for row in table.rows.all()
            )
    return new_year


def calendar_profile(*, user) -> UserProfile | None:
    """The account's profile (made in its headquarters when it has none), or
    None for an account that belongs to no headquarters."""
    headquarters = headquarters_of(user)
    if headquarters is None:
        return None
    profile, _created = UserProfile.objects.get_or_create(
        user=user, defaults={"headquarters_id": headquarters}
    )
    return profile


def reset_calendar_token(*, user) -> UserProfile | None:
    """Give the account a new secret for its calendar feed; the old URL stops working."""
    profile = calendar_profile(user=user)
    if profile is None:
        return None
    profile.calendar_token = secrets.token_urlsafe()
    profile.save(update_fields=["calendar_token"])
    return profile


@dataclass(frozen=True)
class Finding:
    kind: str
    label: str
    message: str
    url: str


def find_inconsistencies(*, today: dt.date, headquarters) -> list[Finding]:
    """What データの点検 lists: overdue planned sessions, active years without
    results, and items whose proposers differ between pages of the packet."""
    findings: list[Finding] = []
    overdue = (
        Session.objects.for_headquarters(headquarters)
        .overdue(today)
        .select_related("measure__item")
    )
    for s in overdue:
        findings.append(
            Finding(
                kind="overdue_session",
                label=_("予定のまま日付が過ぎた会合"),
                message=_("%(item)s %(measure)s：%(when)sが「予定」のままです。")
                % {
                    "item": s.measure.item.name,
                    "measure": s.measure.code or s.measure.title,
                    "when": s.when_label,
                },
                url=reverse("admin:workitems_session_change", args=[s.pk]),
            )
        )
    empty_years = (
        ItemYear.objects.for_headquarters(headquarters)
        .active()
        .filter(fiscal_year__lte=jdates.fiscal_year(today))
        .exclude(result_tables__rows__isnull=False)
        .select_related("item")
    )
    for y in empty_years:
        findings.append(
            Finding(
                kind="no_results",
                label=_("取り組み結果のない年度"),
                message=_("%(item)s：%(fy)sの取り組み結果が登録されていません。")
                % {"item": y.item.name, "fy": y.fiscal_year_label},
                url=reverse("admin:workitems_itemyear_change", args=[y.pk]),
            )
        )
    differing = (
        WorkItem.objects.for_headquarters(headquarters)
        .filter(
            Q(proposals__on_wg_table=False)
            | Q(proposals__on_sheet=False)
            | Q(proposals__on_plan=False)
        )
        .distinct()
        .prefetch_related("proposals__organization")
    )
    for item in differing:
        findings.append(
            Finding(
                kind="proposers_differ",
                label=_("提案市町村の記載の食い違い"),
                message=f"{item.name}：{proposers_note(item.proposals.all())}",
                url=reverse("admin:workitems_workitem_change", args=[item.pk]),
            )
        )
    return findings
