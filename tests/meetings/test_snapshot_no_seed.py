"""An edition is built from one snapshot of the data, whatever is saved while
it is taken (PostgreSQL: REPEATABLE READ; SQLite serialises the writer)."""

import threading

import pytest
from django.db import connection, connections

from meetings import editions, services
from meetings.models import AgendaItem, Edition, Material
from meetings.packet import build, parts
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets no writer commit while the snapshot reads",
)
def test_a_save_during_the_snapshot_lands_in_none_of_the_edition(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    meeting = factories.make_meeting(published=False)
    factories.make_agenda_item(meeting=meeting, title="開会")
    first = factories.make_material(
        meeting=meeting, title="一つ目", text="元の本文A", order=1
    )
    second = factories.make_material(
        meeting=meeting, title="二つ目", text="元の本文B", order=2
    )
    services.publish_meeting(meeting=meeting, by=None)
    edition = Edition.objects.get(meeting=meeting, number=1)
    assert edition.state == "queued"

    real = parts.material_parts
    saved = []

    def save_elsewhere():
        # Another connection, as another request would: committed at once.
        Material.objects.filter(pk__in=[first.pk, second.pk]).update(
            text="保存された新しい本文"
        )
        AgendaItem.objects.filter(meeting=meeting).update(title="閉会")
        saved.append(True)
        connections.close_all()

    def material_parts(material, **kwargs):
        if material.pk == first.pk and not saved:
            writer = threading.Thread(target=save_elsewhere)
            writer.start()
            writer.join(timeout=30)
        return real(material, **kwargs)

    monkeypatch.setattr(parts, "material_parts", material_parts)
    assert build.run_build(edition.pk) == "ready"
    assert saved == [True]

    built = Edition.objects.get(pk=edition.pk)
    texts = {i.title: i.text for i in built.items.all()}
    # Everything as it was when the snapshot began, nothing half-new: the
    # materials, the 次第 page, and the meeting page's 次第 (read last).
    assert texts["一つ目"] == "元の本文A"
    assert texts["二つ目"] == "元の本文B"
    assert "開会" in texts["次第"] and "閉会" not in texts["次第"]
    assert "開会" in built.page_html and "閉会" not in built.page_html
    assert Material.objects.get(pk=second.pk).text == "保存された新しい本文"
    # The save shows as a change to distribute next.
    assert [c.label for c in editions.changes(meeting)] == ["次第", "資料1", "資料2"]
