"""No lost updates: two users open one record in the admin and both save."""

import threading
from functools import partial

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from onechamber import concurrency
from tests import factories
from workitems.models import ResultRow, ResultTable

CONFLICT = "あなたが開いた後に"
pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time (transaction_mode IMMEDIATE): "
    "two saves cannot overlap there",
)


def _url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def _fields(form, data):
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for n, part in enumerate(parts):
                data[f"{bound.html_name}_{n}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)


def opened(client, obj) -> dict:
    """The change page of `obj` as the browser would post it back unchanged."""
    response = client.get(_url(obj))
    assert response.status_code == 200
    data = {}
    _fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _fields(formset.management_form, data)
        for form in formset.forms:
            _fields(form, data)
    return data


def _secretariat(username, last_name, first_name):
    user = factories.make_user(role="secretariat", username=username)
    user.last_name, user.first_name = last_name, first_name
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients(db):
    return (
        _secretariat("yamada", "山田", "太郎"),
        _secretariat("suzuki", "鈴木", "花子"),
    )


@pytest.fixture
def table(db):
    item = factories.make_item(name="防災・危機管理体制の連携・強化")
    year = factories.make_item_year(item=item)
    factories.make_result_row(item_year=year, label="①広域避難", results="・訓練")
    factories.make_result_row(item_year=year, label="②連携除雪", results="・62区間")
    return ResultTable.objects.get(item_year=year)


def _rows(table):
    return list(table.rows.order_by("order"))


def _saved_at(obj) -> str:
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
    ).latest("action_time")
    local = timezone.localtime(entry.action_time)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _post(client, obj, data):
    return client.post(_url(obj), data)


def test_stale_save_of_another_field_is_refused_and_names_who_and_when(clients, table):
    a, b = clients
    row = _rows(table)[0]
    form_a, form_b = opened(a, row), opened(b, row)
    assert _post(a, row, {**form_a, "results": "・訓練を実施"}).status_code == 302
    response = _post(b, row, {**form_b, "next_steps": "・合同訓練"})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"このレコードは、あなたが開いた後に 山田 太郎 さんが {_saved_at(row)} に"
        "変更しました。" in page
    )
    conflict = response.context["version_conflicts"][0]
    assert [(d.label, d.mine, d.stored) for d in conflict.differences] == [
        ("今年度の取り組み成果", "・訓練", "・訓練を実施"),
        ("次年度以降の取り組み", "・合同訓練", "・次年度"),
    ]
    assert "あなたの入力" in page
    assert "保存されている内容" in page
    row.refresh_from_db()
    assert (row.results, row.next_steps) == ("・訓練を実施", "・次年度")


def test_stale_save_of_the_same_field_keeps_the_first_change(clients, table):
    a, b = clients
    row = _rows(table)[0]
    form_a, form_b = opened(a, row), opened(b, row)
    assert _post(a, row, {**form_a, "results": "・Aの成果"}).status_code == 302
    response = _post(b, row, {**form_b, "results": "・Bの成果"})
    assert response.status_code == 200
    assert "山田 太郎 さんが" in response.content.decode()
    (conflict,) = response.context["version_conflicts"]
    assert [(d.mine, d.stored) for d in conflict.differences] == [
        ("・Bの成果", "・Aの成果")
    ]
    row.refresh_from_db()
    assert row.results == "・Aの成果"


def test_the_conflict_stands_until_the_record_is_opened_again(clients, table):
    a, b = clients
    row = _rows(table)[0]
    form_a, form_b = opened(a, row), opened(b, row)
    _post(a, row, {**form_a, "results": "・Aの成果"})
    again = _post(b, row, {**form_b, "results": "・Bの成果"}).context["adminform"]
    resent = {}
    _fields(again.form, resent)
    assert CONFLICT in _post(b, row, resent).content.decode()
    reopened = opened(b, row)
    assert _post(b, row, {**reopened, "results": "・Bの成果"}).status_code == 302
    row.refresh_from_db()
    assert row.results == "・Bの成果"


