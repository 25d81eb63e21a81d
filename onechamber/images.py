"""Photos and figures the secretariat uploads (a highlight's 写真・図), checked
and made printable before they are stored (Pillow).

An upload is accepted only as a PNG or JPEG file that Pillow reads whole, no
larger than ``IMAGE_MAX_UPLOAD_MB`` and no more than ``IMAGE_MAX_PIXELS``
pixels (a small file can declare a huge canvas: the decompression bomb is
refused before it is decoded). What is stored is made again from its pixels:
turned upright by its EXIF orientation, its longest side at most
``IMAGE_MAX_SIDE`` pixels (enough for an A4 page at 200 dpi), without its
metadata (EXIF holds the camera, the time and often the place), as PNG where
it came as PNG (figures and screenshots keep their sharp lines) and as JPEG
otherwise. Every refusal is a Japanese message on the form.
"""

from __future__ import annotations

import io
import mimetypes
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}


def _limits() -> tuple[int, int, int]:
    return (
        settings.IMAGE_MAX_UPLOAD_MB,
        settings.IMAGE_MAX_PIXELS,
        settings.IMAGE_MAX_SIDE,
    )


@dataclass(frozen=True)
class Prepared:
    """The image as it is stored: its file, format and size in pixels."""

    file: ContentFile
    format: str
    width: int
    height: int


def prepare(upload) -> Prepared:
    """Check `upload` (a file a person chose) and return the image to store;
    ValidationError with a message in Japanese where it cannot be taken."""
    max_mb, max_pixels, max_side = _limits()
    size = getattr(upload, "size", None)
    if size is not None and size > max_mb * 1024 * 1024:
        raise ValidationError(
            _(
                "画像のファイルが大きすぎます（%(size).1f MB）。%(limit)d MB以下にしてください。"
            )
            % {"size": size / 1024 / 1024, "limit": max_mb},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses at twice its own limit; ours is lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in FORMATS:
                    raise ValidationError(
                        _(
                            "PNGかJPEGの画像を選んでください（このファイルは%(kind)sです）。"
                        )
                        % {"kind": kind or _("画像ではありません")},
                        code="format",
                    )
                if width * height > max_pixels:
                    raise ValidationError(
                        _(
                            "画像の画素数が多すぎます（%(w)d×%(h)d）。"
                            "%(limit)d万画素以下にしてください。"
                        )
                        % {"w": width, "h": height, "limit": max_pixels // 10_000},
                        code="pixels",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(
            _("画像として読めないファイルです。PNGかJPEGの画像を選んでください。"),
            code="unreadable",
        ) from None
    except (OSError, SyntaxError, ValueError):
        # A truncated or damaged file: Pillow's verify and load raise these.
        raise ValidationError(
            _("画像のファイルが壊れています。元の画像を保存し直して選んでください。"),
            code="broken",
        ) from None
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        if image.mode != "RGB":
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    extension = FORMATS[kind][0]
    return Prepared(
        file=ContentFile(out.getvalue(), name=f"{secrets.token_hex(12)}.{extension}"),
        format=kind,
        width=image.width,
        height=image.height,
    )


def cleaned_upload(upload):
    """For a form's clean_<field>: a newly chosen file checked and remade
    (`prepare`), anything else (the stored image, or nothing) as it is."""
    if upload is None or upload is False or not hasattr(upload, "content_type"):
        return upload
    return prepare(upload).file


class ImageUploadFormMixin:
    """A model form whose `image` is taken only as `prepare` makes it."""

    def clean_image(self):
        return cleaned_upload(self.cleaned_data.get("image"))


IMAGE_WIDGET_ATTRS = {"accept": "image/png,image/jpeg"}


def owner_of(model, path: str, owner: str):
    """`owner` (a lookup from the image model) of the image stored at `path`:
    of the current row, else of its history, since a distributed edition's
    pages still name an image that was replaced since. None where no row has
    it."""
    for rows in (model.objects, model.history):
        found = rows.filter(image=path).values_list(owner, flat=True).first()
        if found is not None:
            return found
    return None


def file_response(path: str):
    """The stored image at `path` (the caller has checked who may see it), or
    404 where its file is gone. Its name is new with every upload, so the
    answer may be kept: the file behind a name never changes."""
    if not default_storage.exists(path):
        raise Http404
    response = FileResponse(
        default_storage.open(path, "rb"),
        content_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
