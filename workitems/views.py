"""Portal pages of cooperation items, plans and the schedule; the iCalendar feed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from meetings.models import Meeting, Organization, UserProfile, headquarters_of
from meetings.views import meeting_year
from onechamber import images, jdates, listing
from onechamber.forms import clean_year
from onechamber.pagecache import cached_page
from workitems import reports, services
from workitems.calendar import FILENAME, feed
from workitems.models import (
    Agreement,
    FiscalYearPlan,
    HighlightImage,
    ItemYear,
    Session,
    WorkItem,
    organization_prefetches,
    proposers_note,
)


def _today():
    return timezone.localdate()


def _item_years(headquarters) -> list[int]:
    return sorted(
        set(
            ItemYear.objects.for_headquarters(headquarters)
            .order_by()
            .values_list("fiscal_year", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def _fiscal_year_choices(years) -> list[tuple[str, str]]:
    return [(str(y), jdates.fiscal_year_label(y)) for y in years] + [
        (listing.ALL, _("すべての年度"))
    ]


class ItemFilterForm(forms.Form):
    fy = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        required=False,
        coerce=lambda value: None if value == listing.ALL else int(value),
        empty_value=None,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状態"),
        required=False,
        choices=[("", gettext_lazy("すべて")), *ItemYear.Status.choices],
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("担当部局"),
        required=False,
        queryset=Organization.objects.departments(),
        empty_label=gettext_lazy("すべての部局"),
    )
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("市町村"),
        required=False,
        queryset=Organization.objects.municipalities(),
        to_field_name="code",
        empty_label=gettext_lazy("すべての市町村"),
    )

    def __init__(self, *args, headquarters, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = _fiscal_year_choices(years)
        for name in ("department", "municipality"):
            field = self.fields[name]
            field.queryset = field.queryset.for_headquarters(headquarters)


@cached_page
def item_list(request):
    """The items of one fiscal year (this one, or the latest that has items),
    filtered, in pages."""
    hq = headquarters_of(request.user)
    years = _item_years(hq)
    data = request.GET.copy()
    shown = listing.choose_fiscal_year(None, years=years, today=_today())
    if not data.get("fy"):
        data["fy"] = shown.value if years else listing.ALL
    # The note that this year has none, only when the year is the default.
    fallback = shown if years and not request.GET.get("fy") and shown.fallback else None
    form = ItemFilterForm(data, headquarters=hq, years=years)
    items = WorkItem.objects.for_headquarters(hq).for_listing()
    fy = status = None
    if form.is_valid():
        data = form.cleaned_data
        fy, status = data.get("fy"), data.get("status")
        if fy and status:
            items = items.filter(
                pk__in=ItemYear.objects.filter(fiscal_year=fy, status=status).values(
                    "item_id"
                )
            )
        elif fy:
            items = items.filter(
                pk__in=ItemYear.objects.filter(fiscal_year=fy).values("item_id")
            )
        elif status:
            items = items.filter(
                pk__in=ItemYear.objects.filter(status=status).values("item_id")
            )
        if data.get("department"):
            items = items.for_department(data["department"])
        if data.get("municipality"):
            items = items.concerning(data["municipality"])
    else:
        items = items.none()
    page = listing.page_of(request, items)
    rows = []
    for item in page.object_list:
        responsibilities = list(item.responsibilities.all())
        years = sorted(item.years.all(), key=lambda y: y.fiscal_year)
        rows.append(
            {
                "item": item,
                "years": years,
                "proposers": [p.organization.name for p in item.proposals.all()],
                "targets": _("全市町村")
                if item.targets_all
                else "、".join(t.name for t in item.targets.all()),
                "departments": reports.department_label(responsibilities),
                "divisions": reports.division_names(responsibilities),
            }
        )
    return render(
        request,
        "workitems/item_list.html",
        {
            "form": form,
            "rows": rows,
            "fy": fy,
            "status": status,
            "page": page,
            "fallback": fallback,
        },
    )


@cached_page
def item_detail(request, pk: int):
    item = get_object_or_404(
        WorkItem.objects.for_headquarters(
            headquarters_of(request.user)
        ).prefetch_related(
            *organization_prefetches(),
            "targets",
            reports.timeline_prefetch(),
            Prefetch(
                "agreements",
                queryset=Agreement.objects.select_related("measure").prefetch_related(
                    "parties"
                ),
            ),
        ),
        pk=pk,
    )
    years = list(
        ItemYear.objects.filter(item=item)
        .select_related("merged_into")
        .prefetch_related(*reports.sheet_prefetches())
        .order_by("fiscal_year")
    )
    by_fy = {y.fiscal_year: y for y in years}
    for y in years:
        y.item = item  # already loaded; keeps sheet_for free of queries
    sheets = [
        reports.sheet_for(y, by_fy.get(y.fiscal_year + 1))
        for y in years
        if y.status != ItemYear.Status.CONCLUDED
    ]
    meetings = (
        Meeting.objects.visible_to(request.user)
        .filter(workitems=item)
        .select_related("headquarters")
    )
    merged_from = (
        WorkItem.objects.for_headquarters(item.headquarters_id)
        .filter(years__result_tables__merged_into=item)
        .distinct()
    )
    responsibilities = list(item.responsibilities.all())
    return render(
        request,
        "workitems/item_detail.html",
        {
            "item": item,
            "years": years,
            "sheets": sheets,
            "proposers": [p.organization for p in item.proposals.all()],
            "proposers_note": proposers_note(item.proposals.all()),
            "departments": reports.department_label(responsibilities),
            "divisions": reports.division_names(responsibilities),
            "meetings": meetings,
            "merged_from": merged_from,
        },
    )


def wg_year(request, headquarters) -> listing.FiscalYearChoice:
    """The fiscal year of the WG table (its `fy`, else this one or the latest
    with sessions; one year always); its export reads the same."""
    fy = listing.choose_fiscal_year(
        request.GET.get("fy"),
        years=Session.objects.for_headquarters(headquarters)
        .order_by()
        .values_list("fiscal_year", flat=True)
        .distinct(),
        today=_today(),
    )
    if fy.year is None:  # one table is one year: 「すべて」 is not offered
        fy = listing.choose_fiscal_year(None, years=fy.years, today=_today())
    return fy


@cached_page
def wg_status(request):
    """The WG table of one fiscal year (this one, or the latest with sessions),
    its items in pages."""
    hq = headquarters_of(request.user)
    fy = wg_year(request, hq)
    page = listing.page_of(
        request,
        reports.wg_status_items(fy.year, headquarters=hq).order_by("order", "pk"),
    )
    context = reports.wg_status_context(
        fy.year, headquarters=hq, items=page.object_list
    )
    context.update(fy=fy, page=page, one_year_only=True)
    return render(request, "workitems/wg_status.html", context)


@cached_page
def plan_detail(request, fiscal_year: int):
    plan = get_object_or_404(
        FiscalYearPlan.objects.for_headquarters(headquarters_of(request.user)),
        fiscal_year=fiscal_year,
    )
    return render(
        request,
        "workitems/plan_detail.html",
        reports.plan_context(fiscal_year, plan, headquarters=plan.headquarters_id),
    )


def _calendar_url(request, profile: UserProfile) -> str:
    return request.build_absolute_uri(
        reverse("workitems:schedule_ics") + f"?token={profile.calendar_token}"
    )


def schedule_year(request) -> listing.FiscalYearChoice:
    """The fiscal year the schedule shows; its export reads the same."""
    return meeting_year(request, _today())


def schedule_page_meetings(user, fy: listing.FiscalYearChoice):
    """The meetings of the schedule in the year `fy` chose, in date order."""
    meetings = reports.schedule_meetings(user).order_by(
        "fiscal_year",
        Coalesce("date", "approx_month"),
        "approx_part",
        "start_time",
        "pk",
    )
    return meetings if fy.year is None else meetings.filter(fiscal_year=fy.year)


@cached_page
def schedule(request):
    """資料3 of one fiscal year (this one, or the latest that has meetings) in
    pages, the WG sessions planned that year in pages, the calendar URL."""
    fy = schedule_year(request)
    meetings = schedule_page_meetings(request.user, fy)
    planned = (
        Session.objects.for_headquarters(headquarters_of(request.user))
        .filter(planned=True)
        .select_related("measure__item")
        .order_by("date", "approx_month", "pk")
    )
    if fy.year is not None:
        planned = planned.filter(fiscal_year=fy.year)
    page = listing.page_of(request, meetings)
    context = reports.schedule_context(
        request.user,
        years=[],
        current_year=jdates.fiscal_year(_today()),
        meetings=page.object_list,
    )
    planned_page = listing.page_of(request, planned, param="spage")
    profile = services.calendar_profile(user=request.user)
    context.update(
        fy=fy,
        page=page,
        planned_page=planned_page,
        planned_sessions=planned_page.object_list,
        calendar_url=_calendar_url(request, profile) if profile else "",
    )
    return render(request, "workitems/schedule.html", context)


@require_http_methods(["GET", "POST"])
def reset_calendar_token(request):
    """Asks first (GET), then makes the new URL (POST): the old one stops
    working in every calendar it was registered in."""
    if request.method == "GET":
        return render(request, "workitems/reset_calendar_token.html")
    services.reset_calendar_token(user=request.user)
    messages.success(
        request,
        _("カレンダー購読用のURLを新しくしました。以前のURLは使えなくなります。"),
    )
    return redirect("workitems:schedule")


@login_not_required
@transaction.non_atomic_requests
def schedule_ics(request):
    """The feed calendar clients fetch without a session: the token names the
    user. It only reads, so it runs outside the request's transaction (on
    SQLite that would take the write lock for every calendar's poll)."""
    this_year = jdates.fiscal_year(_today())
    first_year, last_year = this_year - 1, this_year + 1
    if request.GET.get("from"):
        try:
            first_year = clean_year(jdates.parse_fiscal_year(request.GET["from"]))
        except (ValueError, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else error
            return HttpResponse(
                _("from（最初の年度）が読み取れません：%(error)s") % {"error": message},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        first_year = min(first_year, last_year)
    found = feed(
        token=request.GET.get("token", ""),
        first_year=first_year,
        last_year=last_year,
    )
    if found is None:
        raise Http404
    body, etag = found
    # Django's own If-None-Match reading (weak comparison): 304 with no build.
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{FILENAME}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=900"
    return response


@transaction.non_atomic_requests
def highlight_image(request, name: str):
    """A highlight's photo or figure, by its stored file's name, to the
    accounts of its headquarters. The name of an image since replaced still
    answers (from the history), as a distributed edition's pages show it."""
    path = f"{HighlightImage._meta.get_field('image').upload_to}{name}"
    found = images.owner_of(
        HighlightImage, path, "highlight__item_year__item__headquarters_id"
    )
    if found is None or found != headquarters_of(request.user):
        raise Http404
    return images.file_response(path)


def plan_latest(request):
    plan = (
        FiscalYearPlan.objects.for_headquarters(headquarters_of(request.user))
        .order_by("-fiscal_year")
        .first()
    )
    if plan is None:
        raise Http404
    return redirect(plan)
