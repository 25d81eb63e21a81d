"""Import and export (django-import-export) of the vaccination rules and the
venues' dates: the tables the secretariat receives as Excel with each 事務連絡
and each announcement of the venues' schedule."""

from __future__ import annotations

from django.utils.translation import gettext as _
from import_export import fields, widgets

from meetings.resources import (
    ChoiceLabelWidget,
    ScopedForeignKeyWidget,
    ScopedResource,
    ScopedWidgetMixin,
)
from onechamber import jdates
from onechamber.spreadsheets import JapaneseDateWidget
from vaccination.models import (
    IntervalRule,
    Notice,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)


class NamedWidget(ScopedForeignKeyWidget):
    """A related record by its name, with a Japanese message when there is none."""

    def __init__(self, model, field, what):
        super().__init__(model, field=field)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            raise ValueError(
                _("「%(what)s」を入力してください。") % {"what": self.what}
            )
        found = (
            self.scoped(self.model.objects.all()).filter(**{self.field: text}).first()
        )
        if found is None:
            raise ValueError(
                _(
                    "%(what)s「%(value)s」が見つかりません。管理画面の名前のとおりに入力してください。"
                )
                % {"what": self.what, "value": text[:50]}
            )
        return found


class NoticeWidget(ScopedWidgetMixin, widgets.ForeignKeyWidget):
    """A 事務連絡 by its 件名 (this column) and the 事務連絡の日付 column beside it."""

    date_column = "事務連絡の日付"

    def __init__(self):
        super().__init__(Notice)

    def clean(self, value, row=None, **kwargs):
        title = str(value or "").strip()
        day = JapaneseDateWidget().clean((row or {}).get(self.date_column))
        if not title or day is None:
            raise ValueError(_("事務連絡の件名と日付を入力してください。"))
        found = self.scoped(Notice.objects.all()).filter(title=title, date=day).first()
        if found is None:
            raise ValueError(
                _("%(date)s付の事務連絡「%(title)s」が見つかりません。")
                % {"date": jdates.wareki(day), "title": title[:50]}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return value.title if value else ""


class IntervalRuleResource(ScopedResource):
    """The intervals of a 事務連絡, matched by 対象, 事務連絡, 種別 and 間隔."""

    group = fields.Field(
        attribute="group",
        column_name="対象",
        widget=NamedWidget(TargetGroup, "name", _("対象")),
    )
    notice = fields.Field(
        attribute="notice", column_name="事務連絡", widget=NoticeWidget()
    )
    notice_date = fields.Field(
        attribute="notice__date",
        column_name="事務連絡の日付",
        widget=JapaneseDateWidget(),
        readonly=True,
    )
    kind = fields.Field(
        attribute="kind",
        column_name="種別",
        widget=ChoiceLabelWidget(IntervalRule.Kind.choices),
    )
    interval_months = fields.Field(
        attribute="interval_months", column_name="間隔（か月）"
    )
    effective_from = fields.Field(
        attribute="effective_from", column_name="適用開始日（国）"
    )
    effective_to = fields.Field(attribute="effective_to", column_name="適用終了日")
    condition = fields.Field(attribute="condition", column_name="条件")
    order = fields.Field(attribute="order", column_name="表示順")

    class Meta:
        model = IntervalRule
        import_id_fields = ["group", "notice", "kind", "interval_months"]
        fields = [
            "group",
            "notice",
            "notice_date",
            "kind",
            "interval_months",
            "effective_from",
            "effective_to",
            "condition",
            "order",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self):
        return super().get_queryset().select_related("group", "notice")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.condition is None:
            instance.condition = ""
        if instance.order is None:
            instance.order = 0


class VenueDateResource(ScopedResource):
    """The venues' days of one schedule, matched by 日程（版）, 会場 and 接種日."""

    plan = fields.Field(
        attribute="plan",
        column_name="日程（版）",
        widget=NamedWidget(VenuePlan, "title", _("日程（版）")),
    )
    venue = fields.Field(
        attribute="venue",
        column_name="会場",
        widget=NamedWidget(Venue, "name", _("会場")),
    )
    date = fields.Field(attribute="date", column_name="接種日")
    added = fields.Field(attribute="added", column_name="追加された日")
    target_note = fields.Field(attribute="target_note", column_name="対象の注記")

    class Meta:
        model = VenueDate
        import_id_fields = ["plan", "venue", "date"]
        fields = ["plan", "venue", "date", "added", "target_note"]
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self):
        return super().get_queryset().select_related("plan", "venue")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.added is None:
            instance.added = False
        if instance.target_note is None:
            instance.target_note = ""
