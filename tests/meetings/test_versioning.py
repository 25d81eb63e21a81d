import datetime as dt

import pytest

from meetings import packet, services, versioning
from meetings.models import PacketPart
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_save_delete_and_m2m_change_moves_the_version(db):
    start = versioning.current()
    meeting = factories.make_meeting()
    after_save = versioning.current()
    assert after_save > start
    item = factories.make_agenda_item(meeting=meeting)
    material = factories.make_material(meeting=meeting)
    before_m2m = versioning.current()
    item.materials.add(material)
    assert versioning.current() > before_m2m
    before_delete = versioning.current()
    material.delete()
    assert versioning.current() > before_delete


def test_the_packet_cache_itself_does_not_move_the_version(db):
    start = versioning.current()
    PacketPart.objects.create(key="a" * 64, pdf=b"%PDF-", page_count=1)
    assert versioning.current() == start


def test_copying_a_meeting_moves_the_version(seed):
    start = versioning.current()
    services.copy_meeting(meeting=seed, new_date=dt.date(2022, 5, 19))
    assert versioning.current() > start


def test_unchanged_packet_is_served_without_rendering_html(
    seed, django_assert_max_num_queries
):
    first = packet.build_packet(seed)
    # The version and the document, no query of the meeting's data.
    with django_assert_max_num_queries(3):
        again = packet.build_packet(seed)
    assert again.from_cache
    assert again.pdf == first.pdf


def test_an_edit_is_in_the_next_download(seed):
    packet.build_packet(seed)
    material = seed.materials.get(series="reference", order=1)
    material.text += "\n\n追記：全市町村が登録済み"
    material.save()
    edited = packet.build_packet(seed)
    assert not edited.from_cache
    assert edited.rendered  # the edited material's part
