"""Import and export of WG sessions (django-import-export): the lists departments
keep in Excel. Imports are all or nothing (IMPORT_EXPORT_USE_TRANSACTIONS)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from import_export import fields, widgets

from meetings.models import Organization
from meetings.resources import ScopedResource, ScopedWidgetMixin
from onechamber import jdates
from onechamber.spreadsheets import (
    JapaneseBooleanWidget,
    JapaneseDateWidget,
    JapaneseIntegerWidget,
)
from workitems.models import Indicator, ItemYear, Measure, ResultRow, Session

SEPARATOR = "："


class MeasureWidget(ScopedWidgetMixin, widgets.ForeignKeyWidget):
    """A measure written as ``項目名：番号`` (``防災・危機管理体制の連携・強化：①``),
    or the item name alone when the item has a single unnumbered WG division."""

    def __init__(self):
        super().__init__(Measure)

    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip()
        if not text:
            raise ValueError("施策（項目名：番号）を入力してください。")
        name, _, code = text.partition(SEPARATOR)
        matches = list(
            self.scoped(Measure.objects.all()).filter(
                item__name=name.strip(), code=code.strip()
            )
        )
        if len(matches) != 1:
            raise ValueError(
                f"施策「{text}」が見つかりません。「項目名{SEPARATOR}番号」の形で入力してください。"
            )
        return matches[0]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        item = value.item.name
        return f"{item}{SEPARATOR}{value.code}" if value.code else item


class OrganizationsWidget(ScopedWidgetMixin, widgets.ManyToManyWidget):
    """Organisations by name, separated by 、 or commas."""

    def __init__(self):
        super().__init__(Organization, field="name", separator="、")

    def clean(self, value, row=None, **kwargs):
        names = [
            n.strip()
            for n in str(value or "").replace(",", "、").split("、")
            if n.strip()
        ]
        found = {
            o.name: o
            for o in self.scoped(Organization.objects.all()).filter(name__in=names)
        }
        missing = [n for n in names if n not in found]
        if missing:
            raise ValueError(f"団体が見つかりません：{'、'.join(missing)}")
        return [found[n] for n in names]


class SessionResource(ScopedResource):
    measure = fields.Field(
        attribute="measure", column_name="施策", widget=MeasureWidget()
    )
    fiscal_year = fields.Field(
        attribute="fiscal_year", column_name="年度", widget=JapaneseIntegerWidget()
    )
    order = fields.Field(
        attribute="order", column_name="順番", widget=JapaneseIntegerWidget()
    )
    kind = fields.Field(attribute="kind", column_name="種類")
    date = fields.Field(
        attribute="date", column_name="開催日", widget=JapaneseDateWidget()
    )
    approx_month = fields.Field(
        attribute="approx_month", column_name="開催予定月", widget=JapaneseDateWidget()
    )
    approx_part = fields.Field(
        attribute="approx_part", column_name="旬", widget=JapaneseIntegerWidget()
    )
    planned = fields.Field(
        attribute="planned", column_name="予定", widget=JapaneseBooleanWidget()
    )
    topic = fields.Field(attribute="topic", column_name="協議の内容")
    name = fields.Field(attribute="name", column_name="会議名")
    participants = fields.Field(
        attribute="participants", column_name="参加団体", widget=OrganizationsWidget()
    )
    participants_note = fields.Field(
        attribute="participants_note", column_name="参加団体（表記）"
    )
    note = fields.Field(attribute="note", column_name="備考")

    class Meta:
        model = Session
        import_id_fields = ["measure", "fiscal_year", "order"]
        fields = [
            "measure",
            "fiscal_year",
            "order",
            "kind",
            "date",
            "approx_month",
            "approx_part",
            "planned",
            "topic",
            "name",
            "participants",
            "participants_note",
            "note",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # An empty 種類 or 旬 is the usual one.
        for attr, default in (("kind", Session.Kind.WG), ("approx_part", 0)):
            if getattr(instance, attr) in (None, ""):
                setattr(instance, attr, default)


class FiscalYearWidget(widgets.IntegerWidget):
    """A fiscal year as people type it (令和3年度, R3, 2021, full-width too),
    exported as 令和3年度."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(int(value))
        try:
            return jdates.parse_fiscal_year(str(value))
        except ValueError as exc:
            raise ValueError(str(exc)) from None

    def render(self, value, obj=None, **kwargs):
        return jdates.fiscal_year_label(value) if value else ""


def _row_value(row, column):
    value = (row or {}).get(column)
    return "" if value is None else str(value).strip()


