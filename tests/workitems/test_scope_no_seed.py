"""Department scope (workitems.scope): a department keeps the records of its
own organisation and of those below it, at the finest level the data states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from workitems import scope
from workitems.models import (
    Highlight,
    Indicator,
    ItemYear,
    Measure,
    Milestone,
    Proposal,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
)

MODELS = [
    WorkItem,
    ItemYear,
    Measure,
    Session,
    ResultTable,
    ResultRow,
    Highlight,
    Milestone,
    Indicator,
    Proposal,
]


@pytest.fixture
def world(db):
    """Two departments responsible for one item, each with its own measure; a
    measure with no department under 土木部's; one with none at all."""
    doboku = factories.make_department(name="土木部")
    douro = factories.make_department(name="道路課", parent=doboku)
    kousei = factories.make_department(name="厚生部")
    kikaku = factories.make_department(name="厚生企画課", parent=kousei)
    other = factories.make_department(name="農林水産部")
    item = factories.make_item(name="防災", departments=[doboku, kousei])
    alone = factories.make_item(name="輸出", departments=[other])
    year = factories.make_item_year(item=item)
    snow = factories.make_measure(item=item, name="除排雪", department=douro)
    snow_child = factories.make_measure(item=item, name="除雪の子", parent=snow)
    relief = factories.make_measure(item=item, name="被災地支援", department=kikaku)
    shared = factories.make_measure(item=item, name="共通")
    foreign = factories.make_measure(item=alone, name="輸出の施策", department=kikaku)
    records = {
        "snow_session": factories.make_session(measure=snow, name="道路除雪担当者会議"),
        "child_session": factories.make_session(measure=snow_child, name="子の会議"),
        "relief_session": factories.make_session(measure=relief, name="支援の会議"),
        "shared_session": factories.make_session(measure=shared, name="共通の会議"),
        "foreign_session": factories.make_session(measure=foreign, name="輸出の会議"),
    }
    snow_table = ResultTable.objects.create(item_year=year, order=1, measure=snow)
    shared_table = ResultTable.objects.create(item_year=year, order=2)
    records["snow_row"] = ResultRow.objects.create(table=snow_table, order=1)
    records["shared_row"] = ResultRow.objects.create(table=shared_table, order=1)
    snow_highlight = Highlight.objects.create(
        item_year=year, order=1, title="除雪", measure=snow
    )
    records["snow_milestone"] = Milestone.objects.create(
        highlight=snow_highlight, month=dt.date(2021, 4, 1), text="開始"
    )
    records["snow_indicator"] = Indicator.objects.create(
        item_year=year, highlight=snow_highlight, order=1, name="除雪延長", value=1
    )
    records["year_indicator"] = Indicator.objects.create(
        item_year=year, order=2, name="全体", value=2
    )
    return {
        "doboku": doboku,
        "douro": douro,
        "kousei": kousei,
        "kikaku": kikaku,
        "other": other,
        "item": item,
        "alone": alone,
        "snow": snow,
        "relief": relief,
        "shared": shared,
        **records,
    }


def kept(model, org):
    return set(scope.filter_for(model.objects.all(), org))


def test_own_organizations_are_the_department_and_below(world):
    below = scope.own_organizations(world["kousei"])
    assert below == {world["kousei"].pk, world["kikaku"].pk}
    assert scope.own_organizations(world["kikaku"]) == {world["kikaku"].pk}
    assert scope.own_organizations(None) == set()


def test_a_department_keeps_only_its_own_measures_sessions(world):
    sessions = kept(Session, world["kousei"])
    assert world["relief_session"] in sessions
    assert world["shared_session"] in sessions  # the item's, shared
    # 除排雪 is 道路課's (below 土木部), not 厚生部's, though both keep 防災.
    assert world["snow_session"] not in sessions
    assert world["child_session"] not in sessions
    # 厚生企画課's measure of an item 厚生部 is not responsible for.
    assert world["foreign_session"] in sessions


def test_a_measure_without_department_follows_its_parent(world):
    sessions = kept(Session, world["doboku"])
    assert {world["snow_session"], world["child_session"]} <= sessions
    assert world["relief_session"] not in sessions
    assert world["foreign_session"] not in sessions


def test_a_division_keeps_less_than_its_department(world):
    sessions = kept(Session, world["douro"])
    # 道路課 is not itself responsible for 防災: the shared session is 土木部's.
    assert sessions == {world["snow_session"], world["child_session"]}


