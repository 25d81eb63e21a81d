"""Notices, target groups, interval rules, municipal dates, venues, and the grid."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import HeadquartersRecord, Organization
from onechamber import jdates
from onechamber.tenancy import ScopedQuerySet
from vaccination import rules

MAX_INTERVAL_MONTHS = 36


class Notice(HeadquartersRecord):
    """A 事務連絡 (or a briefing) from the ministry."""

    date = models.DateField(_("日付"))
    issuer = models.CharField(
        _("発出元"), max_length=100, default="厚生労働省健康局健康課予防接種室"
    )
    title = models.CharField(_("件名"), max_length=300)
    addressee = models.CharField(_("宛先"), max_length=200, blank=True)
    heading = models.CharField(
        _("資料での見出し"),
        max_length=200,
        blank=True,
        help_text=_(
            "資料4の要約での見出し（例：当初示されていた追加接種の接種間隔）。"
        ),
    )
    summary = models.TextField(
        _("要約"), blank=True, help_text=_("資料4に引用された要点。1行に1項目。")
    )
    text = models.TextField(
        _("本文"),
        blank=True,
        help_text=_("事務連絡の全文。資料に全文がないときは空欄。"),
    )
    note = models.CharField(_("備考"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("事務連絡")
        verbose_name_plural = _("事務連絡")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "date", "title"],
                name="vaccination_notice_date_title_unique",
                violation_error_message=_("同じ日付・件名の事務連絡が既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return f"{jdates.wareki(self.date, with_weekday=False)}付 {self.title}"

    @property
    def summary_lines(self) -> list[str]:
        return [line.strip() for line in self.summary.splitlines() if line.strip()]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


class TargetGroup(HeadquartersRecord):
    """Who a rule is for: 医療従事者等, 高齢者施設等の入所者等, 一般高齢者, その他の一般の者."""

    code = models.SlugField(
        _("コード"),
        max_length=30,
        help_text=_("APIで使う英字のコード（例：elderly）。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("含まれる人"), blank=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("接種対象の区分")
        verbose_name_plural = _("接種対象の区分")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "code"],
                name="vaccination_targetgroup_code_unique",
                violation_error_message=_("このコードは既に使われています。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class IntervalRuleQuerySet(ScopedQuerySet):
    def for_group(self, group: TargetGroup) -> IntervalRuleQuerySet:
        """Rules of one target group, oldest first."""
        return self.filter(group=group).order_by("effective_from", "id")

    def with_notice(self) -> IntervalRuleQuerySet:
        return self.select_related("group", "notice")


class IntervalRule(models.Model):
    """A minimum interval between completing the primary series and the booster."""

    headquarters_path = "group__headquarters"

    class Kind(models.TextChoices):
        RECOMMENDED = "recommended", _("接種間隔")
        FLOOR = "floor", _("有効とみなす下限")

    group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("対象"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    interval_months = models.PositiveSmallIntegerField(_("間隔（か月）"))
    effective_from = models.DateField(_("適用開始日（国）"))
    effective_to = models.DateField(_("適用終了日"), null=True, blank=True)
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("事務連絡"),
        on_delete=models.PROTECT,
        related_name="rules",
    )
    kind = models.CharField(
        _("種別"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.RECOMMENDED,
        help_text=_(
            "「接種間隔」は接種を始める時点、「有効とみなす下限」は"
            "それより早い接種でも予防接種として認められる下限です。"
        ),
    )
    condition = models.TextField(_("条件"), blank=True)
    order = models.PositiveIntegerField(_("表示順"), default=0)

    objects = IntervalRuleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("接種間隔の規則")
        verbose_name_plural = _("接種間隔の規則")
        ordering = ["group__order", "effective_from", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["recommended", "floor"]),
                name="vaccination_rule_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(interval_months__gte=1)
                & Q(interval_months__lte=MAX_INTERVAL_MONTHS),
                name="vaccination_rule_interval_range",
                violation_error_message=_(
                    "間隔は1か月から36か月の間で入力してください。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="vaccination_rule_period_order",
                violation_error_message=_("適用終了日は適用開始日以降にしてください。"),
            ),
            models.UniqueConstraint(
                fields=["group", "notice", "kind", "interval_months"],
                name="vaccination_rule_unique",
                violation_error_message=_(
                    "同じ対象・事務連絡・種別・間隔の規則が既にあります。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}：{self.interval_months}か月（{self.period_label}）"

    @property
    def period_label(self) -> str:
        start = jdates.wareki(self.effective_from, with_weekday=False)
        end = (
            jdates.wareki(self.effective_to, with_weekday=False)
            if self.effective_to
            else ""
        )
        return f"{start}～{end}"

    def as_rule(self, effective_from=None) -> rules.Rule:
        """This row as the plain rule the eligibility choice takes."""
        return rules.Rule(
            key=self.pk,
            interval_months=self.interval_months,
            effective_from=effective_from or self.effective_from,
            effective_to=self.effective_to,
            recommended=self.kind == self.Kind.RECOMMENDED,
        )

    def clean(self) -> None:
        errors = {}
        if self.interval_months is not None and not (
            1 <= self.interval_months <= MAX_INTERVAL_MONTHS
        ):
            errors["interval_months"] = ValidationError(
                _("間隔は1か月から36か月の間で入力してください。"),
                code="interval_range",
            )
        if (
            self.effective_from
            and self.effective_to
            and self.effective_to < self.effective_from
        ):
            errors["effective_to"] = ValidationError(
                _("適用終了日は適用開始日以降にしてください。"), code="period_order"
            )
        if (
            self.notice_id
            and self.effective_from
            and self.effective_from < self.notice.date
        ):
            errors["effective_from"] = ValidationError(
                _("適用開始日を事務連絡の日付（%(date)s）より前にはできません。"),
                code="before_notice",
                params={"date": jdates.wareki(self.notice.date, with_weekday=False)},
            )
        if errors:
            raise ValidationError(errors)
        if self.group_id and self.effective_from and self.interval_months:
            self._check_contradictions()

    def _check_contradictions(self) -> None:
        """Reject a rule that contradicts another rule of the same group."""
        others = IntervalRule.objects.filter(group_id=self.group_id).select_related(
            "notice"
        )
        if self.pk:
            others = others.exclude(pk=self.pk)
        for other in others:
            error = self.contradiction_with(other)
            if error is not None:
                raise error
        if self.pk:
            later = self.municipal_dates.filter(
                effective_from__gt=self.effective_from
            ).select_related("organization")
            if later:
                raise ValidationError(
                    {
                        "effective_from": ValidationError(
                            _(
                                "%(names)sの適用開始日がこの日より後になります。"
                                "先に市町村の適用開始日を直してください。"
                            ),
                            code="municipal_after_national",
                            params={
                                "names": "、".join(d.organization.name for d in later)
                            },
                        )
                    }
                )

    def contradiction_with(self, other: IntervalRule) -> ValidationError | None:
        """Why `other` (same group) contradicts this rule on a common day, or None:
        a duplicate, one notice giving two intervals of one kind, or a validity
        floor longer than a recommended interval."""
        if other.group_id != self.group_id and other.group is not self.group:
            return None
        if not rules.periods_overlap(
            self.effective_from,
            self.effective_to,
            other.effective_from,
            other.effective_to,
        ):
            return None
        params = {"other": str(other), "notice": str(other.notice)}
        # Rules added with their notice have no notice_id yet; a rule posted
        # without a notice has neither (its form says so).
        notice = _cached_notice(self)
        same_notice = (
            other.notice_id == self.notice_id
            if other.notice_id and self.notice_id
            else notice is not None and _cached_notice(other) is notice
        )
        if other.kind == self.kind and other.interval_months == self.interval_months:
            return ValidationError(
                _(
                    "同じ対象・種別・間隔の規則「%(other)s」（%(notice)s）と"
                    "適用期間が重なっています。期間を分けるか、どちらかを削除してください。"
                ),
                code="duplicate_rule",
                params=params,
            )
        if other.kind == self.kind and same_notice:
            return ValidationError(
                _(
                    "同じ事務連絡が同じ対象に異なる間隔を定めることになります"
                    "（「%(other)s」と期間が重なっています）。"
                ),
                code="contradicting_rule",
                params=params,
            )
        floor, recommended = (
            (self, other) if self.kind == self.Kind.FLOOR else (other, self)
        )
        if (
            floor.kind == self.Kind.FLOOR
            and recommended.kind == self.Kind.RECOMMENDED
            and floor.interval_months > recommended.interval_months
        ):
            return ValidationError(
                _(
                    "有効とみなす下限（%(floor)sか月）が、同じ期間に適用される"
                    "接種間隔（%(recommended)sか月）より長くなります"
                    "（「%(other)s」）。"
                ),
                code="floor_above_interval",
                params={
                    **params,
                    "floor": floor.interval_months,
                    "recommended": recommended.interval_months,
                },
            )
        return None


def _cached_notice(rule: IntervalRule) -> Notice | None:
    """The notice `rule` holds, saved or not, or None if it has none."""
    if rule.notice_id:
        return rule.notice
    return IntervalRule.notice.field.get_cached_value(rule, default=None)


class MunicipalRuleDate(models.Model):
    """A municipality's own effective date for a rule (earlier than the national one)."""

    headquarters_path = "rule__group__headquarters"

    rule = models.ForeignKey(
        IntervalRule,
        verbose_name=_("規則"),
        on_delete=models.CASCADE,
        related_name="municipal_dates",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("市町村"),
        on_delete=models.PROTECT,
        related_name="vaccination_rule_dates",
    )
    effective_from = models.DateField(_("市町村の適用開始日"))
    note = models.CharField(_("備考"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("市町村の適用開始日")
        verbose_name_plural = _("市町村の適用開始日")
        ordering = ["organization__order", "rule__effective_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "organization"],
                name="vaccination_municipal_date_unique",
                violation_error_message=_(
                    "この市町村のこの規則の適用開始日は既に登録されています。"
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}：{self.rule}"

    def clean(self) -> None:
        if self.organization_id and not self.organization.is_municipality:
            raise ValidationError(
                {"organization": _("市町村を選んでください。")}, code="not_municipality"
            )
        if not (self.rule_id and self.effective_from):
            return
        rule = self.rule
        if self.effective_from < rule.notice.date:
            raise ValidationError(
                {
                    "effective_from": ValidationError(
                        _("事務連絡の日付（%(date)s）より前の日付にはできません。"),
                        code="before_notice",
                        params={
                            "date": jdates.wareki(rule.notice.date, with_weekday=False)
                        },
                    )
                }
            )
        if self.effective_from > rule.effective_from:
            raise ValidationError(
                {
                    "effective_from": ValidationError(
                        _(
                            "国の適用開始日（%(date)s）より後の日付にはできません。"
                            "市町村の日付は国より早く始める場合に登録します。"
                        ),
                        code="after_national",
                        params={
                            "date": jdates.wareki(
                                rule.effective_from, with_weekday=False
                            )
                        },
                    )
                }
            )


class Venue(HeadquartersRecord):
    """A prefectural mass-vaccination venue."""

    area = models.CharField(_("会場区分"), max_length=50, help_text=_("例：県東部会場"))
    name = models.CharField(_("施設名"), max_length=100)
    order = models.PositiveIntegerField(_("表示順"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("接種会場")
        verbose_name_plural = _("接種会場")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "name"],
                name="vaccination_venue_name_unique",
                violation_error_message=_("同じ名前の会場が既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.area}（{self.name}）"


class VenuePlan(HeadquartersRecord):
    """One version of the venue schedule: as announced before, or after a change."""

    title = models.CharField(_("名称"), max_length=100)
    announced_on = models.DateField(_("発表日"), null=True, blank=True)
    opening_date = models.DateField(_("設置日"))
    dates_heading = models.CharField(
        _("日程の行の見出し"),
        max_length=50,
        default="会場・日程",
        help_text=_(
            "比べる表の日程の行に出す見出し（例：会場・2月までの日程）。"
            "表の左端の版のものを使います。"
        ),
    )
    opening_changed = models.BooleanField(
        _("設置日を変更"),
        default=False,
        help_text=_("前の予定から変わった設置日なら印を付けます。"),
    )
    targets = models.TextField(
        _("対象"),
        blank=True,
        help_text=_("1行に1項目。先頭に「+」を付けると追加分として示します。"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        verbose_name=_("対象の区分"),
        blank=True,
        related_name="venue_plans",
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会場の日程（版）")
        verbose_name_plural = _("会場の日程（版）")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "title"],
                name="vaccination_venueplan_title_unique",
                violation_error_message=_("同じ名称の日程が既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_lines(self) -> list[tuple[str, bool]]:
        """(text, added) per line of `targets`."""
        lines = []
        for raw in self.targets.splitlines():
            line = raw.strip()
            if line:
                lines.append(
                    (line[1:].strip(), True) if line.startswith("+") else (line, False)
                )
        return lines


class VenueDate(models.Model):
    """A day a venue vaccinates, in one version of the schedule."""

    headquarters_path = "plan__headquarters"

    plan = models.ForeignKey(
        VenuePlan,
        verbose_name=_("日程（版）"),
        on_delete=models.CASCADE,
        related_name="dates",
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("会場"), on_delete=models.PROTECT, related_name="dates"
    )
    date = models.DateField(_("接種日"))
    added = models.BooleanField(_("追加された日"), default=False)
    target_note = models.CharField(
        _("対象の注記"),
        max_length=200,
        blank=True,
        help_text=_("例：高齢者施設の入所者・従事者等を優先"),
    )

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("接種日")
        verbose_name_plural = _("接種日")
        ordering = ["plan__order", "venue__order", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "venue", "date"],
                name="vaccination_venuedate_unique",
                violation_error_message=_("この日程・会場に同じ日付が既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue} {jdates.wareki(self.date)}"


class GridColumn(HeadquartersRecord):
    """A column of the booster grid: the booster month at the original interval,
    and the second-dose months it covers."""

    booster_month = models.DateField(
        _("追加接種の時期（月）"), help_text=_("その月の1日。")
    )
    second_dose_first = models.DateField(
        _("2回目接種時期（最初の月）"), help_text=_("その月の1日。")
    )
    second_dose_last = models.DateField(
        _("2回目接種時期（最後の月）"), help_text=_("その月の1日。")
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("前倒し表の列")
        verbose_name_plural = _("前倒し表の列")
        ordering = ["order", "booster_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "booster_month"],
                name="vaccination_gridcolumn_month_unique",
                violation_error_message=_("この月の列は既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(second_dose_last__gte=models.F("second_dose_first")),
                name="vaccination_gridcolumn_months_order",
                violation_error_message=_("最後の月は最初の月以降にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return jdates.wareki_short(self.booster_month).rsplit(".", 1)[0] + "月"

    @property
    def second_dose_label(self) -> str:
        first = jdates.wareki_short(self.second_dose_first).rsplit(".", 1)[0] + "月"
        if self.second_dose_last == self.second_dose_first:
            return first
        months = rules.month_range(self.second_dose_first, self.second_dose_last)
        return first + "," + ",".join(f"{m.month}月" for m in months[1:])

    def clean(self) -> None:
        for field in ("booster_month", "second_dose_first", "second_dose_last"):
            value = getattr(self, field)
            if value and value.day != 1:
                raise ValidationError(
                    {field: _("月の1日を入力してください。")}, code="not_first"
                )


class GridRow(HeadquartersRecord):
    """A row of the booster grid: a category (高齢者), a sub-label (その他), a group."""

    category = models.CharField(_("区分"), max_length=50)
    label = models.CharField(_("細区分"), max_length=50, blank=True)
    group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("対象"),
        on_delete=models.PROTECT,
        related_name="grid_rows",
    )
    order = models.PositiveIntegerField(_("表示順"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("前倒し表の行")
        verbose_name_plural = _("前倒し表の行")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "order"],
                name="vaccination_gridrow_order_unique",
                violation_error_message=_("この表示順の行は既にあります。"),
            )
        ]

    def __str__(self) -> str:
        return " ".join(filter(None, [self.category, self.label]))


class GridCell(models.Model):
    """A marked cell of the grid: the booster may move `advance_months` earlier."""

    headquarters_path = "row__headquarters"

    row = models.ForeignKey(
        GridRow, verbose_name=_("行"), on_delete=models.CASCADE, related_name="cells"
    )
    column = models.ForeignKey(
        GridColumn, verbose_name=_("列"), on_delete=models.CASCADE, related_name="cells"
    )
    advance_months = models.PositiveSmallIntegerField(_("前倒し（か月）"))
    text = models.CharField(_("表示"), max_length=50)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("前倒し表のマス")
        verbose_name_plural = _("前倒し表のマス")
        ordering = ["row__order", "column__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["row", "column"],
                name="vaccination_gridcell_unique",
                violation_error_message=_("この行と列のマスは既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(advance_months__gte=1) & Q(advance_months__lte=12),
                name="vaccination_gridcell_advance_range",
                violation_error_message=_(
                    "前倒しは1か月から12か月の間で入力してください。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.text}"


class Passage(HeadquartersRecord):
    """A text of 資料4 that is neither a notice nor a table: the venue policy, the
    request to municipalities, the supply plan, the government's statements."""

    class Kind(models.TextChoices):
        TEXT = "text", _("本文")
        STATEMENT = "statement", _("政府の発言")

    key = models.SlugField(_("キー"), max_length=50)
    kind = models.CharField(
        _("種類"), max_length=20, choices=Kind.choices, default=Kind.TEXT
    )
    title = models.CharField(_("見出し"), max_length=200, blank=True)
    source = models.CharField(_("出典"), max_length=200, blank=True)
    date = models.DateField(_("日付"), null=True, blank=True)
    body = models.TextField(_("本文"), help_text=_("段落は空行で区切ります。"))
    order = models.PositiveIntegerField(_("表示順"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("資料の文章")
        verbose_name_plural = _("資料の文章")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["headquarters", "key"],
                name="vaccination_passage_key_unique",
                violation_error_message=_("このキーは既に使われています。"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["text", "statement"]),
                name="vaccination_passage_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.key

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]