class ItemYearWidget(ScopedWidgetMixin, widgets.ForeignKeyWidget):
    """An item's year written as two columns: the item's name (this one) and
    the 年度 column beside it."""

    year_column = "年度"

    def __init__(self):
        super().__init__(ItemYear)

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if not name:
            raise ValueError(_("連携推進項目の名前を入力してください。"))
        year = FiscalYearWidget().clean(_row_value(row, self.year_column))
        if year is None:
            raise ValueError(
                _("「年度」を入力してください（令和3年度、R3、2021 のどれでも）。")
            )
        found = (
            self.scoped(ItemYear.objects.all())
            .filter(item__name=name, fiscal_year=year)
            .first()
        )
        if found is None:
            raise ValueError(
                _(
                    "「%(name)s」の%(year)sがありません。項目名と年度を確かめてください。"
                )
                % {"name": name, "year": jdates.fiscal_year_label(year)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return value.item.name if value else ""


class ResultTableWidget(ItemYearWidget):
    """A results table: the item's name, the 年度 and the 表の順番 columns."""

    order_column = "表の順番"

    def clean(self, value, row=None, **kwargs):
        item_year = super().clean(value, row, **kwargs)
        order = JapaneseIntegerWidget().clean(_row_value(row, self.order_column))
        tables = list(item_year.result_tables.order_by("order", "pk"))
        if order is None:
            if len(tables) == 1:
                return tables[0]
            raise ValueError(
                _("「表の順番」を入力してください（この年度の表が%(n)s枚あります）。")
                % {"n": len(tables)}
            )
        for table in tables:
            if table.order == order:
                return table
        raise ValueError(
            _("「%(name)s」の%(year)sに順番%(order)sの表がありません。")
            % {
                "name": item_year.item.name,
                "year": jdates.fiscal_year_label(item_year.fiscal_year),
                "order": order,
            }
        )

    def render(self, value, obj=None, **kwargs):
        return value.item_year.item.name if value else ""


class ResultRowResource(ScopedResource):
    """Rows of a results table, matched by item, 年度, 表の順番 and 順番; the two
    text columns one bullet a line (a line break within the cell)."""

    table = fields.Field(
        attribute="table", column_name="連携推進項目", widget=ResultTableWidget()
    )
    fiscal_year = fields.Field(
        attribute="table__item_year__fiscal_year",
        column_name="年度",
        widget=FiscalYearWidget(),
        readonly=True,
    )
    table_order = fields.Field(
        attribute="table__order",
        column_name="表の順番",
        widget=JapaneseIntegerWidget(),
        readonly=True,
    )
    order = fields.Field(attribute="order", column_name="順番")
    heading = fields.Field(attribute="heading", column_name="●見出し")
    label = fields.Field(attribute="label", column_name="項目")
    results = fields.Field(attribute="results", column_name="今年度の取り組み成果")
    next_steps = fields.Field(
        attribute="next_steps", column_name="次年度以降の取り組み"
    )

    class Meta:
        model = ResultRow
        import_id_fields = ["table", "order"]
        fields = [
            "table",
            "fiscal_year",
            "table_order",
            "order",
            "heading",
            "label",
            "results",
            "next_steps",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("table__item_year__item")
            .order_by(
                "table__item_year__item__order",
                "table__item_year__fiscal_year",
                "table__order",
                "order",
                "pk",
            )
        )


class IndicatorResource(ScopedResource):
    """An item's indicators, matched by item, 年度 and 順番."""

    item_year = fields.Field(
        attribute="item_year", column_name="連携推進項目", widget=ItemYearWidget()
    )
    fiscal_year = fields.Field(
        attribute="item_year__fiscal_year",
        column_name="年度",
        widget=FiscalYearWidget(),
        readonly=True,
    )
    order = fields.Field(attribute="order", column_name="順番")
    name = fields.Field(attribute="name", column_name="指標")
    value = fields.Field(
        attribute="value", column_name="値", widget=widgets.DecimalWidget()
    )
    as_of = fields.Field(attribute="as_of", column_name="時点")
    rank = fields.Field(attribute="rank", column_name="順位")
    rank_scope = fields.Field(attribute="rank_scope", column_name="順位の範囲")
    baseline_value = fields.Field(
        attribute="baseline_value", column_name="基準値", widget=widgets.DecimalWidget()
    )
    baseline_as_of = fields.Field(
        attribute="baseline_as_of", column_name="基準値の時点"
    )
    baseline_rank = fields.Field(attribute="baseline_rank", column_name="基準値の順位")
    baseline_label = fields.Field(
        attribute="baseline_label", column_name="基準値の表記"
    )
    note = fields.Field(attribute="note", column_name="備考")
    printed = fields.Field(attribute="printed", column_name="資料に印刷")

    class Meta:
        model = Indicator
        import_id_fields = ["item_year", "order"]
        fields = [
            "item_year",
            "fiscal_year",
            "order",
            "name",
            "value",
            "as_of",
            "rank",
            "rank_scope",
            "baseline_value",
            "baseline_as_of",
            "baseline_rank",
            "baseline_label",
            "note",
            "printed",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("item_year__item")
            .order_by("item_year__item__order", "item_year__fiscal_year", "order", "pk")
        )
