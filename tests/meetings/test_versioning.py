import datetime as dt

import pytest

from meetings import packet, services, versioning

pytestmark = pytest.mark.django_db


def test_copying_a_meeting_moves_the_version(seed):
    start = versioning.current(seed.headquarters_id)
    # FY2023 has nothing planned: the copy needs no choice.
    services.copy_meeting(meeting=seed, new_date=dt.date(2023, 5, 18))
    assert versioning.current(seed.headquarters_id) > start


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
