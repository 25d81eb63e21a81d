"""The content version on data made by the factories, without the seed."""

import threading
import time

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction

from meetings import versioning
from meetings.models import ContentChange, Material, PacketPart
from tests import factories
from workitems.models import ResultRow

pytestmark = pytest.mark.django_db


def test_every_save_delete_and_m2m_change_moves_the_version(db):
    hq = factories.make_headquarters()
    start = versioning.current(hq.pk)
    meeting = factories.make_meeting()
    after_save = versioning.current(hq.pk)
    assert after_save > start
    item = factories.make_agenda_item(meeting=meeting)
    material = factories.make_material(meeting=meeting)
    before_m2m = versioning.current(hq.pk)
    item.materials.add(material)
    assert versioning.current(hq.pk) > before_m2m
    before_delete = versioning.current(hq.pk)
    material.delete()
    assert versioning.current(hq.pk) > before_delete


def test_bulk_writes_move_the_version_without_the_writer_asking(db):
    hq = factories.make_headquarters()
    meeting = factories.make_meeting()
    factories.make_material(meeting=meeting)
    start = versioning.current(hq.pk)
    Material.objects.filter(meeting=meeting).update(title="差し替えた表題")
    after_update = versioning.current(hq.pk)
    assert after_update > start
    Material.objects.bulk_create([Material(meeting=meeting, title="追加", order=2)])
    after_insert = versioning.current(hq.pk)
    assert after_insert > after_update
    Material.objects.filter(meeting=meeting, order=2).delete()
    assert versioning.current(hq.pk) > after_insert


def test_a_write_moves_only_its_own_headquarters_version(db):
    mine = factories.make_headquarters()
    other = factories.make_headquarters(
        name="石川連携本部", prefecture="石川県", prefecture_code="170003"
    )
    factories.make_meeting(headquarters=other)
    before = versioning.current(other.pk)
    meeting = factories.make_meeting(headquarters=mine)
    Material.objects.filter(meeting=meeting).update(title="x")
    factories.make_material(meeting=meeting)
    assert versioning.current(other.pk) == before


def test_the_packet_cache_itself_does_not_move_the_version(db):
    hq = factories.make_headquarters()
    start = versioning.current(hq.pk)
    PacketPart.objects.create(key="a" * 64, pdf=b"%PDF-", page_count=1)
    assert versioning.current(hq.pk) == start


def test_loaddata_moves_the_version(tmp_path):
    hq = factories.make_headquarters()
    meeting = factories.make_meeting()
    factories.make_material(meeting=meeting)
    start = versioning.current(hq.pk)
    fixture = tmp_path / "material.json"
    fixture.write_text(
        serializers.serialize("json", Material.objects.filter(meeting=meeting)).replace(
            "資料の表題", "読み込んだ表題"
        ),
        encoding="utf-8",
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert Material.objects.get(meeting=meeting).title == "読み込んだ表題"
    assert versioning.current(hq.pk) > start


# Writers that overlap (PostgreSQL runs them side by side; SQLite one at a time).


def _overlapping(first, second):
    """Run `first` and `second` in transactions of their own threads, `first`
    pausing midway (at its `pause` call) until `second` has written; the
    exceptions they raised."""
    errors = []
    midway = threading.Event()

    def run(work, **kwargs):
        try:
            with transaction.atomic():
                work(**kwargs)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    def pause():
        midway.set()
        time.sleep(0.3)  # `second` writes now, then waits on our rows

    one = threading.Thread(target=run, args=(first,), kwargs={"pause": pause})
    two = threading.Thread(target=lambda: (midway.wait(10), run(second)))
    one.start()
    two.start()
    one.join(30)
    two.join(30)
    return errors


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time: writers cannot deadlock there",
)
@pytest.mark.django_db(transaction=True)
def test_a_table_and_its_row_written_at_once_do_not_deadlock_on_the_version():
    hq = factories.make_headquarters()
    item = factories.make_item(headquarters=hq)
    row = factories.make_result_row(item_year=factories.make_item_year(item=item))
    table = row.table
    start = versioning.current(hq.pk)

    def save_table_then_row(pause):
        table.title = "表"
        table.save()  # moves the version
        pause()
        ResultRow.objects.filter(pk=row.pk).update(results="表から")

    def save_row():
        ResultRow.objects.get(pk=row.pk).save()  # moves the version too

    errors = []
    for _ in range(5):
        errors += _overlapping(save_table_then_row, save_row)
    assert errors == []
    # Ten writes, each moving the version once; the folds after commit
    # leave it where it is.
    assert versioning.current(hq.pk) == start + 5 * 3
    assert ContentChange.objects.filter(headquarters=hq).count() <= 1
