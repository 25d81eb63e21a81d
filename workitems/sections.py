"""Section kinds of the packet (資料1–3) and the municipality panel."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from meetings import sections
from onechamber import jdates, listing
from workitems import reports
from workitems.models import (
    Agreement,
    FiscalYearPlan,
    ItemProposer,
    ItemYear,
    Measure,
    Session,
    WorkItem,
)


def _user(request):
    return getattr(request, "user", None) or AnonymousUser()


@sections.register(
    "workitems.fy_report", "連携推進項目の取り組み状況（資料1）", landscape=True
)
def fy_report(material, *, request=None) -> SafeString:
    """WG-status table, then each active item's result sheet and highlights."""
    context = reports.fy_report_context(
        material.meeting.fiscal_year, headquarters=material.meeting.headquarters_id
    )
    context["headquarters"] = material.meeting.headquarters
    return render_to_string("workitems/sections/fy_report.html", context)


@sections.register("workitems.wg_status", "連携推進項目のWG開催状況", landscape=True)
def wg_status(material, *, request=None) -> SafeString:
    context = reports.wg_status_context(
        material.meeting.fiscal_year, headquarters=material.meeting.headquarters_id
    )
    context["headquarters"] = material.meeting.headquarters
    return render_to_string("workitems/sections/wg_status.html", context)


@sections.register("workitems.fy_plan", "次年度の協議事項（資料2）")
def fy_plan(material, *, request=None) -> SafeString:
    """The next fiscal year's plan: selected items, proposals, other issues."""
    fy = material.meeting.fiscal_year + 1
    plan = (
        FiscalYearPlan.objects.for_headquarters(material.meeting.headquarters_id)
        .filter(fiscal_year=fy)
        .first()
    )
    context = reports.plan_context(
        fy, plan, headquarters=material.meeting.headquarters_id
    )
    context["headquarters"] = material.meeting.headquarters
    return render_to_string("workitems/sections/fy_plan.html", context)


@sections.register("workitems.schedule", "本部会議の年間スケジュール（資料3）")
def schedule(material, *, request=None) -> SafeString:
    """Meetings of the year before, the meeting's year and the next one."""
    fy = material.meeting.fiscal_year
    context = reports.schedule_context(
        _user(request),
        years=[fy - 1, fy, fy + 1],
        current_year=fy,
        headquarters=material.meeting.headquarters_id,
    )
    context["headquarters"] = material.meeting.headquarters
    return render_to_string("workitems/sections/schedule.html", context)


def _items_of_year(organization, fiscal_year):
    items = WorkItem.objects.for_headquarters(organization.headquarters_id)
    if fiscal_year is None:
        return items
    return items.filter(
        pk__in=ItemYear.objects.filter(fiscal_year=fiscal_year).values("item_id")
    )


def proposed_items(organization, fiscal_year=None):
    """The items `organization` proposed, of `fiscal_year` (None: all years)."""
    return _items_of_year(organization, fiscal_year).filter(
        pk__in=ItemProposer.objects.filter(organization=organization).values("item_id")
    )


def concerning_items(organization, fiscal_year=None):
    """The items that concern `organization` in `fiscal_year` (None: all
    years), each with the measures it takes part in as `joined_measures`."""
    return (
        _items_of_year(organization, fiscal_year)
        .concerning(organization)
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.filter(participants=organization),
                to_attr="joined_measures",
            ),
        )
    )


@sections.register_municipality_panel
def municipality_panel(request, organization, fiscal_year=None) -> SafeString:
    """「関係する連携推進項目」: what concerns this municipality, in
    `fiscal_year` (None: every year), a page of each kind at most."""
    today = timezone.localdate()
    hq = organization.headquarters_id
    proposed = proposed_items(organization, fiscal_year)
    concerning = concerning_items(organization, fiscal_year)
    agreements = (
        Agreement.objects.filter(parties=organization, item__headquarters_id=hq)
        .select_related("item")
        .prefetch_related("parties")
        .order_by("date", "month", "pk")
    )
    attended = (
        Session.objects.filter(
            participants=organization, measure__item__headquarters_id=hq
        )
        .select_related("measure__item")
        .order_by("date", "approx_month", "pk")
    )
    if fiscal_year is not None:
        attended = attended.filter(fiscal_year=fiscal_year)
        first, last = jdates.fiscal_year_bounds(fiscal_year)
        agreements = agreements.filter(
            Q(date__range=(first, last)) | Q(month__range=(first, last))
        )
    ahead = (
        Session.objects.planned_ahead(today)
        .filter(
            measure__item__in=WorkItem.objects.for_headquarters(hq).concerning(
                organization
            )
        )
        .select_related("measure__item")
        .order_by("date", "approx_month", "pk")
    )
    fy_query = str(fiscal_year) if fiscal_year else listing.ALL
    return render_to_string(
        "workitems/municipality_panel.html",
        {
            "organization": organization,
            "fiscal_year": fiscal_year,
            "fiscal_year_label": jdates.fiscal_year_label(fiscal_year)
            if fiscal_year
            else "",
            "items_url": f"{reverse('workitems:item_list')}?fy={fy_query}"
            f"&municipality={organization.code}",
            "proposed": listing.first_page(proposed),
            "concerning": listing.first_page(concerning),
            "agreements": listing.first_page(agreements),
            "attended": listing.first_page(attended),
            "ahead": listing.first_page(ahead),
        },
        request=request,
    )
