"""Every import-export resource writes the seed's records to CSV and .xlsx
and reads the same file back unchanged: every row matched by its natural
key, nothing added or changed; a corrected file updates rows in place; a
department account imports into its own items only."""

from __future__ import annotations

import pytest

from meetings import resources as meeting_resources
from meetings.models import Headquarters, Organization
from onechamber.spreadsheets import CSV, XLSX
from tests import factories
from vaccination import resources as vaccination_resources
from workitems import resources as item_resources
from workitems.models import Indicator, ResultRow

RESOURCES = [
    meeting_resources.OrganizationResource,
    meeting_resources.PersonResource,
    meeting_resources.PositionResource,
    meeting_resources.AttendanceResource,
    meeting_resources.AgendaItemResource,
    item_resources.SessionResource,
    item_resources.ResultRowResource,
    item_resources.IndicatorResource,
    vaccination_resources.IntervalRuleResource,
    vaccination_resources.VenueDateResource,
]


def _refusals(result) -> dict[int, str]:
    """Row number → messages, for rows refused by validation or by a lookup."""
    found = {}
    for row in result.invalid_rows:
        found[row.number] = " ".join(
            " ".join(v) for v in row.field_specific_errors.values()
        )
    for number, errors in result.row_errors():
        found[number] = " ".join(str(e.error) for e in errors)
    return found


def _through(fmt, dataset):
    data = fmt.export_data(dataset)
    return fmt.create_dataset(data)


@pytest.mark.parametrize("fmt", [CSV(), XLSX()], ids=["csv", "xlsx"])
@pytest.mark.parametrize("resource_class", RESOURCES, ids=lambda r: r.__name__)
def test_an_exported_file_imports_back_unchanged(seed, resource_class, fmt):
    hq = Headquarters.objects.get()
    resource = resource_class(headquarters=hq)
    exported = resource.export()
    assert len(exported) > 0
    model = resource._meta.model
    before = model.objects.count()
    result = resource_class(headquarters=hq).import_data(
        _through(fmt, exported), dry_run=False
    )
    errors = [str(e.error) for row in result.rows for e in row.errors]
    invalid = [r.error_dict for r in result.invalid_rows]
    assert not errors and not invalid, (errors, invalid[:3])
    assert result.totals["skip"] == len(exported), result.totals
    assert model.objects.count() == before


def test_a_corrected_result_row_updates_in_place(seed):
    hq = Headquarters.objects.get()
    exported = item_resources.ResultRowResource(headquarters=hq).export()
    first = exported.dict[0]
    row = ResultRow.objects.get(
        table__item_year__item__name=first["連携推進項目"],
        table__order=first["表の順番"],
        order=first["順番"],
    )
    assert first["年度"] == "令和3年度"
    dataset = CSV().create_dataset(CSV().export_data(exported))
    dataset[0] = tuple(
        "・直した成果\n・二つ目" if h == "今年度の取り組み成果" else v
        for h, v in zip(dataset.headers, dataset[0], strict=True)
    )
    count = ResultRow.objects.count()
    result = item_resources.ResultRowResource(headquarters=hq).import_data(
        dataset, dry_run=False
    )
    assert result.totals["update"] == 1 and not result.has_validation_errors()
    row.refresh_from_db()
    assert row.results == "・直した成果\n・二つ目"
    assert ResultRow.objects.count() == count


def test_an_indicator_year_in_wareki_and_an_unknown_item_is_refused(seed):
    hq = Headquarters.objects.get()
    exported = item_resources.IndicatorResource(headquarters=hq).export()
    dataset = CSV().create_dataset(CSV().export_data(exported))
    headers = dataset.headers
    values = dict(zip(headers, dataset[0], strict=True))
    values["年度"] = "Ｒ３"
    values["値"] = "１２"
    dataset[0] = tuple(values[h] for h in headers)
    resource = item_resources.IndicatorResource(headquarters=hq)
    result = resource.import_data(dataset, dry_run=False)
    assert not result.has_validation_errors(), [
        r.error_dict for r in result.invalid_rows
    ]
    assert result.totals["update"] == 1

    before = list(Indicator.objects.order_by("pk").values_list("value", flat=True))
    values["連携推進項目"] = "ない項目"
    dataset[-1] = tuple(values[h] for h in headers)
    result = item_resources.IndicatorResource(headquarters=hq).import_data(
        dataset, dry_run=False
    )
    refused = _refusals(result)
    assert list(refused) == [len(dataset)]
    assert "「ない項目」の令和3年度がありません" in refused[len(dataset)]
    assert (
        list(Indicator.objects.order_by("pk").values_list("value", flat=True)) == before
    )


def test_a_department_imports_into_its_own_items_only(seed, rf):
    from workitems import scope as department_scope
    from workitems.admin import scope

    hq = Headquarters.objects.get()
    dept = Organization.objects.get(name="厚生部")
    user = factories.make_user(
        role="department", username="kousei-x", organization=dept
    )
    request = rf.get("/")
    request.user = user
    exported = item_resources.ResultRowResource(headquarters=hq).export()
    own = set(scope(ResultRow.objects.all(), request).values_list("pk", flat=True))
    assert 0 < len(own) < len(exported)
    resource = item_resources.ResultRowResource(
        headquarters=hq,
        limit=lambda qs: scope(qs, request),
        owns=lambda obj: department_scope.owns(obj, dept),
    )
    result = resource.import_data(_through(CSV(), exported), dry_run=True)
    refused = _refusals(result)
    assert len(refused) == len(exported) - len(own)
    assert result.totals["skip"] == len(own)


def test_venue_dates_in_wareki_with_full_width_digits_and_an_unknown_venue(seed):
    from vaccination.models import VenueDate

    hq = Headquarters.objects.get()
    exported = vaccination_resources.VenueDateResource(headquarters=hq).export()
    dataset = CSV().create_dataset(CSV().export_data(exported))
    headers = dataset.headers
    values = dict(zip(headers, dataset[0], strict=True))
    day = (
        VenueDate.objects.filter(
            plan__title=values["日程（版）"], venue__name=values["会場"]
        )
        .order_by("-date")[0]
        .date
    )
    new_day = day.replace(day=28) if day.day != 28 else day.replace(day=27)
    label = f"令和{new_day.year - 2018}年{new_day.month}月{new_day.day}日"
    values["接種日"] = label.translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    values["追加された日"] = "○"
    dataset.append(tuple(values[h] for h in headers))
    count = VenueDate.objects.count()
    result = vaccination_resources.VenueDateResource(headquarters=hq).import_data(
        dataset, dry_run=False
    )
    assert not _refusals(result), _refusals(result)
    assert result.totals["new"] == 1
    added = VenueDate.objects.get(
        plan__title=values["日程（版）"], venue__name=values["会場"], date=new_day
    )
    assert added.added is True
    assert VenueDate.objects.count() == count + 1

    values["会場"] = "ない会場"
    dataset.append(tuple(values[h] for h in headers))
    result = vaccination_resources.VenueDateResource(headquarters=hq).import_data(
        dataset, dry_run=False
    )
    refused = _refusals(result)
    assert list(refused) == [len(dataset)]
    assert "会場「ない会場」が見つかりません" in refused[len(dataset)]
    assert VenueDate.objects.count() == count + 1
