"""The meeting's read layer: numbering, the seating geometry."""

import pytest

from meetings import reports
from meetings.models import Attendance
from tests import factories


@pytest.mark.django_db
def test_materials_are_numbered_per_series_by_order():
    meeting = factories.make_meeting()
    factories.make_material(meeting=meeting, title="参考B", series="reference", order=2)
    factories.make_material(meeting=meeting, title="資料B", order=5)
    factories.make_material(meeting=meeting, title="参考A", series="reference", order=1)
    factories.make_material(meeting=meeting, title="資料A", order=3)
    numbered = reports.number_materials(meeting.materials.all())
    assert [(m.label, m.title) for m in numbered] == [
        ("資料1", "資料A"),
        ("資料2", "資料B"),
        ("参考資料1", "参考A"),
        ("参考資料2", "参考B"),
    ]
    second = reports.numbered_material(meeting, "reference", 2)
    assert (second.label, second.title) == ("参考資料2", "参考B")
    assert reports.numbered_material(meeting, "main", 3) is None


def test_seating_chart_puts_the_head_on_top_and_the_sides_down_from_it():
    def seat(side, order):
        return Attendance(seat_side=side, seat_order=order, order=order)

    head = [seat("head", n) for n in (1, 2)]
    left = [seat("left", n) for n in (1, 2, 3)]
    right = [seat("right", 1)]
    unseated = seat("none", 1)
    chart = reports.seating_chart([*reversed(left), *head, *right, unseated])
    positions = {id(s["attendance"]): (s["x"], s["y"]) for s in chart["seats"]}
    assert len(chart["seats"]) == 6
    assert id(unseated) not in positions
    head_y = {positions[id(a)][1] for a in head}
    assert head_y == {reports.MARGIN}
    left_positions = [positions[id(a)] for a in left]
    assert [x for x, _y in left_positions] == [reports.MARGIN] * 3
    ys = [y for _x, y in left_positions]
    assert ys == sorted(ys) and ys[0] > reports.MARGIN
    assert (
        positions[id(right[0])][0] == chart["width"] - reports.MARGIN - reports.SEAT_W
    )