def test_different_inline_rows_saved_from_stale_pages_both_survive(clients, table):
    a, b = clients
    first, second = _rows(table)
    form_a, form_b = opened(a, table), opened(b, table)
    assert form_a["rows-0-id"] == str(first.pk)
    response = _post(a, table, {**form_a, "rows-0-results": "・Aが直した"})
    assert response.status_code == 302
    response = _post(b, table, {**form_b, "rows-1-results": "・Bが直した"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.results, second.results) == ("・Aが直した", "・Bが直した")


def test_the_same_inline_row_saved_from_a_stale_page_is_refused(clients, table):
    a, b = clients
    first, _ = _rows(table)
    form_a, form_b = opened(a, table), opened(b, table)
    _post(a, table, {**form_a, "rows-0-results": "・Aが直した"})
    response = _post(b, table, {**form_b, "rows-0-results": "・Bが直した"})
    assert response.status_code == 200
    page = response.content.decode()
    # The inline row's change is logged on its table.
    assert f"山田 太郎 さんが {_saved_at(table)} に変更しました" in page
    (conflict,) = response.context["version_conflicts"]
    assert conflict.title == str(first)
    first.refresh_from_db()
    assert first.results == "・Aが直した"


def test_a_row_changed_on_its_own_page_is_not_overwritten_by_its_tables_inline(
    clients, table
):
    a, b = clients
    first, _ = _rows(table)
    form_b = opened(b, table)
    form_a = opened(a, first)
    assert _post(a, first, {**form_a, "label": "①広域避難（改）"}).status_code == 302
    response = _post(b, table, {**form_b, "rows-0-results": "・Bが直した"})
    assert response.status_code == 200
    assert f"山田 太郎 さんが {_saved_at(first)} に変更しました" in (
        response.content.decode()
    )
    first.refresh_from_db()
    assert (first.label, first.results) == ("①広域避難（改）", "・訓練")


def test_a_row_changed_in_its_tables_inline_is_not_overwritten_on_its_own_page(
    clients, table
):
    a, b = clients
    first, _ = _rows(table)
    form_b = opened(b, first)
    form_a = opened(a, table)
    assert _post(a, table, {**form_a, "rows-0-results": "・Aが直した"}).status_code == (
        302
    )
    response = _post(b, first, {**form_b, "results": "・Bが直した"})
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    first.refresh_from_db()
    assert first.results == "・Aが直した"


def test_a_stale_inline_row_left_as_it_was_is_not_written_back(clients, table):
    a, b = clients
    first, _ = _rows(table)
    form_b = opened(b, table)
    form_a = opened(a, first)
    _post(a, first, {**form_a, "results": "・Aが直した"})
    response = _post(b, table, {**form_b, "title": "【広域避難関係】"})
    assert response.status_code == 302
    first.refresh_from_db()
    table.refresh_from_db()
    assert (table.title, first.results) == ("【広域避難関係】", "・Aが直した")


def test_a_row_deleted_meanwhile_is_named_and_nothing_is_saved(clients, table):
    a, b = clients
    first, _ = _rows(table)
    form_b = opened(b, table)
    form_a = opened(a, table)
    assert _post(a, table, {**form_a, "rows-0-DELETE": "on"}).status_code == 302
    response = _post(
        b, table, {**form_b, "rows-0-results": "・Bが直した", "title": "B"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "この行は" not in body
    # The history names who deleted the row.
    assert "山田 太郎 さんが" in body and "削除しました" in body
    table.refresh_from_db()
    assert table.title == ""


def test_deleting_a_row_changed_meanwhile_is_refused(clients, table):
    a, b = clients
    first, _ = _rows(table)
    form_b = opened(b, table)
    form_a = opened(a, first)
    _post(a, first, {**form_a, "results": "・Aが直した"})
    response = _post(b, table, {**form_b, "rows-0-DELETE": "on"})
    assert response.status_code == 200
    assert "山田 太郎 さんが" in response.content.decode()
    assert ResultRow.objects.filter(pk=first.pk).exists()


def test_a_save_over_a_record_deleted_meanwhile_is_not_found(clients, table):
    a, b = clients
    first, _ = _rows(table)
    form_b = opened(b, first)
    delete = reverse("admin:workitems_resultrow_delete", args=[first.pk])
    assert a.post(delete, {"post": "yes"}).status_code == 302
    response = _post(b, first, {**form_b, "results": "・Bが直した"})
    # A record that is not there is not found, whoever removed it: the
    # admin's pages tell nothing about what exists (the permission matrix).
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
    assert not ResultRow.objects.filter(pk=first.pk).exists()


def test_a_meeting_and_its_inline_materials_are_checked(clients):
    a, b = clients
    meeting = factories.make_meeting()
    factories.make_material(meeting=meeting)
    form_a, form_b = opened(a, meeting), opened(b, meeting)
    assert "record_version" in form_a
    assert "materials-0-record_version" in form_a
    assert _post(a, meeting, {**form_a, "venue": "県庁大会議室"}).status_code == 302
    response = _post(b, meeting, {**form_b, "venue": "県民会館"})
    assert response.status_code == 200
    assert "山田 太郎 さんが" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.venue == "県庁大会議室"


def test_a_meeting_saved_meanwhile_keeps_both_users_inline_rows(clients):
    # Saving the meeting page moves the meeting's updated_at: nothing the
    # second user's form writes, so no conflict.
    a, b = clients
    meeting = factories.make_meeting()
    first = factories.make_material(meeting=meeting, order=1, title="資料1")
    second = factories.make_material(meeting=meeting, order=2, title="資料2")
    form_a, form_b = opened(a, meeting), opened(b, meeting)
    assert form_a["materials-0-id"] == str(first.pk)
    response = _post(a, meeting, {**form_a, "materials-0-title": "Aの資料"})
    assert response.status_code == 302
    response = _post(b, meeting, {**form_b, "materials-1-title": "Bの資料"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, second.title) == ("Aの資料", "Bの資料")


def test_a_vaccination_notice_is_checked(clients):
    a, b = clients
    notice = factories.make_notice()
    form_a, form_b = opened(a, notice), opened(b, notice)
    assert _post(a, notice, {**form_a, "title": "Aの表題"}).status_code == 302
    response = _post(b, notice, {**form_b, "title": "Bの表題"})
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.title == "Aの表題"


def test_a_form_posted_without_the_version_is_not_checked(clients, table):
    a, b = clients
    row = _rows(table)[0]
    form_b = opened(b, row)
    del form_b["record_version"]
    _post(a, row, {**opened(a, row), "results": "・Aの成果"})
    assert _post(b, row, {**form_b, "results": "・Bの成果"}).status_code == 302


def _row_form(**kwargs):
    from django import forms

    class RowForm(forms.ModelForm):
        class Meta:
            model = ResultRow
            fields = ["label", "results"]

    return concurrency.versioned_form(RowForm, **kwargs)


def test_a_form_of_an_old_version_takes_its_version_from_the_stored_row(table):
    # django-simple-history's revert form edits the old version's instance.
    row = _rows(table)[0]
    old = ResultRow.objects.get(pk=row.pk)
    old.results = "・以前の成果"
    form_class = _row_form(reads_stored=True)
    shown = form_class(instance=old)
    data = {"label": row.label, "results": "・以前の成果"}
    data["record_version"] = shown["record_version"].value()
    reverted = form_class(data, instance=old)
    assert reverted.is_valid(), reverted.errors
    ResultRow.objects.filter(pk=row.pk).update(results="・その間の変更")
    stale = form_class(data, instance=ResultRow.objects.get(pk=row.pk))
    assert not stale.is_valid()
    assert CONFLICT in str(stale.non_field_errors())


def test_last_change_reads_the_history_of_the_record(clients, table):
    a, _ = clients
    row = _rows(table)[0]
    _post(a, row, {**opened(a, row), "results": "・Aの成果"})
    name, when = concurrency.last_change(row)
    latest = row.history.latest("history_date")
    assert (name, when) == ("山田 太郎", latest.history_date)


def test_the_fingerprint_moves_with_any_stored_value(table):
    row = _rows(table)[0]
    before = concurrency.fingerprint(row)
    row.order = 9
    assert concurrency.fingerprint(row) != before
    assert concurrency.fingerprint(row, {"x": [2, 1]}) == concurrency.fingerprint(
        row, {"x": [1, 2]}
    )


# Saves that really overlap (PostgreSQL runs them side by side).


def _race(*posts):
    """Run the posts at once, each in a thread of its own with its own
    connection; their responses, or the exceptions they raised."""
    results = [None] * len(posts)
    start = threading.Barrier(len(posts))

    def run(n, post):
        try:
            start.wait()
            results[n] = post()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[n] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(n, post)) for n, post in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_one_wins_and_the_other_is_told():
    a, b = (
        _secretariat("yamada", "山田", "太郎"),
        _secretariat("suzuki", "鈴木", "花子"),
    )
    item = factories.make_item()
    year = factories.make_item_year(item=item)
    row = factories.make_result_row(item_year=year)
    for attempt in range(5):
        form_a, form_b = opened(a, row), opened(b, row)
        results = _race(
            partial(_post, a, row, {**form_a, "results": f"A{attempt}"}),
            partial(_post, b, row, {**form_b, "results": f"B{attempt}"}),
        )
        codes = sorted(r.status_code for r in results)
        assert codes == [200, 302], results
        loser = next(r for r in results if r.status_code == 200)
        winner = "A" if loser is results[1] else "B"
        assert CONFLICT in loser.content.decode()
        row.refresh_from_db()
        assert row.results == f"{winner}{attempt}"


@pg_only
@pytest.mark.django_db(transaction=True)
def test_saving_a_table_and_one_of_its_rows_at_once_never_deadlocks():
    a, b = (
        _secretariat("yamada", "山田", "太郎"),
        _secretariat("suzuki", "鈴木", "花子"),
    )
    item = factories.make_item()
    year = factories.make_item_year(item=item)
    first = factories.make_result_row(item_year=year, label="①")
    factories.make_result_row(item_year=year, label="②")
    table = first.table
    outcomes = []
    for n in range(20):
        form_a, form_b = opened(a, table), opened(b, first)
        table_post = {
            **form_a,
            "title": f"表{n}",
            "rows-0-results": f"表から{n}",
            "rows-1-results": f"表から{n}",
        }
        results = _race(
            partial(_post, a, table, table_post),
            partial(_post, b, first, {**form_b, "next_steps": f"行から{n}"}),
        )
        outcomes.append(results)
    errors = [r for pair in outcomes for r in pair if isinstance(r, Exception)]
    assert errors == []
    assert all(r.status_code in (200, 302) for pair in outcomes for r in pair)
    # Every round one of the two saves went through.
    assert all(302 in {r.status_code for r in pair} for pair in outcomes)


def _changelist(client, model) -> dict:
    meta = model._meta
    response = client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    )
    formset = response.context["cl"].formset
    assert 'name="form-0-record_version"' in response.content.decode()
    data = {"_save": "保存"}
    _fields(formset.management_form, data)
    for form in formset.forms:
        _fields(form, data)
    return data


def _row_index(data, obj) -> int:
    return next(
        int(key.split("-")[1])
        for key, value in data.items()
        if key.endswith("-id") and value == str(obj.pk)
    )


def test_a_stale_list_edit_is_refused_and_another_rows_edit_survives(clients):
    from meetings.models import Organization

    a, b = clients
    first = factories.make_organization(name="富山市", kind="city", order=1)
    second = factories.make_organization(name="高岡市", kind="city", order=2)
    url = reverse("admin:meetings_organization_changelist")
    list_a, list_b = _changelist(a, Organization), _changelist(b, Organization)
    i, j = _row_index(list_a, first), _row_index(list_a, second)
    assert a.post(url, {**list_a, f"form-{i}-order": "5"}).status_code == 302
    # Another row: saved, the first row's new order kept.
    assert b.post(url, {**list_b, f"form-{j}-order": "7"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (5, 7)
    # The same row from the stale list: refused.
    response = b.post(url, {**list_b, f"form-{i}-order": "9"})
    assert response.status_code == 200
    assert "山田 太郎 さんが" in response.content.decode()
    first.refresh_from_db()
    assert first.order == 5


def test_an_inline_row_key_no_record_can_have_is_an_error_not_a_crash(clients, table):
    """A tampered row key (" ", "abc", a number past the column) is the
    formset's invalid choice, not a server error in the version check."""
    a, _ = clients
    form = opened(a, table)
    for bad in (" ", "abc", "99999999999999999999"):
        response = _post(a, table, {**form, "rows-0-id": bad, "title": "改ざん"})
        assert response.status_code == 200, bad
    table.refresh_from_db()
    assert table.title == ""
