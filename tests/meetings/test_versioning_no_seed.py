"""The content version on data made by the factories, without the seed."""

import pytest
from django.core import serializers
from django.core.management import call_command

from meetings import versioning
from meetings.models import Material, PacketPart
from tests import factories

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
