"""The content version on data made by the factories, without the seed."""

import pytest

from meetings import versioning
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
