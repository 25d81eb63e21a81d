"""Organisations, people, meetings, agendas, materials, attendance and seats."""

from __future__ import annotations

import secrets

import simple_history
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings import sections
from onechamber import jdates
from onechamber.codes import is_valid_code
from onechamber.fields import FiscalYearField
from onechamber.models import ApproximateDate
from onechamber.tenancy import ScopedQuerySet
from onechamber.validators import is_portal_year, validate_fiscal_year


def validate_local_government_code(value: str) -> None:
    if not is_valid_code(value):
        raise ValidationError(
            _(
                "全国地方公共団体コード「%(value)s」は正しくありません。"
                "6桁の数字で、6桁目は検査数字です。"
            ),
            code="invalid_code",
            params={"value": value},
        )


class HeadquartersRecord(models.Model):
    """A top-level record: it belongs to one headquarters (the tenant), and its
    QuerySet reads it per headquarters (see onechamber.tenancy)."""

    headquarters_path = "headquarters"

    headquarters = models.ForeignKey(
        "meetings.Headquarters",
        verbose_name=_("本部"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class OrganizationQuerySet(ScopedQuerySet):
    MUNICIPAL_KINDS = ("city", "town", "village")

    def municipalities(self) -> OrganizationQuerySet:
        """Cities, towns and villages, in official order."""
        return self.filter(kind__in=self.MUNICIPAL_KINDS)

    def departments(self) -> OrganizationQuerySet:
        """Prefectural departments (部局), not their divisions."""
        return self.filter(kind=Organization.Kind.DEPARTMENT)

    def local_governments(self) -> OrganizationQuerySet:
        """Organisations with a 全国地方公共団体コード."""
        return self.exclude(code="")

    def within(self, org: Organization | None) -> OrganizationQuerySet:
        """`org` and every organisation below it (a 部 and its 課): what a
        department account keeps."""
        return self.filter(pk__in=own_organization_ids(org))


def own_organization_ids(org) -> set[int]:
    """The primary keys of `org` and of every organisation below it.

    Kept on the instance for its life (an account's organisation lives one
    request): a department's page asks it for every choice it narrows."""
    if org is None:
        return set()
    cached = org.__dict__.get("_own_organization_ids")
    if cached is not None:
        return set(cached)
    found = {org.pk}
    frontier = {org.pk}
    while frontier:
        frontier = set(
            Organization.objects.filter(parent__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    org.__dict__["_own_organization_ids"] = frozenset(found)
    return found


class Organization(HeadquartersRecord):
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("都道府県")
        CITY = "city", _("市")
        TOWN = "town", _("町")
        VILLAGE = "village", _("村")
        ASSOCIATION = "association", _("団体")
        DEPARTMENT = "department", _("部局")
        DIVISION = "division", _("課・室")
        OTHER = "other", _("その他")

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(
        _("略称"),
        max_length=40,
        blank=True,
        help_text=_("表の中で使う短い名前（例：舟橋村 → 舟橋）。"),
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        blank=True,
        validators=[validate_local_government_code],
        help_text=_("6桁（検査数字を含む）。例：富山市 162019"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の組織"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveIntegerField(
        _("表示順"), default=0, help_text=_("公式の並び順。小さいほど先。")
    )

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "prefecture",
                        "city",
                        "town",
                        "village",
                        "association",
                        "department",
                        "division",
                        "other",
                    ]
                ),
                name="organization_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["headquarters", "code"],
                condition=~Q(code=""),
                name="organization_code_unique",
                violation_error_message=_("この団体コードは既に登録されています。"),
            ),
            models.UniqueConstraint(
                fields=["headquarters", "name", "kind"],
                name="organization_name_kind_unique",
                violation_error_message=_("同じ名称・種別の組織が既にあります。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:municipality", args=[self.code]) if self.code else ""

    @property
    def is_municipality(self) -> bool:
        return self.kind in OrganizationQuerySet.MUNICIPAL_KINDS

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Person(HeadquartersRecord):
    name = models.CharField(
        _("氏名"), max_length=60, help_text=_("姓と名の間に全角または半角スペース。")
    )
    kana = models.CharField(_("ふりがな"), max_length=80, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("人物")
        verbose_name_plural = _("人物")
        ordering = ["kana", "name"]

    def __str__(self) -> str:
        return self.name


class PositionQuerySet(ScopedQuerySet):
    def with_current_holder(self, today) -> PositionQuerySet:
        """Positions with `current_tenures` prefetched: the terms in force on `today`."""
        return self.prefetch_related(
            models.Prefetch(
                "tenures",
                queryset=Tenure.objects.in_force(today).select_related("person"),
                to_attr="current_tenures",
            )
        )


class Position(models.Model):
    headquarters_path = "organization__headquarters"

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("組織"),
        on_delete=models.PROTECT,
        related_name="positions",
    )
    title = models.CharField(
        _("職名"), max_length=60, help_text=_("例：富山市長、副知事")
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)

    objects = PositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("職")
        verbose_name_plural = _("職")
        ordering = ["organization__order", "order", "id"]

    def __str__(self) -> str:
        return self.title


class TenureQuerySet(ScopedQuerySet):
    def in_force(self, day) -> TenureQuerySet:
        """Terms that have begun by `day` and not ended before it."""
        return self.filter(Q(start__isnull=True) | Q(start__lte=day)).filter(
            Q(end__isnull=True) | Q(end__gte=day)
        )


class Tenure(models.Model):
    headquarters_path = "position__organization__headquarters"

    position = models.ForeignKey(
        Position, verbose_name=_("職"), on_delete=models.CASCADE, related_name="tenures"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人物"), on_delete=models.PROTECT, related_name="tenures"
    )
    start = models.DateField(
        _("就任日"), null=True, blank=True, help_text=_("分からなければ空欄。")
    )
    end = models.DateField(_("退任日"), null=True, blank=True)

    objects = TenureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("在任期間")
        verbose_name_plural = _("在任期間")
        ordering = ["position", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="tenure_end_after_start",
                violation_error_message=_("退任日は就任日より後の日付にしてください。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.person}"


class Headquarters(models.Model):
    """A coordination headquarters whose meetings the portal holds: the tenant
    every top-level record belongs to."""

    headquarters_path = "pk"

    name = models.CharField(
        _("名称"), max_length=100, help_text=_("例：「ワンチームとやま」連携推進本部")
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("設置団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("本部を置く団体（例：富山県）。本部の組織から選びます。"),
    )
    secretariat = models.ForeignKey(
        Organization,
        verbose_name=_("事務局"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("本部")
        verbose_name_plural = _("本部")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(ScopedQuerySet):
    def in_fiscal_year(self, year: int) -> MeetingQuerySet:
        """Meetings held or planned in fiscal year `year` (April to March)."""
        return self.filter(fiscal_year=year)

    def visible_to(self, user, *, headquarters=None) -> MeetingQuerySet:
        """The meetings of the user's headquarters (or of `headquarters`, for a
        packet printed for anyone) that the user may see: all of them with the
        permission to see unpublished meetings, else the published ones."""
        if headquarters is None:
            headquarters = headquarters_of(user)
        mine = self.for_headquarters(headquarters)
        if user.has_perm("meetings.view_unpublished_meeting"):
            # A copy being prepared stands in for the planned meeting it fills.
            return mine.filter(filled_by__isnull=True)
        # Viewers see a planned meeting until the copy that fills it is public.
        return mine.filter(published=True).exclude(filled_by__published=True)

    def upcoming(self, today) -> MeetingQuerySet:
        """Meetings not cancelled and not yet held as of `today`, soonest first."""
        return (
            self.exclude(status=Meeting.Status.CANCELLED)
            .annotate(_sort=Coalesce("date", "approx_month"))
            .filter(_sort__gte=today.replace(day=1))
            .exclude(date__lt=today)
            .order_by("_sort", "approx_part", "start_time")
        )

    def past(self, today) -> MeetingQuerySet:
        """Meetings dated before `today`, latest first."""
        return self.filter(date__lt=today).order_by("-date", "-start_time")

    def with_agenda(self) -> MeetingQuerySet:
        return self.prefetch_related("agenda_items__materials", "materials__department")


class Meeting(ApproximateDate, HeadquartersRecord):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("本部会議")
        EXTRAORDINARY = "extraordinary", _("臨時会議")
        ESTABLISHMENT = "establishment", _("設置")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("対面")
        WEB = "web", _("WEB")
        HYBRID = "hybrid", _("対面+WEB")

    class Status(models.TextChoices):
        PLANNED = "planned", _("予定（日程未定）")
        SCHEDULED = "scheduled", _("開催予定")
        HELD = "held", _("開催済")
        CANCELLED = "cancelled", _("中止")

    fiscal_year = FiscalYearField(
        _("年度"),
        validators=[validate_fiscal_year],
        help_text=_("令和4年度、R4、2022 のどの形でも入力できます。"),
    )
    number = models.PositiveSmallIntegerField(
        _("回"),
        null=True,
        blank=True,
        help_text=_("本部会議の第何回か。臨時会議は空欄。"),
    )
    kind = models.CharField(
        _("種類"), max_length=20, choices=Kind.choices, default=Kind.REGULAR
    )
    topic = models.CharField(
        _("議題（臨時会議）"),
        max_length=200,
        blank=True,
        help_text=_("臨時会議のテーマ。例：新型コロナウイルス対策に関する"),
    )
    format = models.CharField(
        _("開催形式"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    start_time = models.TimeField(_("開始時刻"), null=True, blank=True)
    end_time = models.TimeField(_("終了時刻"), null=True, blank=True)
    venue = models.CharField(_("場所"), max_length=200, blank=True)
    venue_short = models.CharField(
        _("場所（配席図用）"),
        max_length=200,
        blank=True,
        help_text=_("配席図に書く場所。空欄なら「場所」と同じ。"),
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    note = models.TextField(
        _("備考"), blank=True, help_text=_("年間スケジュールに添える注記など。")
    )
    published = models.BooleanField(
        _("公開"),
        default=False,
        help_text=_("公開すると市町村の利用者に表示されます。"),
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("コピー元"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="copies",
    )
    copy_token = models.CharField(
        _("コピーの受付番号"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_(
            "コピーのフォームごとの番号。同じフォームを二度送っても、"
            "会議は一つしか作られません。"
        ),
    )
    fills = models.OneToOneField(
        "self",
        verbose_name=_("反映先の計画中の会議"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="filled_by",
        help_text=_(
            "年間スケジュールで日程未定の会議。公開するまで、利用者には"
            "こちらが計画中のまま表示されます。"
        ),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = [Coalesce("date", "approx_month").asc(), "approx_part", "start_time"]
        permissions = [
            ("view_unpublished_meeting", _("未公開の会議を見る")),
        ]
        constraints = [
            *ApproximateDate.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=["regular", "extraordinary", "establishment"]),
                name="meeting_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["in_person", "web", "hybrid"]),
                name="meeting_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "scheduled", "held", "cancelled"]),
                name="meeting_status_valid",
            ),
            # A copy that fills a planned meeting shares its number until it
            # is published and the planned one gives way (services.py).
            models.UniqueConstraint(
                fields=["headquarters", "fiscal_year", "number"],
                condition=Q(kind="regular", fills__isnull=True),
                name="meeting_number_unique_in_year",
                violation_error_message=_("この年度のこの回の会議は既にあります。"),
            ),
            models.UniqueConstraint(
                fields=["copy_token"],
                condition=~Q(copy_token=""),
                name="meeting_copy_token_unique",
                violation_error_message=_("この内容のコピーは既に作成されています。"),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_end_after_start",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        when = self.date or self.approx_month
        # A year outside the portal's is the field's error, not this one's.
        if (
            when
            and is_portal_year(self.fiscal_year)
            and jdates.fiscal_year(when) != self.fiscal_year
        ):
            errors["fiscal_year"] = ValidationError(
                _("開催日（%(date)s）は%(fy)sに含まれません。"),
                code="fiscal_year_mismatch",
                params={
                    "date": jdates.wareki(when, with_weekday=False),
                    "fy": jdates.fiscal_year_label(self.fiscal_year),
                },
            )
        if self.kind == self.Kind.REGULAR and not self.number:
            errors["number"] = ValidationError(
                _("本部会議には回を入力してください。"), code="number_required"
            )
        if self.fills_id and "number" not in errors:
            planned = self.fills
            if (planned.fiscal_year, planned.kind, planned.number) != (
                self.fiscal_year,
                self.kind,
                self.number,
            ):
                errors["number"] = ValidationError(
                    _(
                        "この会議は計画中の「%(name)s」に反映するコピーのため、"
                        "年度・種類・回は変えられません。"
                    ),
                    code="fills_other_number",
                    params={"name": planned.name},
                )
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        # The number's uniqueness depends on `fills`, which no form edits: a
        # form that leaves it out must still check the number.
        super().validate_constraints(exclude=set(exclude or ()) - {"fills"})

    @property
    def fiscal_year_label(self) -> str:
        return jdates.fiscal_year_label(self.fiscal_year)

    @property
    def short_title(self) -> str:
        """``第4回本部会議``, ``新型コロナウイルス対策に関する臨時会議``."""
        if self.kind == self.Kind.REGULAR:
            return f"第{self.number}回本部会議"
        if self.kind == self.Kind.EXTRAORDINARY:
            return f"{self.topic}臨時会議"
        return f"{self.headquarters.name}{self.get_kind_display()}"

    @property
    def name(self) -> str:
        """``令和3年度第4回「ワンチームとやま」連携推進本部会議``."""
        if self.kind == self.Kind.REGULAR:
            return (
                f"{self.fiscal_year_label}第{self.number}回{self.headquarters.name}会議"
            )
        if self.kind == self.Kind.EXTRAORDINARY:
            return f"{self.topic}臨時会議（{self.fiscal_year_label}）"
        return self.short_title

    @property
    def when_label(self) -> str:
        """``令和4年1月20日（木）`` or, planned, ``令和4年5月中旬``."""
        return self.when.label

    @property
    def when_short(self) -> str:
        """``R4.1.20`` or ``R4.5月中旬``, as the annual schedule writes it."""
        return self.when.short


class AgendaItem(models.Model):
    headquarters_path = "meeting__headquarters"

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("会議"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("親の項目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("議事の小項目 (1)(2)… のとき、その親（例：議事）。"),
    )
    order = models.PositiveIntegerField(_("順番"), default=0)
    title = models.CharField(_("項目"), max_length=200)
    is_report = models.BooleanField(
        _("報告"), default=False, help_text=_("「（報告）」を付けて表示します。")
    )
    materials = models.ManyToManyField(
        "Material",
        verbose_name=_("使用する資料"),
        blank=True,
        related_name="agenda_items",
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("次第の項目")
        verbose_name_plural = _("次第")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.display_title

    def clean(self) -> None:
        if self.parent_id:
            if self.parent.meeting_id != self.meeting_id:
                raise ValidationError(
                    {"parent": _("親の項目は同じ会議の項目を選んでください。")},
                    code="parent_other_meeting",
                )
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("次第の項目は2段までです。")}, code="too_deep"
                )

    @property
    def display_title(self) -> str:
        return f"{self.title}（報告）" if self.is_report else self.title


class Submission(models.Model):
    """One step of a material's 提出 (request, submission, 差し戻し, approval):
    who did it, when, and what they said."""

    headquarters_path = "material__meeting__headquarters"

    class State(models.TextChoices):
        NONE = "", _("依頼なし")
        REQUESTED = "requested", _("未提出")
        SUBMITTED = "submitted", _("提出済")
        RETURNED = "returned", _("差し戻し")
        APPROVED = "approved", _("承認済")

    class Step(models.TextChoices):
        REQUESTED = "requested", _("提出を依頼")
        SUBMITTED = "submitted", _("提出")
        RETURNED = "returned", _("差し戻し")
        APPROVED = "approved", _("承認")

    material = models.ForeignKey(
        "Material",
        verbose_name=_("資料"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    step = models.CharField(_("操作"), max_length=20, choices=Step.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_name = models.CharField(_("操作した人の名前"), max_length=150, blank=True)
    at = models.DateTimeField(_("日時"), auto_now_add=True)
    comment = models.TextField(_("コメント"), blank=True)
    file_name = models.CharField(_("提出したファイル"), max_length=300, blank=True)
    # The PDF handed in at this step. It stays here, apart from the material,
    # until the secretariat approves it: a draft or a returned file never
    # reaches viewers, the packet or an edition.
    file = models.FileField(
        _("提出されたPDF"), upload_to="submissions/%Y/%m/", blank=True
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("提出の記録")
        verbose_name_plural = _("提出の記録")
        ordering = ["material", "at", "id"]

    def __str__(self) -> str:
        return f"{self.material} {self.get_step_display()}"


class MaterialQuerySet(ScopedQuerySet):
    def in_packet_order(self) -> MaterialQuerySet:
        """資料1, 資料2 … then 参考資料1 …"""
        return self.order_by("series", "order", "id")


class Material(models.Model):
    headquarters_path = "meeting__headquarters"

    class Series(models.TextChoices):
        # Codes sort main before reference, as the packet lists them.
        MAIN = "main", _("資料")
        REFERENCE = "reference", _("参考資料")

    class Content(models.TextChoices):
        SECTION = "section", _("ポータルのデータから作成")
        PDF = "pdf", _("PDFファイル")
        TEXT = "text", _("本文（Markdown）")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("会議"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    series = models.CharField(
        _("区分"), max_length=20, choices=Series.choices, default=Series.MAIN
    )
    order = models.PositiveIntegerField(
        _("順番"),
        default=0,
        help_text=_("区分の中の順番。番号はこの順に1から振られます。"),
    )
    title = models.CharField(_("表題"), max_length=300)
    department = models.ForeignKey(
        Organization,
        verbose_name=_("提出部局"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="materials",
    )
    content = models.CharField(
        _("内容の種類"), max_length=20, choices=Content.choices, default=Content.TEXT
    )
    section_kind = models.CharField(
        _("作成する内容"),
        max_length=60,
        blank=True,
        help_text=_("「ポータルのデータから作成」のとき、作成する内容の種類。"),
    )
    section_options = models.JSONField(
        _("追加の表・図"),
        default=list,
        blank=True,
        help_text=_(
            "作成する内容が用意している追加の表や図のうち、載せるもの"
            "（前回の資料にない表は既定では載せません）。"
        ),
    )
    text = models.TextField(
        _("本文"),
        blank=True,
        help_text=_(
            "Markdown（表は | で区切る）。HTMLのうち安全なものだけが残ります。"
        ),
    )
    file = models.FileField(_("PDFファイル"), upload_to="materials/%Y/%m/", blank=True)
    deadline = models.DateField(
        _("提出期限"),
        null=True,
        blank=True,
        help_text=_(
            "提出部局と提出期限を入れて保存すると、その部局に提出を依頼します。"
        ),
    )
    submission = models.CharField(
        _("提出の状態"),
        max_length=20,
        choices=Submission.State.choices,
        default=Submission.State.NONE,
        blank=True,
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = MaterialQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("配付資料")
        verbose_name_plural = _("配付資料")
        ordering = ["meeting", "series", "order", "id"]
        permissions = [("submit_material", _("依頼された資料を提出する"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    submission__in=[
                        "",
                        "requested",
                        "submitted",
                        "returned",
                        "approved",
                    ]
                ),
                name="material_submission_valid",
            ),
            models.CheckConstraint(
                condition=Q(series__in=["main", "reference"]),
                name="material_series_valid",
            ),
            models.CheckConstraint(
                condition=Q(content__in=["section", "pdf", "text"]),
                name="material_content_valid",
            ),
            models.CheckConstraint(
                condition=~Q(content="pdf") | ~Q(file=""),
                name="material_pdf_has_file",
                violation_error_message=_("PDFファイルを選んでください。"),
            ),
            models.CheckConstraint(
                condition=~Q(content="section") | ~Q(section_kind=""),
                name="material_section_has_kind",
                violation_error_message=_("作成する内容を選んでください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}"

    def clean(self) -> None:
        if self.content == self.Content.SECTION:
            if not self.section_kind:
                raise ValidationError(
                    {"section_kind": _("作成する内容を選んでください。")},
                    code="section_required",
                )
            if self.section_kind not in sections.registry:
                raise ValidationError(
                    {"section_kind": _("この内容の種類は使えません。")},
                    code="section_unknown",
                )
            offered = sections.registry[self.section_kind].option_keys
            unknown = [o for o in self.section_options or [] if o not in offered]
            if unknown or not isinstance(self.section_options, list):
                raise ValidationError(
                    {
                        "section_options": _(
                            "この作成する内容では選べない追加の表・図があります。"
                        )
                    },
                    code="section_option_unknown",
                )

        if self.content == self.Content.PDF and not self.file:
            raise ValidationError(
                {"file": _("PDFファイルを選んでください。")}, code="file_required"
            )

    def shows(self, option: str) -> bool:
        """Whether this section material prints its kind's extra `option`."""
        return option in (self.section_options or [])


class MaterialImage(models.Model):
    """A photo or figure of a text material (本文), printed where its text
    says ``![説明](図1)``: 図 and its number, the 説明 its caption. Uploaded as
    PNG or JPEG and stored as onechamber.images made it. A replaced image's
    file is kept, since a distributed edition's pages may still show it."""

    headquarters_path = "material__meeting__headquarters"

    material = models.ForeignKey(
        Material,
        verbose_name=_("配付資料"),
        on_delete=models.CASCADE,
        related_name="images",
    )
    number = models.PositiveSmallIntegerField(
        _("図の番号"),
        help_text=_("本文に ![説明](図1) と書いた場所に、図1 を説明付きで印刷します。"),
    )
    image = models.ImageField(
        _("画像"),
        upload_to="materials/images/",
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

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("本文の図")
        verbose_name_plural = _("本文の図")
        ordering = ["material", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "number"],
                name="material_image_one_per_number",
                violation_error_message=_("この番号の図は、すでにあります。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="material_image_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"図{self.number}"


class Attendance(models.Model):
    headquarters_path = "meeting__headquarters"

    class Group(models.TextChoices):
        MUNICIPAL = "municipal", _("市町村等")
        PREFECTURE = "prefecture", _("県")

    class Mode(models.TextChoices):
        PRESENT = "present", _("出席")
        ONLINE = "online", _("WEB出席")
        PROXY = "proxy", _("代理出席")
        ABSENT = "absent", _("欠席")

    class Side(models.TextChoices):
        HEAD = "head", _("正面（上座）")
        LEFT = "left", _("左側")
        RIGHT = "right", _("右側")
        FOOT = "foot", _("下座")
        NONE = "none", _("席なし")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("会議"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    group = models.CharField(_("区分"), max_length=20, choices=Group.choices)
    order = models.PositiveIntegerField(_("順番"), default=0)
    position = models.ForeignKey(
        Position,
        verbose_name=_("職"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
    )
    title = models.CharField(_("職名（当日）"), max_length=60)
    name = models.CharField(_("氏名（当日）"), max_length=60)
    mode = models.CharField(
        _("出席の形"), max_length=20, choices=Mode.choices, default=Mode.PRESENT
    )
    proxy_title = models.CharField(_("代理出席者の職名"), max_length=60, blank=True)
    proxy_name = models.CharField(_("代理出席者の氏名"), max_length=60, blank=True)
    seat_side = models.CharField(
        _("席の位置"), max_length=10, choices=Side.choices, default=Side.NONE
    )
    seat_order = models.PositiveSmallIntegerField(
        _("席順"), default=0, help_text=_("その位置の中で、上座から数えた順番。")
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出席者")
        verbose_name_plural = _("出席者")
        ordering = ["meeting", "group", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=["municipal", "prefecture"]),
                name="attendance_group_valid",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["present", "online", "proxy", "absent"]),
                name="attendance_mode_valid",
            ),
            models.CheckConstraint(
                condition=Q(seat_side__in=["head", "left", "right", "foot", "none"]),
                name="attendance_seat_side_valid",
            ),
            models.CheckConstraint(
                condition=~Q(mode="proxy") | ~Q(proxy_name=""),
                name="attendance_proxy_named",
                violation_error_message=_(
                    "代理出席の場合は代理出席者の氏名を入力してください。"
                ),
            ),
            models.UniqueConstraint(
                fields=["meeting", "seat_side", "seat_order"],
                condition=~Q(seat_side="none"),
                name="attendance_seat_unique",
                violation_error_message=_("同じ席に2人を割り当てることはできません。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


class UserProfile(models.Model):
    """What the portal knows of an account beyond Django's user: the
    headquarters it belongs to and its organisation there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    headquarters = models.ForeignKey(
        Headquarters,
        verbose_name=_("本部"),
        on_delete=models.PROTECT,
        related_name="user_profiles",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_profiles",
        help_text=_("市町村の利用者はその市町村、部局の利用者はその部局。"),
    )
    calendar_token = models.CharField(
        _("カレンダー購読用の鍵"),
        max_length=64,
        unique=True,
        default=secrets.token_urlsafe,
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("利用者の所属")
        verbose_name_plural = _("利用者の所属")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        if (
            self.organization_id
            and self.headquarters_id
            and self.organization.headquarters_id != self.headquarters_id
        ):
            raise ValidationError(
                {"organization": _("所属はこの本部の組織から選んでください。")},
                code="organization_other_headquarters",
            )


def profile_of(user) -> UserProfile | None:
    """The profile of an account, with its organisation; cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_onechamber_profile"):
        user._onechamber_profile = (
            UserProfile.objects.select_related("organization").filter(user=user).first()
        )
    return user._onechamber_profile


def headquarters_of(user) -> int | None:
    """The primary key of the headquarters an account belongs to (its profile's),
    or None. A superuser without a profile belongs to the first headquarters, so
    that a fresh `createsuperuser` can set the portal up. Cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_onechamber_headquarters"):
        profile = profile_of(user)
        found = profile.headquarters_id if profile else None
        if found is None and user.is_superuser:
            found = (
                Headquarters.objects.order_by("pk").values_list("pk", flat=True).first()
            )
        user._onechamber_headquarters = found
    return user._onechamber_headquarters


class PacketPart(models.Model):
    """A rendered PDF of the packet, kept in the database so that every server
    process shares it: a part (front page, material, stamped upload) under the
    sha256 of what it shows, or an assembled document under the keys of its
    parts. Rows that nobody used for a while are pruned by the builder."""

    class Kind(models.TextChoices):
        PART = "part", _("部分")
        DOCUMENT = "document", _("組み上げたPDF")
        ALIAS = "alias", _("組み上げたPDFへの参照")

    key = models.CharField(
        _("キー"),
        max_length=64,
        unique=True,
        help_text=_("内容から求めた SHA-256（16進数）。"),
    )
    kind = models.CharField(
        _("種類"), max_length=20, choices=Kind.choices, default=Kind.PART
    )
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"")
    page_count = models.PositiveIntegerField(_("ページ数"), default=0)
    document_key = models.CharField(
        _("参照先のキー"),
        max_length=64,
        blank=True,
        help_text=_("参照のとき、組み上げたPDFのキー。"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    used_at = models.DateTimeField(_("最終使用日時"), default=timezone.now)

    class Meta:
        verbose_name = _("資料PDFのキャッシュ")
        verbose_name_plural = _("資料PDFのキャッシュ")
        ordering = ["-used_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["part", "document", "alias"]),
                name="packetpart_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="alias", document_key__regex=r"^[0-9a-f]{64}$")
                | (~Q(kind="alias") & Q(document_key="")),
                name="packetpart_alias_points_to_a_document",
            ),
        ]
        indexes = [models.Index(fields=["used_at"], name="packetpart_used_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key[:12]}"


class ContentVersion(models.Model):
    """A number that grows with every write to a headquarters' data, so that a
    packet already built can be found without rendering its HTML again (see
    meetings/versioning.py). One row per headquarters: a write in one never
    invalidates another's packets. The version is this number plus the
    headquarters' content changes not yet folded into it."""

    headquarters = models.OneToOneField(
        Headquarters,
        verbose_name=_("本部"),
        on_delete=models.CASCADE,
        related_name="content_version",
    )
    number = models.PositiveBigIntegerField(_("版"), default=0)

    class Meta:
        verbose_name = _("データの版")
        verbose_name_plural = _("データの版")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.number)


class ContentChange(models.Model):
    """One write's mark on a headquarters' data, appended, never updated:
    writers insert and so never wait for each other on a shared row.
    Folded into the headquarters' ContentVersion after commit (see
    meetings/versioning.py)."""

    headquarters = models.ForeignKey(
        Headquarters,
        verbose_name=_("本部"),
        on_delete=models.CASCADE,
        related_name="content_changes",
    )

    class Meta:
        verbose_name = _("データの変更")
        verbose_name_plural = _("データの変更")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.headquarters_id}:{self.pk}"


class EditionQuerySet(ScopedQuerySet):
    def distributed(self) -> EditionQuerySet:
        """Editions handed out (第1版, 第2版, …), not previews."""
        return self.filter(number__isnull=False)

    def ready(self) -> EditionQuerySet:
        """Editions whose files are complete."""
        return self.filter(state=Edition.State.READY)

    def visible_to(self, user) -> EditionQuerySet:
        """Distributed, complete editions of meetings `user` may see."""
        return (
            self.distributed()
            .ready()
            .filter(meeting__in=Meeting.objects.visible_to(user))
        )


class Edition(models.Model):
    """One build of a meeting's packet and of each of its materials, frozen.

    A distributed edition (第1版, 第2版 after a 差し替え) is kept for ever: its
    files in the editions storage, their sha256 and page counts, and the
    snapshot of the data it was built from (its items and parts). A preview
    (no number) is the same build of today's data, for the packet of a meeting
    not distributed yet; previews are replaced as the data changes.
    """

    headquarters_path = "meeting__headquarters"

    class State(models.TextChoices):
        QUEUED = "queued", _("作成待ち")
        BUILDING = "building", _("作成中")
        READY = "ready", _("作成済み")
        FAILED = "failed", _("作成に失敗")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("会議"),
        on_delete=models.PROTECT,
        related_name="editions",
    )
    number = models.PositiveIntegerField(
        _("版"), null=True, blank=True, help_text=_("空欄はプレビュー（未配付）。")
    )
    draft = models.BooleanField(
        _("「案」付き"), default=False, help_text=_("未公開の会議のプレビュー。")
    )
    note = models.CharField(
        _("差し替えの内容"),
        max_length=300,
        blank=True,
        help_text=_("例：資料1 3ページの数値を訂正"),
    )
    state = models.CharField(
        _("状態"), max_length=20, choices=State.choices, default=State.QUEUED
    )
    error = models.TextField(_("失敗の理由"), blank=True)
    content_version = models.CharField(
        _("データの版"),
        max_length=200,
        blank=True,
        help_text=_("作成に使ったデータの版。プレビューはこれで探します。"),
    )
    snapshot_at = models.DateTimeField(_("データを確定した日時"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("作成済みの部分"), default=0)
    progress_total = models.PositiveIntegerField(_("部分の数"), default=0)
    rendered_count = models.PositiveIntegerField(
        _("組版した部分の数"), default=0, help_text=_("キャッシュになく組版した数。")
    )
    heartbeat_at = models.DateTimeField(_("最終応答"), null=True, blank=True)
    file_name = models.CharField(_("ファイル"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("バイト数"), default=0)
    page_count = models.PositiveIntegerField(_("ページ数"), default=0)
    signed = models.BooleanField(_("電子署名"), default=False)
    page_html = models.TextField(
        _("会議ページの内容"), blank=True, help_text=_("配付時の次第・出席者・配席図。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("配付した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editions",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    distributed_at = models.DateTimeField(_("配付日時"), null=True, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("配付版")
        verbose_name_plural = _("配付版")
        ordering = ["meeting", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=Q(number__isnull=False),
                name="edition_number_unique_per_meeting",
                violation_error_message=_("この会議には既にこの版があります。"),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "building", "ready", "failed"]),
                name="edition_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="edition_number_positive",
            ),
            models.CheckConstraint(
                condition=~Q(state="ready") | ~Q(sha256=""),
                name="edition_ready_has_file",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "content_version"], name="edition_cv_idx")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.label}"

    @property
    def is_distributed(self) -> bool:
        return self.number is not None

    @property
    def label(self) -> str:
        if self.number is None:
            return str(_("プレビュー"))
        return _("第%(n)d版") % {"n": self.number}


class EditionItem(models.Model):
    """One section of an edition as distributed: a front page (次第, 出席者名簿,
    配席図) or a material, with its frozen text and its own PDF file."""

    headquarters_path = "edition__meeting__headquarters"

    class Role(models.TextChoices):
        FRONT = "front", _("表紙類")
        MATERIAL = "material", _("資料")
        REPLACEMENTS = "replacements", _("差し替え一覧")

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("版"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    position = models.PositiveIntegerField(_("順番"))
    role = models.CharField(_("種類"), max_length=20, choices=Role.choices)
    material = models.ForeignKey(
        Material,
        verbose_name=_("配付資料"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edition_items",
    )
    series = models.CharField(_("区分"), max_length=20, blank=True)
    number = models.PositiveIntegerField(_("番号"), null=True, blank=True)
    label = models.CharField(_("資料番号"), max_length=40, blank=True)
    title = models.CharField(_("表題"), max_length=300)
    department = models.CharField(_("提出部局"), max_length=200, blank=True)
    content = models.CharField(_("内容の種類"), max_length=20, blank=True)
    html = models.TextField(_("ページの内容"), blank=True)
    text = models.TextField(_("本文（比較用）"), blank=True)
    digest = models.CharField(
        _("内容の要約値"), max_length=64, help_text=_("この値が変われば差し替え。")
    )
    replaced_in = models.PositiveIntegerField(_("差し替えた版"), null=True, blank=True)
    first_page = models.PositiveIntegerField(_("開始ページ"), default=0)
    page_count = models.PositiveIntegerField(_("ページ数"), default=0)
    body_name = models.CharField(_("ページ番号なしのPDF"), max_length=300, blank=True)
    file_name = models.CharField(_("ファイル"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("バイト数"), default=0)

    class Meta:
        verbose_name = _("配付版の資料")
        verbose_name_plural = _("配付版の資料")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"], name="editionitem_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["front", "material", "replacements"]),
                name="editionitem_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}　{self.title}".strip()

    @property
    def last_page(self) -> int:
        return self.first_page + max(self.page_count, 1) - 1


class EditionPart(models.Model):
    """One piece of an item to render, as frozen when the edition took its
    snapshot: HTML, or an uploaded PDF copied into the editions storage."""

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("版"),
        on_delete=models.CASCADE,
        related_name="parts",
    )
    item = models.ForeignKey(
        EditionItem,
        verbose_name=_("資料"),
        on_delete=models.CASCADE,
        related_name="parts",
    )
    position = models.PositiveIntegerField(_("順番"))
    title = models.CharField(_("しおり"), max_length=400, blank=True)
    key = models.CharField(_("キー"), max_length=64)
    html = models.TextField(_("HTML"), blank=True)
    upload_name = models.CharField(_("PDFファイル"), max_length=300, blank=True)
    upload_label = models.CharField(_("押印する資料番号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("配付版の部分")
        verbose_name_plural = _("配付版の部分")
        ordering = ["edition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "position"], name="editionpart_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.key[:12]


class EditionDownload(models.Model):
    """Who fetched a distributed edition (the packet or one of its materials)."""

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("版"),
        on_delete=models.CASCADE,
        related_name="downloads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アカウント"),
        on_delete=models.CASCADE,
        related_name="edition_downloads",
    )
    first_at = models.DateTimeField(_("初回取得"), default=timezone.now)
    last_at = models.DateTimeField(_("最終取得"), default=timezone.now)
    count = models.PositiveIntegerField(_("回数"), default=1)

    class Meta:
        verbose_name = _("配付版の取得記録")
        verbose_name_plural = _("配付版の取得記録")
        ordering = ["edition", "first_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "user"], name="editiondownload_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.user}"


# Accounts keep their history here, beside their 所属 (auth is Django's app,
# whose migrations are not ours). Password hashes stay out of it: the history
# says that a password changed, not what it was.
simple_history.register(get_user_model(), app="meetings", excluded_fields=["password"])
