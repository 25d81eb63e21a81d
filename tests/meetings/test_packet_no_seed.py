"""The packet of a meeting made by the factories, without the seed."""

import pytest

from meetings import packet
from tests.meetings.test_packet import page_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def unprintable_section():
    """A section WeasyPrint cannot lay out: nesting deeper than its recursion."""
    from django.utils.safestring import mark_safe

    from meetings import sections

    @sections.register("tests.too_deep", "深すぎる入れ子")
    def render(material, *, request=None):
        return mark_safe("<div>" * 2000 + "奥" + "</div>" * 2000)  # noqa: S308

    yield
    del sections.registry["tests.too_deep"]


def test_part_weasyprint_cannot_render_prints_a_placeholder(unprintable_section):
    from tests import factories

    meeting = factories.make_meeting()
    factories.make_material(meeting=meeting, title="正常な資料", text="正常")
    factories.make_material(
        meeting=meeting,
        order=2,
        title="組版できない資料",
        content="section",
        section_kind="tests.too_deep",
    )
    result = packet.build_packet(meeting)
    texts = page_texts(result.pdf)
    assert "正常" in texts[3]
    assert "この部分は印刷用に組版できませんでした。" in texts[4].replace("\n", "")
    # Nothing of the failure is cached: the next build tries again.
    assert not packet.build_packet(meeting).from_cache
