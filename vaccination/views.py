"""Pages of the vaccination app and the eligibility API."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from meetings.models import headquarters_of
from onechamber import listing
from onechamber.pagecache import cached_page
from vaccination import reports
from vaccination.forms import EligibilityForm
from vaccination.models import Notice, Passage


def _today():
    return timezone.localdate()


@cached_page
def index(request):
    """The rules and notices of one fiscal year (its 事務連絡's), with a 年度
    switcher; the grid is the headquarters' reference data, for every year."""
    hq = headquarters_of(request.user)
    fy = reports.notice_year(request.GET.get("fy"), headquarters=hq, today=_today())
    groups = reports.groups_with_rules(headquarters=hq, fiscal_year=fy.year)
    year_notices = Notice.objects.for_headquarters(hq).filter(
        listing.in_fiscal_year("date", fy.year)
    )
    notices = listing.page_of(request, year_notices)
    return render(
        request,
        "vaccination/index.html",
        {
            "fy": fy,
            "groups": groups,
            "chart": reports.timeline_chart(groups),
            "notices": notices.object_list,
            "notices_page": notices,
            # The summaries above the rules: the year's notices with a heading.
            "headed_notices": year_notices.exclude(heading=""),
            "grid": reports.booster_grid(headquarters=hq),
            "passages": {p.key: p for p in Passage.objects.for_headquarters(hq)},
        },
    )


@cached_page
def eligibility(request):
    asked = "group" in request.GET or "completed" in request.GET
    # A link may preselect the municipality without asking the question yet.
    hq = headquarters_of(request.user)
    form = (
        EligibilityForm(request.GET, headquarters=hq)
        if asked
        else EligibilityForm(
            initial={"municipality": request.GET.get("municipality")},
            headquarters=hq,
        )
    )
    answer = form.cleaned_data["answer"] if form.is_valid() else None
    return render(
        request,
        "vaccination/eligibility.html",
        {"form": form, "answer": answer},
    )


@cached_page
def venues(request):
    """The venue schedules set up in one fiscal year, with a 年度 switcher."""
    hq = headquarters_of(request.user)
    fy = reports.venue_year(request.GET.get("fy"), headquarters=hq, today=_today())
    return render(
        request,
        "vaccination/venues.html",
        {
            "fy": fy,
            "plans": reports.venue_plans(headquarters=hq, fiscal_year=fy.year),
            "passages": {p.key: p for p in Passage.objects.for_headquarters(hq)},
        },
    )


@require_GET
def api_eligibility(request):
    """GET ?group=elderly&completed=2021-07-20[&municipality=162019] as JSON."""
    form = EligibilityForm(request.GET, headquarters=headquarters_of(request.user))
    if not form.is_valid():
        errors = {
            field: [e["message"] for e in items]
            for field, items in form.errors.get_json_data().items()
        }
        return JsonResponse(
            {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    answer = form.cleaned_data["answer"]
    data = {
        "group": answer.group.code,
        "completed": answer.completed.isoformat(),
        "eligible_from": answer.eligible_from.isoformat(),
        "interval_months": answer.rule.interval_months,
        "notice": {
            "date": answer.rule.notice.date.isoformat(),
            "title": answer.rule.notice.title,
        },
        "valid_from": answer.valid_from.isoformat(),
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