def test_results_follow_their_measure_else_the_item(world):
    rows = kept(ResultRow, world["kousei"])
    assert world["shared_row"] in rows and world["snow_row"] not in rows
    assert kept(ResultRow, world["doboku"]) == {world["shared_row"], world["snow_row"]}
    assert kept(Milestone, world["kousei"]) == set()
    assert kept(Milestone, world["douro"]) == {world["snow_milestone"]}
    assert kept(Indicator, world["kousei"]) == {world["year_indicator"]}


def test_item_pages_are_reached_through_any_measure(world):
    # 厚生企画課 is responsible for no item, but keeps measures of both.
    assert kept(WorkItem, world["kikaku"]) == {world["item"], world["alone"]}
    assert kept(WorkItem, world["other"]) == {world["alone"]}
    assert kept(ItemYear, world["other"]) == set()
    assert kept(WorkItem, None) == set()


def test_the_query_and_the_check_of_one_record_agree(world):
    for org in ("doboku", "douro", "kousei", "kikaku", "other"):
        for model in MODELS:
            keep = kept(model, world[org])
            for obj in model.objects.all():
                assert scope.owns(obj, world[org]) == (obj in keep), (org, obj)


def test_a_record_without_an_item_or_organisation_is_nobodys(world):
    assert not scope.owns(Session(), world["kousei"])
    assert not scope.owns(world["shared_session"], None)


# The admin, as a department account uses it.


@pytest.fixture
def kousei_user(world):
    return factories.make_user(
        role="department", username="kousei", organization=world["kousei"]
    )


def admin_url(model, action, *args):
    return reverse(f"admin:workitems_{model._meta.model_name}_{action}", args=args)


def test_the_measure_form_offers_only_the_departments_own_organisations(
    client, world, kousei_user
):
    client.force_login(kousei_user)
    response = client.get(admin_url(Measure, "change", world["relief"].pk))
    assert response.status_code == 200
    choices = {
        str(org)
        for org in response.context["adminform"].form.fields["department"].queryset
    }
    assert choices == {"厚生部", "厚生企画課"}
    # A plain list, not an autocomplete the account may not ask.
    assert (
        "admin-autocomplete"
        not in response.content.decode().split('name="department"')[0][-400:]
    )


def test_the_session_form_offers_only_own_measures(client, world, kousei_user):
    client.force_login(kousei_user)
    response = client.get(admin_url(Session, "add"))
    assert response.status_code == 200
    search = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "workitems",
            "model_name": "session",
            "field_name": "measure",
        },
    )
    assert search.status_code == 200
    names = {entry["text"] for entry in search.json()["results"]}
    assert any("被災地支援" in name for name in names)
    assert not any("除排雪" in name or "除雪の子" in name for name in names)


def test_a_forged_inline_row_of_another_department_is_refused(
    client, world, kousei_user
):
    """厚生部 keeps 防災's year page, but may not add a results table under
    土木部's measure by posting its id."""
    year = ItemYear.objects.get(item=world["item"])
    client.force_login(kousei_user)
    page = client.get(admin_url(ItemYear, "change", year.pk))
    assert page.status_code == 200
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(formset.formset.total_form_count()),
                f"{prefix}-INITIAL_FORMS": str(formset.formset.initial_form_count()),
            }
        )
        for n, form in enumerate(formset.formset.initial_forms):
            for name in form.fields:
                value = form.initial.get(name)
                if value is not None:
                    data[f"{prefix}-{n}-{name}"] = getattr(value, "pk", value)
    tables = ResultTable.objects.count()
    prefix = "result_tables"
    data[f"{prefix}-TOTAL_FORMS"] = str(int(data[f"{prefix}-TOTAL_FORMS"]) + 1)
    n = int(data[f"{prefix}-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"{prefix}-{n}-order": "9",
            f"{prefix}-{n}-title": "偽の表",
            f"{prefix}-{n}-measure": str(world["snow"].pk),
            f"{prefix}-{n}-item_year": str(year.pk),
        }
    )
    response = client.post(admin_url(ItemYear, "change", year.pk), data)
    assert response.status_code in (200, 403)
    assert ResultTable.objects.count() == tables
    if response.status_code == 200:
        assert "正しく選択してください" in response.content.decode()


