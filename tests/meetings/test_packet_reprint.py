"""The seed packet printed as the seed prints it: markers, numbering, wording."""

import io
import re

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from meetings import packet
from meetings.text import render_markdown
from onechamber.marks import has_own_marker, mark_own_markers
from vaccination.models import VenuePlan

pytestmark = pytest.mark.django_db

# A list marker of the packet's own (WeasyPrint draws disc, circle and square
# as these glyphs) before a marker the line brings, or two typed markers.
DOUBLE_MARKER = re.compile(r"[•◦▪‣]\s*[・･•◦●○◎■□◆◇⇒→※]|・・")


def layout_lines(data: bytes) -> list[tuple[int, str]]:
    """(page number, line) of the PDF's text, laid out as printed."""
    reader = PdfReader(io.BytesIO(data))
    return [
        (number, line.strip())
        for number, page in enumerate(reader.pages, 1)
        for line in page.extract_text(extraction_mode="layout").splitlines()
        if line.strip()
    ]


@pytest.fixture
def seed_packet_lines(seed):
    return layout_lines(packet.build_packet(seed).pdf)


def test_no_line_of_the_seed_packet_has_two_markers(seed_packet_lines):
    doubled = [(n, line) for n, line in seed_packet_lines if DOUBLE_MARKER.search(line)]
    assert doubled == []
    # The typed markers are still there, once: results, highlights, 参考資料2.
    text = "\n".join(line for _, line in seed_packet_lines)
    assert "・共同利用化する雪捨て場の抽出" in text
    assert (
        "・県が実施する各種防災訓練等における広域的な避難を想定した訓練の実施" in text
    )
    assert "◆参加者募集①（県職員、市町村職員のみ）" in text


def test_the_seed_packet_numbers_and_words_as_the_seed_does(seed_packet_lines):
    text = "\n".join(line for _, line in seed_packet_lines)
    # 資料2 numbers its items once, in the text.
    assert "1 ゼロカーボンシティ富山の実現（R3年度からの継続）" in text
    assert not re.search(r"\b1\.\s+1 ゼロカーボン", text)
    # The note of a 事務連絡 prints once.
    assert text.count("※別添省略") == 1
    # The venue table's heading as the seed words it.
    assert "会場・2月までの日程" in text


def test_the_venue_tables_heading_is_data(seed):
    for plan in VenuePlan.objects.all():
        plan.dates_heading = "会場・3月までの日程"
        plan.save()
    text = "\n".join(line for _, line in layout_lines(packet.build_packet(seed).pdf))
    assert "会場・3月までの日程" in text
    assert "会場・2月までの日程" not in text


@pytest.mark.parametrize(
    ("line", "own"),
    [
        ("・共同利用開始", True),
        ("  ⇒ 11月までに完了", True),
        ("\u3000※一部市町村", True),
        ("◆参加者募集", True),
        ("雪捨て場の利用状況を検証し", False),
        ("R3.6 県・市町村", False),
        ("", False),
    ],
)
def test_a_line_brings_its_own_marker_when_it_begins_with_one(line, own):
    assert has_own_marker(line) is own


def test_lists_mark_the_items_that_bring_their_own_marker():
    html = Template(
        "{% load lines %}<ul>{% for l in ls %}<li{{ l|own_marker }}>{{ l }}</li>{% endfor %}</ul>"
    ).render(Context({"ls": ["・あ", "い", "<b>"]}))
    assert html == (
        '<ul><li class="own-marker">・あ</li><li>い</li><li>&lt;b&gt;</li></ul>'
    )
    markdown = str(render_markdown("- ◆参加者募集\n- 実践活動\n\n1. ・一つ目"))
    assert markdown.count('<li class="own-marker">') == 2
    assert "<li>実践活動</li>" in markdown
    # Only bare items: a class the text holds is not touched.
    assert mark_own_markers('<li class="x">・a</li>') == '<li class="x">・a</li>'


