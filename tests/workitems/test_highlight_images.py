"""A highlight's photos and figures: checked and remade on upload
(onechamber/images.py), uploaded on the highlight's admin page for a line of
写真・図の説明, shown on the item's page to its headquarters only, and printed
in 資料1 at that line with the line as caption and as the figure's
alternative text."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from meetings import packet
from onechamber import images
from onechamber.roles import sync_groups
from tests.factories import make_headquarters, make_user
from tests.onechamber.fuzzkit import form_fields
from workitems.models import Highlight, HighlightImage

KUMA = "クマ等による人身被害防止対策の推進"


def _png(width=300, height=200, color=(200, 30, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), color).save(out, "PNG")
    return out.getvalue()


def _upload(data: bytes, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- the check and the remake (no database) ---------------------------------


def test_a_large_png_is_kept_as_png_at_most_2000_pixels_a_side():
    prepared = images.prepare(_upload(_png(3000, 1500)))
    assert (prepared.format, prepared.width, prepared.height) == ("PNG", 2000, 1000)
    assert prepared.file.name.endswith(".png")
    with Image.open(io.BytesIO(prepared.file.read())) as stored:
        assert stored.format == "PNG"
        assert stored.size == (2000, 1000)


def test_a_jpeg_is_turned_upright_and_loses_its_metadata():
    photo = Image.new("RGB", (400, 100), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; shown rotated 90°
    exif[0x010F] = "onechamber test camera"  # Make
    out = io.BytesIO()
    photo.save(out, "JPEG", exif=exif)
    prepared = images.prepare(_upload(out.getvalue(), "photo.jpg", "image/jpeg"))
    assert (prepared.format, prepared.width, prepared.height) == ("JPEG", 100, 400)
    with Image.open(io.BytesIO(prepared.file.read())) as stored:
        assert stored.size == (100, 400)
        assert dict(stored.getexif()) == {}


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"GIF89a" + _png()[6:], "anim.gif", "PNGかJPEGの画像を選んでください"),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "doc.png", "画像として読めない"),
        (b"", "empty.png", "画像として読めない"),
        (_png()[:60], "cut.png", "壊れています"),
    ],
)
def test_what_is_not_a_whole_png_or_jpeg_is_refused_with_a_reason(data, name, message):
    with pytest.raises(ValidationError) as refused:
        images.prepare(_upload(data, name))
    assert message in " ".join(refused.value.messages)


def test_another_image_format_is_refused_by_name():
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "GIF")
    with pytest.raises(ValidationError) as refused:
        images.prepare(_upload(out.getvalue(), "figure.gif", "image/gif"))
    assert refused.value.messages == [
        "PNGかJPEGの画像を選んでください（このファイルはGIFです）。"
    ]


def test_a_canvas_of_too_many_pixels_is_refused_before_it_is_decoded(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as refused:
        images.prepare(_upload(_png(2000, 1000, mode="L", color=0)))
    assert "画素数が多すぎます（2000×1000）" in refused.value.messages[0]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMAGE_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError) as refused:
        images.prepare(_upload(_png()))
    assert "0 MB以下にしてください" in refused.value.messages[0]


# --- the admin, the portal and the packet ------------------------------------


def _post_image(client, highlight, upload, *, line="1", alt=""):
    """The highlight's change page posted as shown, with one image row added."""
    url = reverse("admin:workitems_highlight_change", args=[highlight.pk])
    page = client.get(url)
    assert page.status_code == 200
    pairs, _names = form_fields(page.content.decode())
    data: dict[str, list] = {}
    for key, value in pairs:
        if key.startswith("images-__prefix__") or key in ("_addanother", "_continue"):
            continue
        data.setdefault(key, []).append(value)
    data["images-TOTAL_FORMS"] = ["1"]
    data["images-0-caption_line"] = [line]
    data["images-0-alt"] = [alt]
    data["images-0-image"] = upload
    data["_save"] = ["保存"]
    return client.post(url, data)


@pytest.fixture
def kuma(seed):
    return Highlight.objects.get(title=KUMA)