def test_the_item_page_shows_a_department_no_meeting_names(client, world, kousei_user):
    unpublished = factories.make_meeting(fiscal_year=2022, number=2, published=False)
    unpublished.topic = "未公開の会議の議題"
    unpublished.save()
    world["item"].reported_at.add(unpublished)
    client.force_login(kousei_user)
    admin_page = client.get(admin_url(WorkItem, "change", world["item"].pk))
    assert admin_page.status_code == 200
    portal = client.get(reverse("workitems:item_detail", args=[world["item"].pk]))
    for response in (admin_page, portal):
        body = response.content.decode()
        assert "令和4年度第2回" not in body and "未公開の会議の議題" not in body


def test_the_parent_measure_choices_stay_within_the_item(client, world, kousei_user):
    """The measure inline offers as parents only top-level measures of its own
    item; the department limit narrows that, it does not replace it."""
    for user in (kousei_user, factories.make_user(role="secretariat", username="j")):
        client.force_login(user)
        page = client.get(admin_url(WorkItem, "change", world["item"].pk))
        assert page.status_code == 200
        formset = next(
            f.formset
            for f in page.context["inline_admin_formsets"]
            if f.formset.model is Measure
        )
        parents = set(formset.forms[0].fields["parent"].queryset)
        assert parents, user
        assert all(
            m.item_id == world["item"].pk and m.parent_id is None for m in parents
        )


def _posted(form) -> dict:
    """What the browser sends back of an unbound admin form, unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


def test_a_parent_measure_of_another_item_is_refused(rf, world, kousei_user):
    """The measure page searches its parent among every measure the account
    keeps (輸出's too); one of another item is refused when saved."""
    from django.contrib import admin

    foreign = Measure.objects.get(name="輸出の施策")
    assert foreign in kept(Measure, world["kousei"])
    relief = world["relief"]
    request = rf.get(admin_url(Measure, "change", relief.pk))
    request.user = kousei_user
    form_class = admin.site._registry[Measure].get_form(request, relief, change=True)
    data = _posted(form_class(instance=relief)) | {"parent": foreign.pk}
    form = form_class(data, instance=relief)
    assert form.errors == {"parent": ["上位の施策は同じ項目のものを選んでください。"]}


@pytest.mark.parametrize("role", ["department", "secretariat"])
def test_the_measures_offered_are_the_items_own(client, world, role):
    """A fiscal year's results tables and highlights, a results table's page
    and an item's agreements offer only the measures of their own item."""
    user = factories.make_user(role=role, username=role, organization=world["kousei"])
    client.force_login(user)
    year = world["item"].years.get()
    table = world["shared_row"].table  # kept by both
    own = set(world["item"].measures.all())
    pages = [
        (admin_url(ItemYear, "change", year.pk), ("ResultTable", "Highlight")),
        (admin_url(WorkItem, "change", world["item"].pk), ("Agreement",)),
    ]
    offered = []
    for url, inlines in pages:
        page = client.get(url)
        assert page.status_code == 200
        for inline in page.context["inline_admin_formsets"]:
            if inline.formset.model.__name__ in inlines:
                offered.append(inline.formset.empty_form.fields["measure"].queryset)
    page = client.get(admin_url(ResultTable, "change", table.pk))
    assert page.status_code == 200
    offered.append(page.context["adminform"].form.fields["measure"].queryset)
    expected = 4 if role == "secretariat" else 3
    assert len(offered) == expected
    for queryset in offered:
        assert set(queryset) <= own and set(queryset), queryset.query


def test_a_measure_of_another_item_is_refused(world):
    """Where a measure is searched (an add page), one of another item is
    refused when saved: results tables, highlights and agreements."""
    from django.core.exceptions import ValidationError

    from workitems.models import Agreement

    foreign = Measure.objects.get(name="輸出の施策")
    year = world["item"].years.get()
    records = [
        ResultTable(item_year=year, order=9, measure=foreign),
        Highlight(item_year=year, order=9, title="他の項目の施策", measure=foreign),
        Agreement(item=world["item"], title="他の項目の施策", measure=foreign),
    ]
    for record in records:
        with pytest.raises(ValidationError) as refused:
            record.full_clean()
        assert refused.value.message_dict["measure"] == [
            "施策はこの項目のものを選んでください。"
        ]
    for record in records:
        record.measure = world["snow"]
        record.clean()