def text_boxes(page) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, (left, bottom, right, top)) of each text shown on `page`, in
    page space: from the text and the current matrix, at about 0.6 em a
    Latin character and 1 em any other."""
    boxes = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        a, b, c, d, e, f = tm
        ca, cb, cc, cd, ce, cf = cm
        # The text matrix in page space: tm × cm.
        x = e * ca + f * cc + ce
        y = e * cb + f * cd + cf
        scale = (abs(d * cd) or abs(a * ca)) or 1
        em = size * scale
        width = sum(0.6 if ch.isascii() else 1.0 for ch in text.strip()) * em
        boxes.append((text.strip(), (x, y - 0.25 * em, x + width, y + 0.9 * em)))

    page.extract_text(visitor_text=visit)
    return boxes


def overlaps(one, other) -> bool:
    return not (
        one[2] <= other[0]
        or other[2] <= one[0]
        or one[3] <= other[1]
        or other[3] <= one[1]
    )


def test_an_uploaded_pdfs_own_corners_stay_readable_beside_the_label_and_number(
    seed,
):
    # A document that prints its own number top right and at the foot, where
    # the packet puts its label and its page number.
    from meetings.models import Material
    from tests.factories import make_pdf_file

    material = next(
        m
        for m in __import__("meetings.reports", fromlist=["x"]).number_materials(
            seed.materials.all()
        )
        if m.label == "参考資料1"
    )
    material.content = Material.Content.PDF
    material.file = make_pdf_file(
        pages=1,
        text="BODY",
        also=((490, 796, "No.12-3"), (285, 20, "- 7 -"), (20, 820, "DRAFT")),
    )
    material.save()

    reader = PdfReader(io.BytesIO(packet.build_packet(seed).pdf))
    page = next(p for p in reader.pages if "BODY 1" in p.extract_text())
    boxes = text_boxes(page)
    own = [
        box for text, box in boxes if text in ("No.12-3", "- 7 -", "DRAFT", "BODY 1")
    ]
    assert len(own) == 4
    label = [box for text, box in boxes if text == "参考資料1"]
    number = [
        box for text, box in boxes if re.fullmatch(r"- \d+ -", text) and text != "- 7 -"
    ]
    assert label and number
    for box in own:
        assert not overlaps(box, label[0]), (box, label[0])
        assert not overlaps(box, number[0]), (box, number[0])
    # Shown smaller, inside the bands, and whole: nothing of it cut off.
    height = float(page.mediabox.height)
    assert all(box[3] <= height - 19 * 72 / 25.4 for box in own)
    assert all(box[1] >= 12 * 72 / 25.4 for box in own)
    assert label[0][1] >= height - 19 * 72 / 25.4


def embedded_programs(data: bytes) -> dict[str, set[int]]:
    """Each face embedded in the PDF (its name after the subset tag) and the
    font programs (FontFile2 objects) it is embedded as."""
    reader = PdfReader(io.BytesIO(data))
    programs: dict[str, set[int]] = {}
    seen: set[int] = set()

    def visit(resources):
        if resources is None or id(resources.get_object()) in seen:
            return
        resources = resources.get_object()
        seen.add(id(resources))
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font.get("/FontDescriptor")
            )
            if descriptor is None:
                continue  # not embedded (an upload's Helvetica)
            program = descriptor.get_object().raw_get("/FontFile2")
            face = str(font["/BaseFont"]).split("+", 1)[-1]
            programs.setdefault(face, set()).add(program.idnum)
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get_object().get("/Subtype") == "/Form":
                visit(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return programs


def test_the_packet_embeds_each_face_once(seed):
    # 17 parts rendered on their own, each with its own subset of each face,
    # an uploaded PDF's label, and the page numbers: one program a face.
    from meetings.models import Material
    from meetings.reports import number_materials
    from tests.factories import make_pdf_file

    material = next(
        m for m in number_materials(seed.materials.all()) if m.label == "参考資料1"
    )
    material.content = Material.Content.PDF
    material.file = make_pdf_file(pages=2)
    material.save()
    data = packet.build_packet(seed).pdf
    programs = embedded_programs(data)
    assert {face: len(ids) for face, ids in programs.items()} == {
        "BIZ-UDPGothic": 1,
        "BIZ-UDPGothic-Bold": 1,
    }
    # Every text still reads as it did: the labels, the numbers, Japanese.
    reader = PdfReader(io.BytesIO(data))
    last = reader.pages[-1].extract_text()
    assert last.endswith(f"- {len(reader.pages)} -")
    assert "連携推進本部会議 次第" in reader.pages[0].extract_text()


def test_highlights_follow_their_tables_as_the_seed_prints_them(seed):
    reader = PdfReader(io.BytesIO(packet.build_packet(seed).pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    bousai = text[text.index("連携事項名 防災・危機管理体制の連携・強化") :]
    bousai = bousai[: bousai.index("連携事項名 自治体行政のデジタル化")]
    heading = "◎ R3年度の取り組み結果と今後の方向性"
    order = [
        heading,
        "【広域避難関係】",
        "【被災者支援関係】",
        "令和3年度連携施策の主な取り組み実績と成果について (防災危機管理体制の連携・強化)",
        "連携項目名(施策) 広域的な避難体制の整備",
        heading,
        "【災害廃棄物関係】",
        "連携項目名(施策) 災害廃棄物の円滑な広域的処理",
        heading,
        "【除排雪関係】",
        "連携項目名(施策) 県・市町村の連携除排雪の推進",
    ]
    at, found = 0, []
    for needle in order:
        at = bousai.index(needle, at) + len(needle)
        found.append(needle)
    assert found == order
    assert bousai.count(heading) == 3
    assert bousai.count("主な取り組み実績と成果について") == 1
    # As many 「◎」 headings as the seed prints (six), and the page heading
    # only where the seed has one: デジタル化's three highlights have none.
    assert text.count(heading) == 6
    assert text.count("主な取り組み実績と成果について") == 3


def test_a_highlight_follows_a_table_of_its_own_year_only(seed):
    from django.core.exceptions import ValidationError

    from workitems.models import Highlight, ResultTable

    highlight = Highlight.objects.get(title="広域的な避難体制の整備")
    other = ResultTable.objects.exclude(item_year=highlight.item_year).first()
    highlight.after_table = other
    with pytest.raises(ValidationError) as error:
        highlight.full_clean()
    assert "after_table" in error.value.message_dict


def test_the_year_page_offers_its_own_tables_to_print_a_highlight_after(
    seed, admin_client
):
    from workitems.models import Highlight

    highlight = Highlight.objects.get(title="広域的な避難体制の整備")
    year = highlight.item_year
    page = admin_client.get(
        f"/admin/workitems/itemyear/{year.pk}/change/"
    ).content.decode()
    select = re.search(
        r'<select name="highlights-0-after_table".*?</select>', page, re.DOTALL
    ).group(0)
    options = re.findall(r"<option value=\"(\d+)\"[^>]*>([^<]*)</option>", select)
    assert [label for _, label in options] == [
        "表1 【広域避難関係】",
        "表2 【被災者支援関係】",
        "表3 【災害廃棄物関係】",
        "表4 【除排雪関係】",
    ]
    assert {int(pk) for pk, _ in options} == set(
        year.result_tables.values_list("pk", flat=True)
    )


def test_indicator_blocks_print_only_where_marked(seed):
    from workitems.models import Indicator

    # The seed prints its figures in the text, no block of its own.
    text = "\n".join(line for _, line in layout_lines(packet.build_packet(seed).pdf))
    assert "新設した雪捨て場" not in text
    assert "令和3年度の取組前" not in text  # the derived 49箇所 → 66箇所
    assert "5箇所新設+新たに共同利用12箇所、全66箇所へ" in text
    indicator = Indicator.objects.get(name="新設した雪捨て場")
    indicator.printed = True
    indicator.save()
    text = "\n".join(line for _, line in layout_lines(packet.build_packet(seed).pdf))
    assert "新設した雪捨て場" in text
    assert "新たに共同利用とした雪捨て場" not in text


def test_the_items_page_shows_every_indicator(seed, client):
    from tests import factories
    from workitems.models import WorkItem

    client.force_login(factories.make_user(role="viewer", username="reader"))
    item = WorkItem.objects.get(name__startswith="防災")
    page = client.get(item.get_absolute_url(), {"fy": "all"}).content.decode()
    assert "新設した雪捨て場" in page
    assert "新たに共同利用とした雪捨て場" in page


def test_each_notice_is_set_portrait_as_an_official_letter(seed):
    reader = PdfReader(io.BytesIO(packet.build_packet(seed).pdf))
    letters = [
        page
        for page in reader.pages
        if "御中" in page.extract_text() and "事務連絡" in page.extract_text()
    ]
    assert len(letters) == 2  # the two notices the seed prints in full
    mm = 72 / 25.4
    for page in letters:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width < height  # portrait, in a landscape 資料4
        boxes = text_boxes(page)

        def box(text, boxes=boxes):
            return next(b for t, b in boxes if t.startswith(text))

        right_margin = width - 20 * mm
        # 「事務連絡」, the date and the sender end at the right margin ...
        for text in ("事務連絡", "令和4年1月13日", "厚生労働省健康局健康課予防接種室"):
            left, _, right, _ = box(text)
            assert left > width / 2
            assert abs(right - right_margin) < 12, (text, right, right_margin)
        # ... the addressee starts at the left one.
        assert abs(box("各")[0] - 20 * mm) < 3
        # 「以上」 closes the text at the right, 「記」 stands in the middle.
    texts = [dict(text_boxes(page)) for page in reader.pages]
    ki = [b["記"] for b in texts if "記" in b]
    ijo = [b["以上"] for b in texts if "以上" in b]
    assert ki and ijo
    assert all(abs((b[0] + b[2]) / 2 - 595.3 / 2) < 15 for b in ki)
    assert all(abs(b[2] - (595.3 - 20 * mm)) < 12 for b in ijo)


def test_no_municipality_name_is_broken_across_lines(seed):
    from meetings.models import Organization

    names = list(
        Organization.objects.filter(kind__in=["city", "town", "village"]).values_list(
            "name", flat=True
        )
    )
    assert len(names) == 15
    reader = PdfReader(io.BytesIO(packet.build_packet(seed).pdf))
    broken = []
    for number, page in enumerate(reader.pages, 1):
        lines = [line.strip() for line in page.extract_text().splitlines()]
        for line, following in zip(lines, lines[1:], strict=False):
            for name in names:
                for cut in range(1, len(name)):
                    if line.endswith(name[:cut]) and following.startswith(name[cut:]):
                        broken.append((number, name))
    assert broken == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("黒部市、南砺市", ["黒部市", "南砺市"]),
        ("（まとめ）と(案)", ["（まとめ）", "(案)"]),
        ("デジタル化とアドバイザー", ["デジタル"]),
        ("15市町村", ["市町村"]),
    ],
)
def test_the_runs_a_line_must_not_break(text, kept):
    from meetings.packet.typeset import keep_words

    html = keep_words(
        f"<html><body><td>{text}</td><svg><text>{text}</text></svg></body></html>"
    )
    assert re.findall(r'<span class="keep">([^<]*)</span>', html) == kept
    assert f"<svg><text>{text}</text></svg>" in html
