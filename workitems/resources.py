"""Import and export of WG sessions (django-import-export): the lists departments
keep in Excel. Imports are all or nothing (IMPORT_EXPORT_USE_TRANSACTIONS)."""

from __future__ import annotations

from import_export import fields, widgets

from meetings.models import Organization
from meetings.resources import ScopedResource, ScopedWidgetMixin
from onechamber.spreadsheets import (
    JapaneseBooleanWidget,
    JapaneseDateWidget,
    JapaneseIntegerWidget,
)
from workitems.models import Measure, Session

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
        for attr, default in (("kind", Session.Kind.WG), ("approx_part", 0)):
            if getattr(instance, attr) in (None, ""):
                setattr(instance, attr, default)
        if instance.planned is None:
            instance.planned = False
        for attr in ("topic", "name", "participants_note", "note"):
            if getattr(instance, attr) is None:
                setattr(instance, attr, "")
