"""Forms for the admin: materials (section kinds, PDF uploads) and copying."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meetings import sections
from meetings.models import Material
from meetings.packet.engine import MAX_UPLOAD_PAGES, UnreadablePdf, read_pdf
from onechamber.forms import JapaneseDateField

PDF_PROBLEMS = {
    "not_pdf": _(
        "PDFファイルではありません。PDF形式で保存したファイルを選んでください。"
    ),
    "encrypted": _(
        "パスワードで保護されたPDFは使えません。保護を外して保存してください。"
    ),
    "empty": _("ページのないPDFです。"),
    "too_many_pages": _(
        "ページが多すぎます（%(detail)sページ）。%(limit)sページまでにしてください。"
    ),
    "bad_page": _("用紙の大きさが正しくないページがあるPDFです。"),
    "corrupt": _("PDFファイルが壊れているため読み込めません（%(detail)s）。"),
}


def validate_pdf(upload) -> None:
    """A real, readable, unencrypted PDF within the size limit, every page of
    which the packet can print (the same checks as the packet builder)."""
    limit_mb = settings.MATERIAL_MAX_UPLOAD_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("PDFファイルが大きすぎます（上限 %(limit)s MB）。"),
            code="too_large",
            params={"limit": limit_mb},
        )
    upload.seek(0)
    try:
        read_pdf(upload.read())
    except UnreadablePdf as exc:
        raise ValidationError(
            PDF_PROBLEMS[exc.code],
            code=exc.code,
            params={"detail": exc.detail, "limit": MAX_UPLOAD_PAGES},
        ) from exc
    finally:
        upload.seek(0)


class MaterialForm(forms.ModelForm):
    section_kind = forms.ChoiceField(
        label=_("作成する内容"), required=False, choices=()
    )

    class Meta:
        model = Material
        fields = [
            "series",
            "order",
            "title",
            "department",
            "content",
            "section_kind",
            "text",
            "file",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------"), *sections.choices()]
        current = self.instance.section_kind if self.instance else ""
        if current and current not in sections.registry:
            # Keep a kind whose app is not installed visible, so saving the
            # meeting does not silently drop it; model validation names it.
            choices.append((current, _("%(kind)s（使えません）") % {"kind": current}))
        self.fields["section_kind"].choices = choices

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            validate_pdf(upload)
        return upload


class CopyMeetingForm(forms.Form):
    new_date = JapaneseDateField(
        label=_("次回の開催日"), help_text=_("例：2022-05-19、令和4年5月19日、R4.5.19")
    )
    number = forms.IntegerField(
        label=_("回"), min_value=1, required=False, help_text=_("空欄なら次の番号。")
    )


class ReissueForm(forms.Form):
    note = forms.CharField(
        label=_("差し替えの内容"),
        max_length=300,
        required=False,
        help_text=_("例：資料1 3ページの数値を訂正（差し替え一覧に載ります）"),
        widget=forms.TextInput(attrs={"size": 60}),
    )
