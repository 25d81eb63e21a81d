"""The packet as a tagged PDF (PDF/UA-1), read with pikepdf."""

import io
from collections import Counter

import pikepdf
import pytest

from meetings import packet
from meetings.models import Material
from meetings.reports import number_materials
from tests.factories import make_pdf_file

pytestmark = pytest.mark.django_db

# Operators that put something on the page.
PAINTING = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*"}


def unmarked_painting(page) -> Counter:
    """What `page` paints outside any marked content (tag or artifact)."""
    depth, found = 0, Counter()
    for _operands, operator in pikepdf.parse_content_stream(page):
        operator = str(operator)
        if operator in ("BDC", "BMC"):
            depth += 1
        elif operator == "EMC":
            depth -= 1
        elif operator in PAINTING and depth == 0:
            found[operator] += 1
    return found


def elements(pdf) -> list[pikepdf.Dictionary]:
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                stack.append(kid)
    return found


@pytest.fixture
def tagged(seed):
    material = next(
        m for m in number_materials(seed.materials.all()) if m.label == "参考資料1"
    )
    material.content = Material.Content.PDF
    material.file = make_pdf_file(pages=1)
    material.save()
    return pikepdf.open(io.BytesIO(packet.build_packet(seed).pdf))


def test_the_packet_is_tagged_in_japanese_as_pdf_ua(tagged):
    root = tagged.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == "ja"
    xmp = root.Metadata.read_bytes().decode()
    assert 'pdfuaid:part="1"' in xmp
    assert "令和3年度第4回「ワンチームとやま」連携推進本部会議" in xmp
    assert root.ViewerPreferences.DisplayDocTitle is True


def test_every_page_is_marked_and_in_the_structure_tree(tagged):
    for number, page in enumerate(tagged.pages, 1):
        assert unmarked_painting(page) == Counter(), number
    # Every page drawn from HTML has its marked content in the parent tree;
    # the uploaded page (参考資料1) is an artifact of the packet.
    parents = {int(k) for k in list(tagged.Root.StructTreeRoot.ParentTree.Nums)[::2]}
    with_tree = [p.obj for p in tagged.pages if "/StructParents" in p.obj]
    assert len(with_tree) == len(tagged.pages) - 1
    assert {int(p.StructParents) for p in with_tree} <= parents
    assert int(tagged.Root.StructTreeRoot.ParentTreeNextKey) > max(parents)


def test_the_tree_has_one_part_a_part_with_headings_tables_and_figures(tagged):
    document = tagged.Root.StructTreeRoot.K[0]
    assert str(document.S) == "/Document"
    kinds = Counter(str(e.S) for e in elements(tagged))
    # 次第, 名簿, 配席図 and each generated material's parts (not the upload).
    assert kinds["/Part"] >= 12
    assert kinds["/H1"] >= 6 and kinds["/H3"] > 0
    assert kinds["/Table"] >= 10 and kinds["/TH"] > 100
    figures = [e for e in elements(tagged) if str(e.S) == "/Figure"]
    assert figures and all(str(f.Alt) for f in figures)
    assert "配席図" in {str(f.Alt) for f in figures}
    # Each element points to its parent.
    for element in elements(tagged):
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                assert kid.P.objgen == element.objgen
