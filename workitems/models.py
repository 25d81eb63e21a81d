"""Cooperation items (連携推進項目): measures, WG sessions, results per fiscal year,
highlights, indicators, proposals of new items and fiscal-year plans."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import HeadquartersRecord, Meeting, Organization
from onechamber import jdates
from onechamber.fields import FiscalYearField, LinesField
from onechamber.models import ApproximateDate
from onechamber.tenancy import ScopedQuerySet
from onechamber.validators import is_portal_year, validate_fiscal_year


def lines(text: str) -> list[str]:
    """The non-empty lines of a text field that holds one bullet per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def nested_lines(text: str) -> list[dict]:
    """Bullets with sub-bullets: a line indented by spaces is a child of the one above."""
    tree: list[dict] = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        if raw[:1] in (" ", "\t", "\u3000") and tree:
            tree[-1]["children"].append(raw.strip())
        else:
            tree.append({"text": raw.strip(), "children": []})
    return tree


def organization_prefetches(prefix: str = "") -> list[models.Prefetch]:
    """Prefetches of an item's proposers and departments with their organisations;
    `prefix` is the path to the item (``"item__"`` from an ItemYear)."""
    return [
        models.Prefetch(
            f"{prefix}proposals",
            queryset=ItemProposer.objects.select_related("organization"),
        ),
        models.Prefetch(
            f"{prefix}responsibilities",
            queryset=ItemDepartment.objects.select_related("organization"),
        ),
    ]


class WorkItemQuerySet(ScopedQuerySet):
    def active_in(self, year: int) -> WorkItemQuerySet:
        """Items discussed in fiscal year `year` (new or continued that year)."""
        return self.filter(
            years__fiscal_year=year,
            years__status__in=[ItemYear.Status.NEW, ItemYear.Status.CONTINUED],
        ).distinct()

    def concerning(self, org: Organization) -> WorkItemQuerySet:
        """Items `org` proposed, is a target of, or takes part in.

        Each way is a subquery of item ids, so no join multiplies the rows
        (a DISTINCT over five joins read 14,700 rows for 600 items)."""
        return self.filter(
            Q(targets_all=True)
            | Q(pk__in=ItemProposer.objects.filter(organization=org).values("item_id"))
            | Q(
                pk__in=WorkItem.targets.through.objects.filter(organization=org).values(
                    "workitem_id"
                )
            )
            | Q(
                pk__in=Measure.participants.through.objects.filter(
                    organization=org
                ).values("measure__item_id")
            )
            | Q(
                pk__in=Session.participants.through.objects.filter(
                    organization=org
                ).values("session__measure__item_id")
            )
        )

    def for_department(self, org: Organization | None) -> WorkItemQuerySet:
        """Items for which department `org` or one of its divisions is responsible."""
        if org is None:
            return self.none()
        return self.filter(
            Q(
                pk__in=ItemDepartment.objects.filter(
                    Q(organization=org) | Q(organization__parent=org)
                ).values("item_id")
            )
            | Q(pk__in=Measure.objects.filter(department=org).values("item_id"))
        )

    def for_listing(self) -> WorkItemQuerySet:
        """With proposers, departments, targets and years, as lists show them."""
        return self.prefetch_related(*organization_prefetches(), "targets", "years")


