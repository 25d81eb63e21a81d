"""Forms for the admin: materials (section kinds, PDF uploads) and copying."""

from __future__ import annotations

import logging
import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from meetings import sections, services
from meetings.models import Material, Meeting
from meetings.packet.engine import PdfLimits, UnreadablePdf, check_pdf_isolated
from meetings.text import tabs_to_markdown
from onechamber.forms import JapaneseDateField
from onechamber.uploads import KeepUploadMixin

logger = logging.getLogger(__name__)

# The child process that checks an upload (check_pdf_isolated) gets this long
# and this much address space; a normal PDF takes a fraction of a second.
PDF_CHECK_TIMEOUT = 20
PDF_CHECK_MEMORY_MB = 1024

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
    "too_big_page": _(
        "展開すると大きすぎるPDFです（ページ%(detail)s）。"
        "1ページ%(page_mb)s MBまでにしてください。"
    ),
    "too_big": _(
        "展開すると大きすぎるPDFです（全体で%(total_mb)s MBを超えます）。"
        "ファイルを分けるか、画像の解像度を下げてください。"
    ),
    "too_deep": _(
        "PDFの中の入れ子が深すぎます（%(depth)s段まで）。"
        "印刷用のPDFとして保存し直してください。"
    ),
    "too_slow": _(
        "PDFの確認が時間内（%(detail)s秒）に終わりませんでした。"
        "印刷用のPDFとして保存し直してください。"
    ),
    "check_failed": _(
        "PDFの確認が決められたメモリの中で終わりませんでした（%(detail)s）。"
        "印刷用のPDFとして保存し直してください。"
    ),
}


def pdf_limits() -> PdfLimits:
    """The limits an uploaded PDF is checked against, from the settings."""
    return PdfLimits(
        max_pages=settings.PDF_MAX_PAGES,
        max_decompressed_mb=settings.PDF_MAX_DECOMPRESSED_MB,
        max_page_decompressed_mb=settings.PDF_MAX_PAGE_DECOMPRESSED_MB,
        max_depth=settings.PDF_MAX_DEPTH,
    )


def validate_pdf(upload) -> tuple[bytes, list[str]]:
    """A real, readable, unencrypted PDF within the size limits, every page of
    which the packet can print: the PDF without its active content (links out,
    JavaScript, attachments), and what was removed. Checked in a child process
    with bounded memory and time (engine.check_pdf_isolated)."""
    limit_mb = settings.MATERIAL_MAX_UPLOAD_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("PDFファイルが大きすぎます（上限 %(limit)s MB）。"),
            code="too_large",
            params={"limit": limit_mb},
        )
    limits = pdf_limits()
    upload.seek(0)
    try:
        return check_pdf_isolated(
            upload.read(),
            limits,
            timeout=PDF_CHECK_TIMEOUT,
            memory_mb=PDF_CHECK_MEMORY_MB,
        )
    except UnreadablePdf as exc:
        raise ValidationError(
            PDF_PROBLEMS[exc.code],
            code=exc.code,
            params={
                "detail": exc.detail,
                "limit": limits.max_pages,
                "page_mb": limits.max_page_decompressed_mb,
                "total_mb": limits.max_decompressed_mb,
                "depth": limits.max_depth,
            },
        ) from exc
    finally:
        upload.seek(0)


class MaterialForm(KeepUploadMixin, forms.ModelForm):
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
            "deadline",
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
        if "section_options" in self.fields:
            # Each kind's extras, named with the kind; the model checks that
            # the chosen ones are the chosen kind's.
            self.fields["section_options"] = forms.MultipleChoiceField(
                label=Material._meta.get_field("section_options").verbose_name,
                help_text=Material._meta.get_field("section_options").help_text,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (kind.label, list(kind.options))
                    for kind in sections.registry.values()
                    if kind.options
                ],
            )
        if "text" in self.fields:
            self.fields["text"].help_text = _(
                "「本文」のときの内容。改行はそのまま改行に、「## 」で始まる行は"
                "見出し、「- 」で始まる行は箇条書きになります。Excelの表は、セルを"
                "選んでコピーし、そのまま貼り付けると表になります。"
            )

    def clean_section_options(self):
        return list(self.cleaned_data.get("section_options") or [])

    def clean_text(self):
        # A table pasted from Excel arrives tab-separated: store it as a table.
        return tabs_to_markdown(self.cleaned_data.get("text", ""))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            data, removed = validate_pdf(upload)
            if removed:
                # Stored without it: the packet and the download serve the
                # sanitised file only.
                logger.warning(
                    "removed active content from uploaded PDF %r: %s",
                    upload.name,
                    "; ".join(removed),
                )
                upload = ContentFile(data, name=upload.name)
            return self.keep_upload(upload, fresh=True)
        return self.keep_upload(upload)


