"""Load the cooperation items of the seed packet from fixtures/workitems.toml.

Idempotent: every row is found by its natural key and updated in place, and
rows a list no longer names are removed, so running it twice changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from meetings.models import Headquarters, Meeting, Organization
from onechamber import seeding
from onechamber.fixtures import fixture_path, read_fixture
from onechamber.seeding import sync, sync_m2m, sync_rows
from workitems.models import (
    Agreement,
    FiscalYearPlan,
    Highlight,
    Indicator,
    ItemDepartment,
    ItemProposer,
    ItemYear,
    Measure,
    Milestone,
    Proposal,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
)

FIXTURE = fixture_path("workitems")


@seeding.register
def load_seed(context: dict) -> None:
    load(headquarters=context["headquarters"])


def load(*, headquarters: Headquarters, path: Path = FIXTURE) -> list[str]:
    """Load the items of `headquarters`: their years, measures, sessions,
    results and plans.

    Returns the notes written on import (proposers that differ between pages).
    """
    data = read_fixture(path)
    orgs = _Orgs(headquarters)
    notes: list[str] = []
    items = {}
    # Items first, so that a table can name the item it was merged into.
    for row in data["items"]:
        items[row["name"]] = _load_item(headquarters, row, orgs, notes)
    for row in data["items"]:
        _load_item_children(items[row["name"]], row, orgs, items)
    for row in data.get("plans", []):
        sync(
            FiscalYearPlan,
            headquarters=headquarters,
            fiscal_year=row["fiscal_year"],
            defaults={
                "draft": row.get("draft", True),
                "items_intro": row.get("items_intro", ""),
                "issues_intro": row.get("issues_intro", ""),
                "other_issues": row.get("other_issues", "").strip(),
            },
        )
    return notes


class _Orgs:
    """Organisations by name, looked up once each."""

    def __init__(self, headquarters: Headquarters) -> None:
        self._headquarters = headquarters
        self._cache: dict[str, Organization] = {}

    def __getitem__(self, name: str) -> Organization:
        if name not in self._cache:
            self._cache[name] = Organization.objects.for_headquarters(
                self._headquarters
            ).get(name=name)
        return self._cache[name]

    def many(self, names: list[str]) -> list[Organization]:
        return [self[n] for n in names]


# The seed's pages that list an item's proposers, and where ItemProposer
# keeps whether each lists one.
PROPOSER_PAGES = {
    "資料1 WG開催状況": "on_wg_table",
    "資料1 取り組み結果": "on_sheet",
    "資料2 連携推進項目": "on_plan",
}


def proposer_discrepancies(held: list[str], sources: dict[str, list[str]]) -> str:
    """A note naming each page whose list of proposers differs from the held one."""
    parts = []
    for place, listed in sources.items():
        missing = [n for n in held if n not in listed]
        extra = [n for n in listed if n not in held]
        if missing:
            parts.append(
                f"{place}では{'、'.join(missing)}が提案市町村に記載されていない"
            )
        if extra:
            parts.append(f"{place}では{'、'.join(extra)}も提案市町村に記載されている")
    return "。".join(parts) + "。" if parts else ""


def _load_item(
    headquarters: Headquarters, row: dict, orgs: _Orgs, notes: list[str]
) -> WorkItem:
    note = proposer_discrepancies(row["proposers"], row.get("proposer_sources", {}))
    if note:
        notes.append(f"{row['name']}: {note}")
    item, _ = sync(
        WorkItem,
        headquarters=headquarters,
        name=row["name"],
        defaults={
            "short_name": row.get("short_name", ""),
            "order": row.get("order", 0),
            "targets_all": row.get("targets_all", False),
        },
    )
    sync_m2m(item, "targets", orgs.many(row.get("targets", [])))
    sources = row.get("proposer_sources", {})
    keep = []
    for order, name in enumerate(row["proposers"], start=1):
        # Each page lists the proposer unless the seed's page leaves it out.
        pages = {
            field: name in sources[place] if place in sources else True
            for place, field in PROPOSER_PAGES.items()
        }
        proposer, _ = sync(
            ItemProposer,
            item=item,
            organization=orgs[name],
            defaults={"order": order, **pages},
        )
        keep.append(proposer.pk)
    item.proposals.exclude(pk__in=keep).delete()
    keep = []
    for order, dept in enumerate(row.get("departments", []), start=1):
        responsibility, _ = sync(
            ItemDepartment,
            item=item,
            organization=orgs[dept["org"]],
            defaults={"order": order, "is_lead": dept.get("lead", False)},
        )
        keep.append(responsibility.pk)
    item.responsibilities.exclude(pk__in=keep).delete()
    sync_m2m(
        item,
        "reported_at",
        [
            Meeting.objects.for_headquarters(headquarters).get(
                fiscal_year=fy, number=number, kind="regular"
            )
            for fy, number in row.get("reported_at", [])
        ],
    )
    return item


def _load_item_children(
    item: WorkItem, row: dict, orgs: _Orgs, items: dict[str, WorkItem]
) -> None:
    measures: dict[str, Measure] = {}
    for order, m in enumerate(row.get("measures", []), start=1):
        measure = _load_measure(item, None, order, m, orgs)
        measures[m.get("code", "")] = measure
        for sub_order, child in enumerate(m.get("children", []), start=1):
            measures[child["code"]] = _load_measure(
                item, measure, sub_order, child, orgs
            )
    for a in row.get("agreements", []):
        agreement, _ = sync(
            Agreement,
            item=item,
            title=a["title"],
            defaults={
                "measure": measures.get(a.get("measure", "")),
                "date": a.get("date"),
                "month": a.get("month"),
                "parties_note": a.get("parties_note", ""),
            },
        )
        sync_m2m(agreement, "parties", orgs.many(a.get("parties", [])))
    for y in row.get("years", []):
        _load_year(item, y, measures, items)


def _load_measure(
    item: WorkItem, parent: Measure | None, order: int, row: dict, orgs: _Orgs
) -> Measure:
    measure, _ = sync(
        Measure,
        item=item,
        parent=parent,
        order=order,
        defaults={
            "code": row.get("code", ""),
            "name": row["name"].strip(),
            "department": orgs[row["department"]] if "department" in row else None,
            "wg_note": row.get("wg_note", ""),
            "list_children_in_wg_table": row.get("list_children_in_wg_table", False),
            "participation": row.get("participation", ""),
            "participant_count": row.get("participant_count"),
        },
    )
    sync_m2m(measure, "participants", orgs.many(row.get("participants", [])))
    sync_rows(
        Session,
        {"measure": measure},
        ("fiscal_year", "order"),
        [
            {
                "fiscal_year": s["fiscal_year"],
                "order": s["order"],
                "kind": s.get("kind", Session.Kind.WG),
                "date": s.get("date"),
                "approx_month": s.get("month"),
                "approx_part": s.get("part", 0),
                "planned": s.get("planned", False),
                "topic": s.get("topic", ""),
                "name": s.get("name", ""),
                "aside": s.get("aside", False),
                "participants_note": s.get("participants_note", ""),
                "note": s.get("note", ""),
                "participants": orgs.many(s.get("participants", [])),
            }
            for s in row.get("sessions", [])
        ],
        m2m="participants",
    )
    return measure


def _load_year(
    item: WorkItem, row: dict, measures: dict[str, Measure], items
) -> ItemYear:
    year, _ = sync(
        ItemYear,
        item=item,
        fiscal_year=row["fiscal_year"],
        defaults={
            "status": row["status"],
            "followup": row.get("followup", ""),
            "merged_into": items.get(row.get("merged_into", "")),
            "plan_order": row.get("plan_order", 0),
            "selection_reason": row.get("selection_reason", ""),
        },
    )
    for order, t in enumerate(row.get("tables", []), start=1):
        table, _ = sync(
            ResultTable,
            item_year=year,
            order=order,
            defaults={
                "measure": measures.get(t["measure"]) if "measure" in t else None,
                "title": t.get("title", ""),
                "results_heading": t["results_heading"],
                "next_heading": t["next_heading"],
                "followup": t.get("followup", ""),
                "merged_into": items.get(t.get("merged_into", "")),
            },
        )
        sync_rows(
            ResultRow,
            {"table": table},
            ("order",),
            [
                {
                    "order": row_order,
                    "heading": r.get("heading", ""),
                    "label": r.get("label", ""),
                    "results": r.get("results", "").strip(),
                    "next_steps": r.get("next", "").strip(),
                }
                for row_order, r in enumerate(t["rows"], start=1)
            ],
        )
    year.result_tables.filter(order__gt=len(row.get("tables", []))).delete()

    tables = {t.order: t for t in year.result_tables.all()}
    indicators: list[dict] = []
    for order, h in enumerate(row.get("highlights", []), start=1):
        highlight, _ = sync(
            Highlight,
            item_year=year,
            order=order,
            defaults={
                "measure": measures.get(h["measure"]) if "measure" in h else None,
                "title": h["title"],
                "after_table": tables.get(h.get("after_table")),
                "page_heading": h.get(
                    "page_heading", "連携項目の主な取り組み実績と成果について"
                ),
                "overview": h.get("overview", "").strip("\n"),
                "points_heading": h.get("points_heading", "連携のポイント・成果"),
                "points": h.get("points", "").strip(),
                "captions": h.get("captions", "").strip(),
            },
        )
        sync_rows(
            Milestone,
            {"highlight": highlight},
            ("month", "text"),
            [
                {
                    "month": m["month"],
                    "text": m["text"],
                    "onward": m.get("onward", False),
                    "note": m.get("note", ""),
                }
                for m in h.get("milestones", [])
            ],
        )
        indicators += [_indicator(highlight, ind) for ind in h.get("indicators", [])]
    year.highlights.filter(order__gt=len(row.get("highlights", []))).delete()
    indicators += [_indicator(None, ind) for ind in row.get("indicators", [])]
    for order, values in enumerate(indicators, start=1):
        values["order"] = order
    sync_rows(Indicator, {"item_year": year}, ("order",), indicators)

    if "proposal" in row:
        p = row["proposal"]
        sync(
            Proposal,
            item_year=year,
            defaults={
                key: p.get(key, "").strip()
                for key in ("goal", "current_state", "issues", "means", "effects")
            },
        )
    return year


def _indicator(highlight, row: dict) -> dict:
    def number(key):
        return Decimal(str(row[key])) if key in row else None

    return {
        "highlight_id": highlight.pk if highlight else None,
        "name": row["name"],
        "unit": row["unit"],
        "value": number("value"),
        "as_of": row.get("as_of"),
        "rank": row.get("rank"),
        "rank_scope": "全国" if row.get("rank") else "",
        "baseline_value": number("baseline_value"),
        "baseline_as_of": row.get("baseline_as_of"),
        "baseline_rank": row.get("baseline_rank"),
        "baseline_label": row.get("baseline_label", ""),
        "note": row.get("note", ""),
        # The seed prints no indicator as a block of its own: its figures
        # stand in the text (「5箇所新設+新たに共同利用12箇所、全66箇所へ」).
        "printed": row.get("printed", False),
    }
