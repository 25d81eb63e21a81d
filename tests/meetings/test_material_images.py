"""A text material's figures: ``![説明](図1)`` in its 本文 prints the
material's uploaded 図1 there with its 説明 as caption (and alternative text),
or a 「［図1：説明］」 placeholder until it is uploaded; on the portal the
image answers only to those who may see its meeting."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from meetings import packet
from meetings.models import Material, MaterialImage
from meetings.reports import number_materials
from meetings.text import Figure, render_markdown
from tests.onechamber.fuzzkit import form_fields
from tests.workitems.test_highlight_images import _struct_elements as struct_elements


def _png(width=1200, height=800) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 140, 90)).save(out, "PNG")
    return out.getvalue()


def test_a_figure_reference_prints_the_image_with_its_caption():
    html = render_markdown(
        '前の段落\n\n![当日の"様子" <b>](図1)\n\n後の段落',
        {1: Figure("/media/materials/images/a.png", 600, 400)},
    )
    assert (
        '<span class="material-figure"><img src="/media/materials/images/a.png" '
        'alt="当日の&quot;様子&quot; &lt;b&gt;" width="600" height="400">'
        '<span class="material-figcaption">当日の&quot;様子&quot; &lt;b&gt;</span>'
        "</span>"
    ) in html
    assert "<p>前の段落</p>" in html and "<p>後の段落</p>" in html


def test_a_figure_not_uploaded_yet_is_a_placeholder():
    assert '<span class="figure-placeholder">［図2：会場の配置図］</span>' in (
        render_markdown("![会場の配置図](図2)")
    )


@pytest.mark.parametrize(
    "text",
    [
        '<img src="https://example.com/x.png">',
        "![外の画像](https://example.com/y.png)",
        "![ファイル](/media/materials/private.pdf)",
        '![a](図1" onerror="alert(1))',
    ],
)
def test_no_typed_image_reaches_the_page(text):
    html = render_markdown(text, {1: Figure("/media/materials/images/a.png", 1, 1)})
    assert "example.com" not in html
    assert "private.pdf" not in html
    assert not re.search(r"\sonerror=", html)
    srcs = re.findall(r'<img[^>]*\ssrc="([^"]*)"', html)
    assert all(src == "/media/materials/images/a.png" for src in srcs)


@pytest.fixture
def text_material(seed):
    material = next(
        m for m in number_materials(seed.materials.all()) if m.label == "参考資料2"
    )
    assert material.content == Material.Content.TEXT
    return material


def _post(client, material, *, text, upload, number="1"):
    url = reverse("admin:meetings_material_change", args=[material.pk])
    page = client.get(url)
    assert page.status_code == 200
    pairs, _names = form_fields(page.content.decode())
    data: dict[str, list] = {}
    for key, value in pairs:
        if key.startswith("images-__prefix__") or key in ("_addanother", "_continue"):
            continue
        data.setdefault(key, []).append(value)
    data["text"] = [text]
    data["images-TOTAL_FORMS"] = ["1"]
    data["images-0-number"] = [number]
    data["images-0-image"] = upload
    data["_save"] = ["保存"]
    return client.post(url, data)


@pytest.mark.django_db
def test_an_uploaded_figure_prints_where_the_text_says(
    client, seed, text_material, secretariat_user, viewer_user
):
    client.force_login(secretariat_user)
    text = text_material.text + "\n\n![研修の様子（令和3年11月）](図1)\n"
    response = _post(
        client,
        text_material,
        text=text,
        upload=SimpleUploadedFile("kenshu.png", _png(2400, 1600), "image/png"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = MaterialImage.objects.get(material=text_material)
    assert (image.number, image.width, image.height) == (1, 2000, 1333)

    # The portal's material page, for a viewer of the published meeting.
    client.force_login(viewer_user)
    page = client.get(
        reverse("meetings:reference_detail", args=[seed.pk, 2])
    ).content.decode()
    src = image.image.url
    assert f'<img src="{src}" alt="研修の様子（令和3年11月）"' in page
    assert client.get(src).status_code == 200

    # In the packet: the image, tagged as a figure with its caption as Alt.
    data = packet.build_packet(seed).pdf
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sizes = {
            (int(x.Width), int(x.Height))
            for page in pdf.pages
            for x in page.get_images().values()
        }
        alts = {
            str(node.get("/Alt"))
            for node in struct_elements(pdf.Root.StructTreeRoot)
            if node.get("/S") == "/Figure"
        }
    assert (2000, 1333) in sizes
    assert "研修の様子（令和3年11月）" in alts


@pytest.mark.django_db
def test_a_file_that_is_no_image_is_refused_and_nothing_saved(
    client, seed, text_material, secretariat_user
):
    client.force_login(secretariat_user)
    before = text_material.text
    response = _post(
        client,
        text_material,
        text=before + "\n\n![x](図1)",
        upload=SimpleUploadedFile("x.png", b"GIF89a not really", "image/png"),
    )
    assert response.status_code == 200
    assert "画像として読めないファイルです" in response.content.decode()
    assert not MaterialImage.objects.exists()
    text_material.refresh_from_db()
    assert text_material.text == before


@pytest.mark.django_db
def test_an_unpublished_meetings_figure_is_the_secretariats_only(
    client, seed, text_material, secretariat_user, viewer_user
):
    image = MaterialImage.objects.create(
        material=text_material, number=1, image=ContentFile(_png(), name="u.png")
    )
    seed.published = False
    seed.save()
    client.force_login(viewer_user)
    assert client.get(image.image.url).status_code == 404
    client.force_login(secretariat_user)
    assert client.get(image.image.url).status_code == 200