class WorkItem(HeadquartersRecord):
    name = models.CharField(
        _("連携推進項目名"),
        max_length=200,
        help_text=_("例：防災・危機管理体制の連携・強化"),
    )
    short_name = models.CharField(
        _("略称"),
        max_length=100,
        blank=True,
        help_text=_(
            "取り組み実績のページ見出しで使う名前。例：有害鳥獣の連携捕獲の推進"
        ),
    )
    targets_all = models.BooleanField(
        _("対象：全市町村"), default=False, help_text=_("対象市町村が全市町村のとき。")
    )
    targets = models.ManyToManyField(
        Organization,
        verbose_name=_("対象市町村"),
        blank=True,
        related_name="targeted_workitems",
    )
    reported_at = models.ManyToManyField(
        Meeting,
        verbose_name=_("報告した会議"),
        blank=True,
        related_name="workitems",
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)

    objects = WorkItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("連携推進項目")
        verbose_name_plural = _("連携推進項目")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "name"],
                name="workitem_name_unique",
                violation_error_message=_("同じ名前の連携推進項目が既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workitems:item_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return self.short_name or self.name


def proposers_note(proposals) -> str:
    """Where the pages differ on an item's proposers (`proposals`, its
    ItemProposers), as a sentence; empty where every page lists them all."""
    parts = []
    for proposal in proposals:
        if proposal.left_out_on:
            parts.append(
                _("%(pages)sには%(name)sを記載していません。")
                % {
                    "pages": "・".join(proposal.left_out_on),
                    "name": proposal.organization,
                }
            )
    return "".join(parts)


class ItemProposer(models.Model):
    """A proposing municipality of an item, in the order the item lists them."""

    headquarters_path = "item__headquarters"

    item = models.ForeignKey(
        WorkItem,
        verbose_name=_("連携推進項目"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("提案市町村"),
        on_delete=models.PROTECT,
        related_name="proposed_items",
    )
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    # Where the secretariat's pages list it: the seed's pages do not always
    # agree (資料1's WG table and 資料2 leave out a proposer its results
    # sheet names), and a reprint prints each page as it was.
    on_wg_table = models.BooleanField(_("WG開催状況に記載"), default=True)
    on_sheet = models.BooleanField(_("取り組み結果に記載"), default=True)
    on_plan = models.BooleanField(_("協議事項（資料2）に記載"), default=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提案市町村")
        verbose_name_plural = _("提案市町村")
        ordering = ["item", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organization"],
                name="itemproposer_unique",
                violation_error_message=_("同じ提案市町村が二度登録されています。"),
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)

    PAGES = (
        ("on_wg_table", _("資料1のWG開催状況")),
        ("on_sheet", _("資料1の取り組み結果")),
        ("on_plan", _("資料2の連携推進項目")),
    )

    @property
    def left_out_on(self) -> list[str]:
        """The pages that do not list this proposer."""
        return [str(label) for name, label in self.PAGES if not getattr(self, name)]


class ItemDepartment(models.Model):
    """A department (部局) or division (課・室) responsible for an item."""

    headquarters_path = "item__headquarters"

    item = models.ForeignKey(
        WorkItem,
        verbose_name=_("連携推進項目"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("担当部局・課"),
        on_delete=models.PROTECT,
        related_name="responsible_items",
    )
    is_lead = models.BooleanField(_("まとめ"), default=False)
    order = models.PositiveSmallIntegerField(_("順番"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("担当部局・課")
        verbose_name_plural = _("担当部局・課")
        ordering = ["item", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organization"],
                name="itemdepartment_unique",
                violation_error_message=_("同じ部局・課が二度登録されています。"),
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(is_lead=True),
                name="itemdepartment_one_lead",
                violation_error_message=_("まとめの部局は1つだけにしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.organization}（まとめ）" if self.is_lead else str(self.organization)
        )

    def clean(self) -> None:
        if self.organization_id and self.organization.kind not in (
            Organization.Kind.DEPARTMENT,
            Organization.Kind.DIVISION,
        ):
            raise ValidationError(
                {"organization": _("県の部局か課・室を選んでください。")},
                code="not_department",
            )


class ItemYearQuerySet(ScopedQuerySet):
    def active(self) -> ItemYearQuerySet:
        """Years in which the item is discussed (new or continued)."""
        return self.filter(status__in=[ItemYear.Status.NEW, ItemYear.Status.CONTINUED])

    def in_fiscal_year(self, year: int) -> ItemYearQuerySet:
        """The status rows of fiscal year `year`."""
        return self.filter(fiscal_year=year)

    def for_department(self, org: Organization | None) -> ItemYearQuerySet:
        """Rows of items for which department `org` is responsible."""
        return self.filter(item__in=WorkItem.objects.for_department(org))


class ItemYear(models.Model):
    """An item's status in one fiscal year, and what that year holds for it."""

    headquarters_path = "item__headquarters"

    class Status(models.TextChoices):
        NEW = "new", _("新規")
        CONTINUED = "continued", _("継続")
        CONCLUDED = "concluded", _("協議終了")

    item = models.ForeignKey(
        WorkItem,
        verbose_name=_("連携推進項目"),
        on_delete=models.CASCADE,
        related_name="years",
    )
    fiscal_year = FiscalYearField(
        _("年度"),
        validators=[validate_fiscal_year],
        help_text=_("令和4年度、R4、2022 のどの形でも入力できます。"),
    )
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices)
    followup = models.CharField(
        _("終了後の進行管理"),
        max_length=200,
        blank=True,
        help_text=_("協議終了のとき。例：被害対策会議等で個別の進行管理"),
    )
    merged_into = models.ForeignKey(
        WorkItem,
        verbose_name=_("統合先の項目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_years",
        help_text=_("協議終了後、別の項目の一部として進行管理するとき。"),
    )
    plan_order = models.PositiveSmallIntegerField(
        _("協議事項での順番"), default=0, help_text=_("資料2の連携推進項目の番号。")
    )
    selection_reason = models.TextField(_("選定理由"), blank=True)

    objects = ItemYearQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度ごとの状態")
        verbose_name_plural = _("年度ごとの状態")
        ordering = ["fiscal_year", "plan_order", "item__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "fiscal_year"],
                name="itemyear_one_per_year",
                violation_error_message=_("この項目のこの年度の状態は既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "continued", "concluded"]),
                name="itemyear_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="concluded")
                | (Q(followup="") & Q(merged_into=None)),
                name="itemyear_followup_only_when_concluded",
                violation_error_message=_(
                    "終了後の進行管理と統合先は、協議終了のときだけ入力できます。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}（{jdates.fiscal_year_label(self.fiscal_year)}・{self.get_status_display()}）"

    def clean(self) -> None:
        if self.merged_into_id and self.merged_into_id == self.item_id:
            raise ValidationError(
                {"merged_into": _("統合先に同じ項目は選べません。")}, code="self_merge"
            )

    @property
    def fiscal_year_label(self) -> str:
        return jdates.fiscal_year_label(self.fiscal_year)

    @property
    def status_phrase(self) -> str:
        """``令和4年度協議継続`` / ``連携推進項目での協議を終了`` as the sheets write it."""
        if self.status == self.Status.CONCLUDED:
            return "連携推進項目での協議を終了"
        if self.status == self.Status.CONTINUED:
            return f"{jdates.fiscal_year_label(self.fiscal_year)}協議継続"
        return f"{jdates.fiscal_year_short(self.fiscal_year)}新規項目"


class Measure(models.Model):
    """A measure (施策) or WG division (WG区分) of an item; nested one level."""

    headquarters_path = "item__headquarters"

    item = models.ForeignKey(
        WorkItem,
        verbose_name=_("連携推進項目"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の施策"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    code = models.CharField(
        _("番号"), max_length=10, blank=True, help_text=_("例：①-1、②")
    )
    name = LinesField(
        _("施策名"),
        help_text=_("複数の柱があるときは1行に1つ（表では「・」付きで表示）。"),
    )
    department = models.ForeignKey(
        Organization,
        verbose_name=_("担当部局"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text=_("施策ごとに担当部局が違うときだけ。"),
    )
    wg_note = models.CharField(
        _("WG開催状況の注記"),
        max_length=200,
        blank=True,
        help_text=_("表で「※」を付けて添える文。例：上記会議以外に…協議を実施"),
    )
    list_children_in_wg_table = models.BooleanField(
        _("WG開催状況表で下位の施策を列挙"), default=False
    )
    participants = models.ManyToManyField(
        Organization,
        verbose_name=_("参加団体"),
        blank=True,
        related_name="measures_joined",
    )
    participation = models.CharField(
        _("参加団体（表記）"),
        max_length=60,
        blank=True,
        help_text=_("例：県・11市町、13市町村。"),
    )
    participant_count = models.PositiveSmallIntegerField(
        _("参加市町村数"), null=True, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("施策・WG区分")
        verbose_name_plural = _("施策・WG区分")
        ordering = ["item", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "parent", "code"],
                condition=~Q(code=""),
                name="measure_code_unique",
                violation_error_message=_("同じ番号の施策が既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def clean(self) -> None:
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("施策は2段までです。")}, code="too_deep"
                )
            if self.parent.item_id != self.item_id:
                raise ValidationError(
                    {"parent": _("上位の施策は同じ項目のものを選んでください。")},
                    code="parent_other_item",
                )

    @property
    def title(self) -> str:
        """The name on one line: ``子ども医療費(現物支給化)``."""
        return "・".join(lines(self.name))

    @property
    def name_lines(self) -> list[str]:
        return lines(self.name)


class SessionQuerySet(ScopedQuerySet):
    def in_fiscal_year(self, year: int) -> SessionQuerySet:
        """Sessions counted in cooperation year `year`."""
        return self.filter(fiscal_year=year)

    def dated(self) -> SessionQuerySet:
        return self.filter(date__isnull=False)

    def planned_ahead(self, today: dt.date) -> SessionQuerySet:
        """Planned sessions on or after `today` (approximate ones from this month)."""
        return self.filter(planned=True).filter(
            Q(date__gte=today) | Q(approx_month__gte=today.replace(day=1))
        )

    def overdue(self, today: dt.date) -> SessionQuerySet:
        """Sessions still marked planned although their date (or month) has passed."""
        month_start = today.replace(day=1)
        return self.filter(planned=True).filter(
            Q(date__lt=today) | Q(approx_month__lt=month_start)
        )

    def for_department(self, org: Organization | None) -> SessionQuerySet:
        return self.filter(measure__item__in=WorkItem.objects.for_department(org))

    def in_table_order(self) -> SessionQuerySet:
        return self.order_by("measure", "order", "date", "approx_month", "id")


class Session(ApproximateDate):
    """A WG session (or a meeting, training) of a measure; held or planned."""

    headquarters_path = "measure__item__headquarters"

    class Kind(models.TextChoices):
        WG = "wg", _("WG・会議")
        TRAINING = "training", _("研修")
        OTHER = "other", _("その他")

    class Format(models.TextChoices):
        UNKNOWN = "", _("（不明）")
        IN_PERSON = "in_person", _("対面")
        WEB = "web", _("WEB")
        HYBRID = "hybrid", _("対面+WEB")

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("施策・WG区分"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    fiscal_year = FiscalYearField(
        _("年度"),
        validators=[validate_fiscal_year],
        help_text=_(
            "どの年度の連携推進項目として開いたか（令和4年度、R4、2022 のどの形でも可）。"
            "年度の始まる前の1～3月の準備会合も含む。"
        ),
    )
    order = models.PositiveSmallIntegerField(
        _("順番"), default=0, help_text=_("表の中の並び。同じ順番なら日付順。")
    )
    kind = models.CharField(
        _("種類"), max_length=20, choices=Kind.choices, default=Kind.WG
    )
    planned = models.BooleanField(
        _("予定"), default=False, help_text=_("まだ開いていない会合。「2/4予定」など。")
    )
    topic = models.CharField(
        _("協議の内容"),
        max_length=200,
        blank=True,
        help_text=_("例：捕獲の「空白地域」解消に向けた協議"),
    )
    name = models.CharField(
        _("会議名"), max_length=100, blank=True, help_text=_("例：防災担当課長会議")
    )
    aside = models.BooleanField(
        _("※付き（WG以外の場）"),
        default=False,
        help_text=_("WGとは別の場での情報共有など、表で「※」を付けるもの。"),
    )
    participants = models.ManyToManyField(
        Organization,
        verbose_name=_("参加団体"),
        blank=True,
        related_name="sessions_attended",
    )
    participants_note = models.CharField(
        _("参加団体（表記）"),
        max_length=100,
        blank=True,
        help_text=_("例：5市、10市町村、市町村等"),
    )
    note = models.CharField(
        _("備考"), max_length=200, blank=True, help_text=_("例：3町村で協定締結")
    )
    format = models.CharField(
        _("開催形式"),
        max_length=20,
        choices=Format.choices,
        default=Format.UNKNOWN,
        blank=True,
    )

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("WG開催")
        verbose_name_plural = _("WG開催")
        ordering = ["measure", "order", "date", "approx_month", "id"]
        constraints = [
            *ApproximateDate.Meta.constraints,
            models.CheckConstraint(
                condition=Q(approx_month__isnull=True) | Q(planned=True),
                name="session_approximate_is_planned",
                violation_error_message=_(
                    "開催予定月だけの会合は「予定」にしてください。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["wg", "training", "other"]),
                name="session_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["", "in_person", "web", "hybrid"]),
                name="session_format_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.when_label} {self.name or self.topic or self.measure}".strip()

    def clean(self) -> None:
        super().clean()
        errors = {}
        when = self.date or self.approx_month
        # A year outside the portal's is the field's error, not this one's.
        if when and is_portal_year(self.fiscal_year):
            first = dt.date(self.fiscal_year, 1, 1)
            last = dt.date(self.fiscal_year + 1, 3, 31)
            if not first <= when <= last:
                errors["fiscal_year"] = ValidationError(
                    _(
                        "開催日は%(fy)sの期間（前年の1月から翌年3月まで）に入れてください。"
                    ),
                    code="fiscal_year_mismatch",
                    params={"fy": jdates.fiscal_year_label(self.fiscal_year)},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def when_label(self) -> str:
        """``2/4予定``, ``2月予定``, ``9/1`` as the WG table writes dates."""
        text = self.when.slash
        return f"{text}予定" if text and self.planned else text


def check_measure_of_item(measure: Measure | None, item_id: int) -> None:
    """A record of an item names one of that item's measures, if any."""
    if measure is not None and measure.item_id != item_id:
        raise ValidationError(
            {"measure": _("施策はこの項目のものを選んでください。")},
            code="measure_other_item",
        )


class ResultTable(models.Model):
    """One table of results of an item's year: 項目 | 今年度の成果 | 次年度以降."""

    headquarters_path = "item_year__item__headquarters"

    item_year = models.ForeignKey(
        ItemYear,
        verbose_name=_("年度"),
        on_delete=models.CASCADE,
        related_name="result_tables",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("施策"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="result_tables",
    )
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    title = models.CharField(
        _("表題"), max_length=100, blank=True, help_text=_("例：【広域避難関係】")
    )
    label_heading = models.CharField(_("1列目の見出し"), max_length=100, default="項目")
    results_heading = models.CharField(
        _("成果の列の見出し"),
        max_length=200,
        help_text=_("例：令和3年度の取り組み成果等(見込み含む)"),
    )
    next_heading = models.CharField(
        _("次年度以降の列の見出し"),
        max_length=200,
        help_text=_("例：令和4年度以降の取り組み"),
    )
    followup = models.CharField(
        _("進行管理"),
        max_length=200,
        blank=True,
        help_text=_("見出しに添える括弧書き。例：訓練事前打合等で個別の進行管理"),
    )
    merged_into = models.ForeignKey(
        WorkItem,
        verbose_name=_("統合先の項目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_tables",
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("取り組み結果の表")
        verbose_name_plural = _("取り組み結果の表")
        ordering = ["item_year", "order", "id"]

    def __str__(self) -> str:
        return f"{self.item_year.item} {self.title}".strip()

    def clean(self) -> None:
        if self.item_year_id:
            check_measure_of_item(self.measure, self.item_year.item_id)

    @property
    def next_heading_full(self) -> str:
        return (
            f"{self.next_heading}({self.followup})"
            if self.followup
            else self.next_heading
        )


class ResultRow(models.Model):
    """A row of a results table; bullets one per line."""

    headquarters_path = "table__item_year__item__headquarters"

    table = models.ForeignKey(
        ResultTable,
        verbose_name=_("表"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    heading = models.CharField(
        _("●見出し"),
        max_length=200,
        blank=True,
        help_text=_("「●」で始まる見出し（続く行と同じなら同じ文を入力）。"),
    )
    label = models.CharField(
        _("項目"),
        max_length=200,
        blank=True,
        help_text=_("例：①DX・働き方改革推進本部"),
    )
    results = LinesField(_("今年度の取り組み成果"), blank=True)
    next_steps = LinesField(_("次年度以降の取り組み"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("取り組み結果の行")
        verbose_name_plural = _("取り組み結果の行")
        ordering = ["table", "order", "id"]

    def __str__(self) -> str:
        return self.label or self.heading or f"#{self.order}"

    @property
    def result_lines(self) -> list[str]:
        return lines(self.results)

    @property
    def next_lines(self) -> list[str]:
        return lines(self.next_steps)


class Highlight(models.Model):
    """A page of main results (主な取り組み実績と成果): 概要 and 連携のポイント・成果."""

    headquarters_path = "item_year__item__headquarters"

    item_year = models.ForeignKey(
        ItemYear,
        verbose_name=_("年度"),
        on_delete=models.CASCADE,
        related_name="highlights",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("施策"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="highlights",
    )
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    after_table = models.ForeignKey(
        "ResultTable",
        verbose_name=_("この表の後に印刷"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="highlights_after",
        help_text=_(
            "取り組み結果の表のうち、このページを続けて印刷する表。"
            "空欄ならすべての表の後に印刷します。"
        ),
    )
    page_heading = models.CharField(
        _("ページの見出し"),
        max_length=100,
        blank=True,
        default="連携項目の主な取り組み実績と成果について",
        help_text=_(
            "年度と項目名を前後に付けて印刷します"
            "（例：令和3年度連携施策の主な取り組み実績と成果について (防災…)）。"
            "空欄なら見出しを印刷しません。"
        ),
    )
    title = models.CharField(
        _("連携項目名(施策)"),
        max_length=200,
        help_text=_("例：クマ等による人身被害防止対策の推進"),
    )
    overview = LinesField(
        _("概要"),
        nested=True,
        blank=True,
        help_text=_("1行に1項目。字下げした行は上の項目の小項目。"),
    )
    points_heading = models.CharField(
        _("ポイントの見出し"), max_length=60, default="連携のポイント・成果"
    )
    points = LinesField(_("連携のポイント・成果"), blank=True)
    captions = LinesField(
        _("写真・図の説明"),
        blank=True,
        help_text=_("紙面の写真や図の説明文。1行に1つ。"),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("主な取り組み実績と成果")
        verbose_name_plural = _("主な取り組み実績と成果")
        ordering = ["item_year", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.item_year_id:
            check_measure_of_item(self.measure, self.item_year.item_id)
            if self.after_table is not None and (
                self.after_table.item_year_id != self.item_year_id
            ):
                raise ValidationError(
                    {
                        "after_table": _(
                            "同じ項目・年度の取り組み結果の表を選んでください。"
                        )
                    }
                )

    @property
    def overview_tree(self) -> list[dict]:
        return nested_lines(self.overview)

    @property
    def point_lines(self) -> list[str]:
        return lines(self.points)

    @property
    def caption_lines(self) -> list[str]:
        return lines(self.captions)


class HighlightImage(models.Model):
    """A photo or figure of a highlight, uploaded as PNG or JPEG and stored as
    onechamber.images made it (upright, at most 2,000 pixels a side, without
    its metadata); printed at the line of 写真・図の説明 it illustrates, with
    that line as its caption. A replaced image's file is kept, since a
    distributed edition's pages may still show it."""

    headquarters_path = "highlight__item_year__item__headquarters"

    highlight = models.ForeignKey(
        Highlight,
        verbose_name=_("主な取り組み実績と成果"),
        on_delete=models.CASCADE,
        related_name="images",
    )
    caption_line = models.PositiveSmallIntegerField(
        _("説明の行"),
        help_text=_(
            "「写真・図の説明」の何行目の写真・図か（1から）。"
            "その行の場所に、その行を説明として印刷します。"
        ),
    )
    image = models.ImageField(
        _("画像"),
        upload_to="highlights/",
        width_field="width",
        height_field="height",
        max_length=200,
        help_text=_(
            "PNGかJPEGの画像。長い辺が2000ピクセルを超える画像は縮小して保存します。"
        ),
    )
    width = models.PositiveIntegerField(_("幅（ピクセル）"), default=0, editable=False)
    height = models.PositiveIntegerField(
        _("高さ（ピクセル）"), default=0, editable=False
    )
    alt = models.CharField(
        _("画像の内容（読み上げ用）"),
        max_length=200,
        blank=True,
        help_text=_("画面の読み上げで伝える内容。空欄なら説明の行を使います。"),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("写真・図")
        verbose_name_plural = _("写真・図")
        ordering = ["highlight", "caption_line", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["highlight", "caption_line"],
                name="highlight_image_one_per_line",
                violation_error_message=_("この説明の行には、すでに画像があります。"),
            )
        ]

    def __str__(self) -> str:
        return self.caption or str(_("写真・図"))

    def get_absolute_url(self) -> str:
        return reverse(
            "workitems:highlight_image", args=[self.image.name.split("/")[-1]]
        )

    def clean(self) -> None:
        if self.highlight_id is None and getattr(self, "highlight", None) is None:
            return
        count = len(self.highlight.caption_lines)
        if self.caption_line is not None and not 1 <= self.caption_line <= count:
            raise ValidationError(
                {
                    "caption_line": _(
                        "「写真・図の説明」は%(count)d行です。1から%(count)dの行を選んでください。"
                    )
                    % {"count": count}
                    if count
                    else _(
                        "先に「写真・図の説明」に、この画像の説明を1行書いてください。"
                    )
                }
            )

    @property
    def caption(self) -> str:
        captions = self.highlight.caption_lines if self.highlight_id else []
        n = self.caption_line or 0
        return captions[n - 1] if 1 <= n <= len(captions) else ""

    @property
    def alt_text(self) -> str:
        return self.alt or self.caption


class Milestone(models.Model):
    """A step of a highlight's timeline: ``R3.6 県・市町村と共同でプロポーザルを実施``."""

    headquarters_path = "highlight__item_year__item__headquarters"

    highlight = models.ForeignKey(
        Highlight,
        verbose_name=_("主な取り組み実績と成果"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    month = models.DateField(_("年月"), help_text=_("その月の1日を入力。"))
    onward = models.BooleanField(_("以降（～）"), default=False)
    text = models.CharField(_("内容"), max_length=200)
    note = models.CharField(_("注記"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("経過")
        verbose_name_plural = _("経過")
        ordering = ["highlight", "month", "id"]

    def __str__(self) -> str:
        return f"{self.month_label} {self.text}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)

    @property
    def month_label(self) -> str:
        return jdates.month_label(self.month, onward=self.onward)


class Indicator(models.Model):
    """A figure showing an item's effect, with its baseline where there is one."""

    headquarters_path = "item_year__item__headquarters"

    item_year = models.ForeignKey(
        ItemYear,
        verbose_name=_("年度"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    highlight = models.ForeignKey(
        Highlight,
        verbose_name=_("主な取り組み実績と成果"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    order = models.PositiveSmallIntegerField(_("順番"), default=0)
    printed = models.BooleanField(
        _("資料に印刷"),
        default=False,
        help_text=_(
            "資料1（印刷とそのページ）に数値の囲みとして載せるか。"
            "項目のページには常に表示します。"
        ),
    )
    name = models.CharField(
        _("指標名"), max_length=100, help_text=_("例：マイナンバーカード交付率")
    )
    unit = models.CharField(_("単位"), max_length=20, help_text=_("例：%、箇所、区間"))
    value = models.DecimalField(_("値"), max_digits=12, decimal_places=2)
    as_of = models.DateField(_("時点"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("順位"), null=True, blank=True)
    rank_scope = models.CharField(
        _("順位の範囲"), max_length=20, blank=True, default="全国"
    )
    baseline_value = models.DecimalField(
        _("基準値"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_as_of = models.DateField(_("基準値の時点"), null=True, blank=True)
    baseline_rank = models.PositiveSmallIntegerField(
        _("基準値の順位"), null=True, blank=True
    )
    baseline_label = models.CharField(
        _("基準値の説明"), max_length=60, blank=True, help_text=_("例：拡大前")
    )
    note = models.CharField(
        _("注記"), max_length=200, blank=True, help_text=_("例：26区間拡大")
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ["item_year", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="indicator_value_not_negative",
                violation_error_message=_("値は0以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=False)
                | (Q(baseline_as_of__isnull=True) & Q(baseline_rank__isnull=True)),
                name="indicator_baseline_has_value",
                violation_error_message=_(
                    "基準値の時点や順位を入れるときは基準値も入力してください。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.value_label}"

    @staticmethod
    def _number(value) -> str:
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    @property
    def value_label(self) -> str:
        return f"{self._number(self.value)}{self.unit}"

    @property
    def baseline_label_text(self) -> str:
        if self.baseline_value is None:
            return ""
        return f"{self._number(self.baseline_value)}{self.unit}"

    @property
    def change(self):
        if self.baseline_value is None:
            return None
        return self.value - self.baseline_value


class Proposal(models.Model):
    """The proposal sheet of a new item: 目標, 現状, 課題, 具体的手段, 効果."""

    headquarters_path = "item_year__item__headquarters"

    item_year = models.OneToOneField(
        ItemYear,
        verbose_name=_("年度"),
        on_delete=models.CASCADE,
        related_name="proposal",
    )
    goal = models.TextField(_("目標（目指す姿）"), blank=True)
    current_state = models.TextField(_("現状"), blank=True)
    issues = models.TextField(_("課題"), blank=True)
    means = models.TextField(_("具体的手段"), blank=True)
    effects = models.TextField(_("効果"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("新規項目の提案")
        verbose_name_plural = _("新規項目の提案")
        ordering = ["item_year"]

    def __str__(self) -> str:
        return str(self.item_year.item)

    def sections(self) -> list[tuple[str, list[str]]]:
        return [
            ("目標(目指す姿)", lines(self.goal)),
            ("現状", lines(self.current_state)),
            ("課題", lines(self.issues)),
            ("具体的手段", lines(self.means)),
            ("効果", lines(self.effects)),
        ]


class FiscalYearPlan(HeadquartersRecord):
    """What the headquarters takes up in a fiscal year (資料2)."""

    fiscal_year = FiscalYearField(_("年度"), validators=[validate_fiscal_year])
    draft = models.BooleanField(
        _("案"), default=True, help_text=_("「（案）」と表示。")
    )
    items_intro = models.TextField(_("連携推進項目の説明"), blank=True)
    issues_intro = models.TextField(_("個別課題の説明"), blank=True)
    other_issues = LinesField(
        _("想定される個別課題"),
        blank=True,
        help_text=_("1行に1つ。例：新型コロナウイルス対策"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度の協議事項")
        verbose_name_plural = _("年度の協議事項")
        ordering = ["fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "fiscal_year"],
                name="fiscalyearplan_one_per_year",
                violation_error_message=_("この年度の協議事項は既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return f"{jdates.fiscal_year_label(self.fiscal_year)}の協議事項"

    def get_absolute_url(self) -> str:
        return reverse("workitems:plan", args=[self.fiscal_year])

    @property
    def issue_lines(self) -> list[str]:
        return lines(self.other_issues)


class Agreement(models.Model):
    """An agreement concluded within an item: 舟橋村–上市町–立山町 協定 (9/1)."""

    headquarters_path = "item__headquarters"

    item = models.ForeignKey(
        WorkItem,
        verbose_name=_("連携推進項目"),
        on_delete=models.CASCADE,
        related_name="agreements",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("施策"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    title = models.CharField(_("協定名"), max_length=200)
    date = models.DateField(_("締結日"), null=True, blank=True)
    month = models.DateField(
        _("締結月"),
        null=True,
        blank=True,
        help_text=_("日が分からないとき、その月の1日。"),
    )
    parties = models.ManyToManyField(
        Organization,
        verbose_name=_("締結団体"),
        blank=True,
        related_name="agreements",
    )
    parties_note = models.CharField(_("締結団体（表記）"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("協定")
        verbose_name_plural = _("協定")
        ordering = ["item", "date", "month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(date__isnull=False) & Q(month__isnull=False)),
                name="agreement_date_or_month",
                violation_error_message=_(
                    "締結日と締結月は、どちらか一方だけ入力してください。"
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.item_id:
            check_measure_of_item(self.measure, self.item_id)

    @property
    def when_label(self) -> str:
        if self.date:
            return jdates.wareki(self.date, with_weekday=False)
        if self.month:
            return jdates.wareki_month(self.month.year, self.month.month)
        return ""
