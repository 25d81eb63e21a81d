"""The search index: one row per thing a portal page shows (a document)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models import Headquarters, Meeting, Organization


class DocumentKind(models.TextChoices):
    # In the order the search page offers them.
    MEETING = "meeting", _("会議")
    AGENDA = "agenda", _("次第")
    MATERIAL = "material", _("資料")
    ITEM = "item", _("連携推進項目")
    SESSION = "session", _("WG等の開催")
    RESULT = "result", _("取り組み結果")
    HIGHLIGHT = "highlight", _("主な取り組み")
    INDICATOR = "indicator", _("指標")
    RULE = "rule", _("接種間隔のルール")
    NOTICE = "notice", _("事務連絡")


class Document(models.Model):
    """What a search finds: a meeting, a material, a result row…, with the
    page it is on. Written by search.index from the source record, never by
    hand; rebuilt by `manage.py rebuild_search_index`."""

    Kind = DocumentKind

    headquarters = models.ForeignKey(
        Headquarters,
        verbose_name=_("本部"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("元の記録の種類"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("元の記録のID"))
    # A PDF material has one document a page (the page is the place to link to).
    part = models.PositiveIntegerField(_("ページ"), default=0)
    # The meeting whose visibility a document shares (its agenda, materials).
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("会議"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("見出し"), max_length=300)
    context = models.CharField(_("所在"), max_length=300, blank=True)
    body = models.TextField(_("本文"), blank=True)
    url = models.CharField(_("URL"), max_length=500)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    date = models.DateField(_("日付"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        Organization, verbose_name=_("関係する市町村"), blank=True, related_name="+"
    )
    # PostgreSQL's index (a tsvector of the text's bigrams); SQLite keeps its
    # own in the FTS5 table search_fts (see search.backends).
    vector = SearchVectorField(null=True, blank=True)

    class Meta:
        verbose_name = _("検索の索引")
        verbose_name_plural = _("検索の索引")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id", "part"], name="search_document_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=DocumentKind.values),
                name="search_document_kind",
            ),
        ]
        indexes = [models.Index(fields=["headquarters", "kind", "fiscal_year"])]

    def __str__(self) -> str:
        return self.title


class ExtractedText(models.Model):
    """The text of an uploaded PDF, kept by its sha256 so that rebuilding the
    index does not read every file again."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    pages = models.JSONField(_("ページごとの本文"), default=list)
    extracted_at = models.DateTimeField(_("抽出日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("PDFの本文")
        verbose_name_plural = _("PDFの本文")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.sha256