@pytest.mark.django_db
def test_an_image_is_uploaded_for_a_caption_line_and_printed_there(
    client, seed, kuma, secretariat_user, viewer_user
):
    client.force_login(secretariat_user)
    response = _post_image(client, kuma, _upload(_png(3000, 1500), "kuma.png"))
    assert response.status_code == 302, response.content.decode()[:3000]
    image = HighlightImage.objects.get(highlight=kuma)
    assert (image.caption_line, image.width, image.height) == (1, 2000, 1000)
    assert image.caption == "捕獲の空白地帯の解消(舟橋村)"

    # The item's page: the image at its line, the other line a placeholder.
    client.force_login(viewer_user)
    html = client.get(
        reverse("workitems:item_detail", args=[kuma.item_year.item_id])
    ).content.decode()
    # At its media address, where the view checks who asks (the packet reads
    # the same HTML from the media files).
    src = image.get_absolute_url()
    assert src == image.image.url == f"/media/{image.image.name}"
    assert f'<img src="{src}" alt="捕獲の空白地帯の解消(舟橋村)"' in html
    assert "<figcaption>捕獲の空白地帯の解消(舟橋村)</figcaption>" in html
    assert "［写真・図］デジタル技術活用の推進" in html
    assert "［写真・図］捕獲の空白地帯の解消" not in html
    served = client.get(src)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")

    # 資料1 prints it as a figure, its caption its alternative text.
    data = packet.build_packet(seed).pdf
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sizes = {
            (int(x.Width), int(x.Height))
            for page in pdf.pages
            for x in page.get_images().values()
        }
        assert (2000, 1000) in sizes
        alts = {
            str(node.get("/Alt"))
            for node in _struct_elements(pdf.Root.StructTreeRoot)
            if node.get("/S") == "/Figure"
        }
    assert "捕獲の空白地帯の解消(舟橋村)" in alts


def _struct_elements(node, seen=None):
    seen = set() if seen is None else seen
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.objgen not in seen:
            seen.add(kid.objgen)
            if "/S" in kid:
                yield kid
            yield from _struct_elements(kid, seen)


@pytest.mark.django_db
def test_another_headquarters_never_gets_the_image(
    client, seed, kuma, secretariat_user
):
    client.force_login(secretariat_user)
    assert _post_image(client, kuma, _upload(_png(), "a.png")).status_code == 302
    src = HighlightImage.objects.get(highlight=kuma).get_absolute_url()
    sync_groups()
    outsider = make_user(
        role="viewer",
        username="outsider",
        headquarters=make_headquarters(name="別の本部"),
    )
    client.force_login(outsider)
    assert client.get(src).status_code == 404
    client.logout()
    assert client.get(src).status_code == 302  # to the login page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("3", "「写真・図の説明」は2行です。1から2の行を選んでください。"),
        ("0", "1から2の行を選んでください"),
    ],
)
def test_a_line_the_captions_do_not_have_is_refused_and_nothing_saved(
    client, seed, kuma, secretariat_user, line, message
):
    client.force_login(secretariat_user)
    response = _post_image(client, kuma, _upload(_png(), "a.png"), line=line)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HighlightImage.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_no_image_is_refused_on_the_form(
    client, seed, kuma, secretariat_user
):
    client.force_login(secretariat_user)
    response = _post_image(
        client, kuma, _upload(b"%PDF-1.4 not an image", "photo.png", "image/png")
    )
    assert response.status_code == 200
    assert "画像として読めないファイルです" in response.content.decode()
    assert not HighlightImage.objects.exists()


@pytest.mark.django_db
def test_a_distributed_editions_page_shows_the_image_it_froze(
    client, seed, kuma, secretariat_user, viewer_user
):
    from django.core.files.base import ContentFile

    from meetings import editions

    HighlightImage.objects.create(
        highlight=kuma, caption_line=2, image=ContentFile(_png(), name="dx.png")
    )
    edition = editions.distribute(meeting=seed, by=secretariat_user)
    edition.refresh_from_db()
    assert edition.state == "ready"
    client.force_login(viewer_user)
    page = client.get(
        reverse("meetings:edition_material_detail", args=[seed.pk, edition.number, 1])
    ).content.decode()
    src = HighlightImage.objects.get(highlight=kuma).image.url
    assert f'<img src="{src}" alt="デジタル技術活用の推進"' in page
    assert client.get(src).status_code == 200
