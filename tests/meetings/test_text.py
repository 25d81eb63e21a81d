"""Text materials on the portal: the contents list of their sections."""

from meetings.text import outline


def test_sections_get_ids_and_a_contents_list_of_h2_with_their_h3():
    marked, contents = outline(
        "<h2>第1章</h2><p>本文</p><h3>1.1 <em>概要</em></h3><h2 id='x'>第2章</h2><h4>細目</h4>"
    )
    assert marked == (
        '<h2 id="sec-1">第1章</h2><p>本文</p><h3 id="sec-2">1.1 <em>概要</em></h3>'
        "<h2 id='x'>第2章</h2><h4>細目</h4>"
    )
    assert contents == [
        {
            "id": "sec-1",
            "text": "第1章",
            "children": [{"id": "sec-2", "text": "1.1 概要", "children": []}],
        },
        {"id": "x", "text": "第2章", "children": []},
    ]


def test_a_new_id_never_repeats_one_already_in_the_markup():
    marked, contents = outline('<p id="sec-1"></p><h2>見出し</h2>')
    assert [entry["id"] for entry in contents] == ["sec-2"]
    assert '<h2 id="sec-2">' in marked


def test_an_h3_before_any_h2_is_listed_at_the_top():
    _marked, contents = outline("<h3>前書き</h3>")
    assert contents == [{"id": "sec-1", "text": "前書き", "children": []}]
