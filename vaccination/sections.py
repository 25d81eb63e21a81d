"""Sections of a meeting's materials built from the vaccination data (資料4)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from meetings import sections
from onechamber import listing
from vaccination import reports
from vaccination.models import MunicipalRuleDate, Notice, Passage


def _passages(hq) -> dict[str, Passage]:
    return {p.key: p for p in Passage.objects.for_headquarters(hq)}


def _notices(hq) -> list[Notice]:
    return list(Notice.objects.for_headquarters(hq))


def _statements(passages: dict[str, Passage]) -> list[Passage]:
    return [p for p in passages.values() if p.kind == Passage.Kind.STATEMENT]


def _render(template: str, context: dict, request=None) -> SafeString:
    return mark_safe(  # noqa: S308 - a template rendered with autoescape on
        render_to_string(f"vaccination/sections/{template}", context, request=request)
    )


# What 資料4 may add to what the seed prints: derived from the rules, so
# printed only where the secretariat switches them on for the material.
BOOSTER_EXTRAS = (
    ("rule_table", "接種間隔の規則の一覧表"),
    ("timeline", "対象ごとの推移（図と表）"),
    ("computed_grid", "規則から求めた接種可能日の表"),
)


@sections.register(
    "vaccination.booster",
    "追加接種の前倒し（資料4一式）",
    landscape=True,
    options=BOOSTER_EXTRAS,
)
def booster(material, *, request=None) -> SafeString:
    """The whole of 資料4: the notices' summaries, venues, grid, statements,
    notices; the rule table, the timeline and the computed grid where the
    material shows them."""
    hq = material.meeting.headquarters_id
    return _render(
        "booster.html",
        {
            "extras": {key: material.shows(key) for key, _label in BOOSTER_EXTRAS},
            "notices": _notices(hq),
            "groups": (groups := reports.groups_with_rules(headquarters=hq)),
            "chart": reports.timeline_chart(groups),
            "plans": reports.venue_plans(headquarters=hq),
            "grid": reports.booster_grid(headquarters=hq),
            "passages": (passages := _passages(hq)),
            "statements": _statements(passages),
        },
        request,
    )


@sections.register("vaccination.rules", "追加接種の接種間隔（規則の一覧）")
def rule_summary(material, *, request=None) -> SafeString:
    hq = material.meeting.headquarters_id
    groups = reports.groups_with_rules(headquarters=hq)
    return _render(
        "rules.html",
        {
            "notices": _notices(hq),
            "groups": groups,
            "chart": reports.timeline_chart(groups),
        },
        request,
    )


@sections.register("vaccination.venues", "県特設会場の日程（変更前・変更後）")
def venue_table(material, *, request=None) -> SafeString:
    hq = material.meeting.headquarters_id
    return _render(
        "venues.html",
        {"plans": reports.venue_plans(headquarters=hq), "passages": _passages(hq)},
        request,
    )


@sections.register("vaccination.grid", "追加接種の前倒しの表", landscape=True)
def grid(material, *, request=None) -> SafeString:
    hq = material.meeting.headquarters_id
    return _render(
        "grid.html",
        {"grid": reports.booster_grid(headquarters=hq), "passages": _passages(hq)},
        request,
    )


@sections.register("vaccination.notices", "事務連絡と政府の発言（参考）")
def notices(material, *, request=None) -> SafeString:
    hq = material.meeting.headquarters_id
    passages = _passages(hq)
    return _render(
        "notices.html",
        {
            "notices": _notices(hq),
            "passages": passages,
            "statements": _statements(passages),
        },
        request,
    )


@sections.register_municipality_panel
def municipality_panel(request, organization, fiscal_year=None) -> SafeString:
    """The municipality's own effective dates for booster rules, if any: the
    latest page of them (they hold for every year the page shows)."""
    dates = listing.first_page(
        MunicipalRuleDate.objects.filter(organization=organization)
        .select_related("rule__group", "rule__notice")
        .order_by("-effective_from", "-pk")
    )
    return _render(
        "municipality_panel.html",
        {"organization": organization, "dates": dates["rows"], "part": dates},
        request,
    )