COPY_FORM_SALT = "meetings.copy_meeting"


def new_copy_token(meeting) -> str:
    """A one-time key for one copy form of `meeting`, signed so that it names
    that meeting: the copy it makes keeps the random part (`copy_token`)."""
    return signing.dumps([meeting.pk, secrets.token_urlsafe(16)], salt=COPY_FORM_SALT)


class PlannedCheckbox(forms.CheckboxInput):
    """A checkbox whose value is the primary key of the planned meeting it names
    (`planned_pk`, set by the form): a tick agrees to fill that meeting only, so
    a date changed afterwards never carries the tick over to another one."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.planned_pk = None

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, self.planned_pk, attrs)
        context["widget"]["attrs"]["checked"] = (
            value is not None
            and self.planned_pk is not None
            and str(value) == str(self.planned_pk)
        )
        return context


class CopyMeetingForm(forms.Form):
    new_date = JapaneseDateField(
        label=_("次回の開催日"), help_text=_("例：2022-05-19、令和4年5月19日、R4.5.19")
    )
    number = forms.IntegerField(
        label=_("回"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_(
            "空欄なら、年間スケジュールで計画中の回（なければ次の番号）。"
            "臨時会議は空欄。"
        ),
    )
    fill_planned = forms.IntegerField(
        label=_("計画中の会議に反映する"), required=False, widget=PlannedCheckbox
    )
    token = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _(
                "フォームの受付番号がありません。会議の一覧から"
                "「次回の会議を作成」を選び直してください。"
            )
        },
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        # Where the copy would go, once the date is known (services.plan_copy),
        # and what filling a planned meeting would change.
        self.plan = None
        self.offered = None
        self.planned_changes: list[str] = []
        if not self.is_bound:
            self.fields["token"].initial = new_copy_token(meeting)

    def clean_token(self) -> str:
        try:
            pk, nonce = signing.loads(self.cleaned_data["token"], salt=COPY_FORM_SALT)
        except (signing.BadSignature, TypeError, ValueError):
            pk, nonce = None, None
        if pk != self.meeting.pk or not isinstance(nonce, str):
            raise ValidationError(
                _(
                    "フォームの受付番号が正しくありません。会議の一覧から"
                    "「次回の会議を作成」を選び直してください。"
                ),
                code="bad_token",
            )
        return nonce

    def clean_number(self):
        number = self.cleaned_data.get("number")
        if number is not None and self.meeting.kind != self.meeting.Kind.REGULAR:
            raise ValidationError(
                _("臨時会議には回を付けません。「回」を空欄にしてください。"),
                code="number_not_regular",
            )
        return number

    def clean(self):
        cleaned = super().clean()
        new_date = cleaned.get("new_date")
        if new_date and not self.has_error("number"):
            self.show_plan(
                services.plan_copy(
                    meeting=self.meeting,
                    new_date=new_date,
                    number=cleaned.get("number"),
                ),
                new_date=new_date,
            )
        return cleaned

    def show_plan(self, plan, *, new_date) -> None:
        """Offer (`offered`) the planned meeting `plan` would fill, with what
        filling it changes."""
        self.plan = plan
        planned = plan.planned
        if planned is not None and Meeting.objects.filter(fills=planned).exists():
            planned = None  # filled already: the copy explains, nothing to tick
        self.offered = planned
        field = self.fields["fill_planned"]
        field.widget.planned_pk = planned.pk if planned else None
        if planned is not None:
            field.label = _("%(planned)sに反映する") % {
                "planned": services.planned_label(planned)
            }
            # Its bound field, made while cleaning, copied the label then.
            self["fill_planned"].label = field.label
            self.planned_changes = services.planned_changes(
                meeting=self.meeting, planned=planned, new_date=new_date
            )


class ReissueForm(forms.Form):
    note = forms.CharField(
        label=_("差し替えの内容"),
        max_length=300,
        required=False,
        help_text=_("例：資料1 3ページの数値を訂正（差し替え一覧に載ります）"),
        widget=forms.TextInput(attrs={"size": 60}),
    )


class SubmitForm(forms.Form):
    """A department hands in a material asked of it."""

    file = forms.FileField(
        label=_("PDFファイル"),
        required=False,
        help_text=_(
            "PDFで提出する資料のとき。ポータルのデータから作る資料は、そのデータを入力してから提出します。"
        ),
    )
    comment = forms.CharField(
        label=_("事務局へのひとこと"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            data, removed = validate_pdf(upload)
            if removed:
                logger.warning(
                    "removed active content from submitted PDF %r: %s",
                    upload.name,
                    "; ".join(removed),
                )
                upload = ContentFile(data, name=upload.name)
        return upload


class ReviewForm(forms.Form):
    """The secretariat approves a submitted material or sends it back."""

    comment = forms.CharField(
        label=_("コメント（差し戻すときは必須）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
