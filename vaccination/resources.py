"""Import and export (django-import-export) of the vaccination rules, the
municipalities' own dates for them, and the venues' dates: the tables the
secretariat receives as Excel with each 事務連絡 and each announcement of the
venues' schedule.

Every row is matched by the model's natural key (its unique constraint), with
related records written by name, looked up in the headquarters:

- 接種間隔の規則: 対象, 事務連絡 (件名 and 事務連絡の日付), 種別, 間隔（か月）
- 市町村の適用開始日: the rule (the same five columns) and 市町村 (名称 or 団体コード)
- 接種日: 日程（版）, 会場 (施設名), 接種日
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _
from import_export import fields, widgets

from meetings.models import Organization
from meetings.resources import (
    ChoiceLabelWidget,
    ScopedForeignKeyWidget,
    ScopedResource,
    ScopedWidgetMixin,
)
from onechamber import jdates
from onechamber.spreadsheets import JapaneseDateWidget, JapaneseIntegerWidget
from vaccination.models import (
    IntervalRule,
    MunicipalRuleDate,
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


class MunicipalityWidget(ScopedWidgetMixin, widgets.ForeignKeyWidget):
    """A 市町村 of the headquarters by its 名称 or its 団体コード (six digits; a
    code Excel shortened to five, its leading zero lost, is found too);
    exported as its 名称."""

    def __init__(self):
        super().__init__(Organization, field="name")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value if value is not None else "").strip()
        if not text:
            raise ValueError(_("「市町村」を入力してください。"))
        towns = self.scoped(Organization.objects.municipalities())
        code = unicodedata.normalize("NFKC", text)
        found = None
        if code.isdigit():
            found = towns.filter(code__in={code, code.zfill(6)}).first()
        found = found or towns.filter(name=text).first()
        if found is None:
            raise ValueError(
                _(
                    "市町村「%(value)s」が見つかりません。市町村の名称か団体コード（6桁）を入力してください。"
                )
                % {"value": text[:50]}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class RuleWidget(ScopedWidgetMixin, widgets.ForeignKeyWidget):
    """An interval rule by its natural key: 対象 (this column) and the 事務連絡,
    事務連絡の日付, 種別 and 間隔（か月） columns beside it, as the rules' own
    sheet (IntervalRuleResource) writes them."""

    def __init__(self):
        super().__init__(IntervalRule)

    def _scoped_widget(self, widget):
        widget.headquarters = self.headquarters
        widget.limit = self.limit
        return widget

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        group = self._scoped_widget(NamedWidget(TargetGroup, "name", _("対象"))).clean(
            value
        )
        notice = self._scoped_widget(NoticeWidget()).clean(row.get("事務連絡"), row)
        kind = ChoiceLabelWidget(IntervalRule.Kind.choices).clean(row.get("種別"))
        months = JapaneseIntegerWidget().clean(row.get("間隔（か月）"))
        if months is None:
            raise ValueError(_("「間隔（か月）」を入力してください。"))
        found = (
            self.scoped(IntervalRule.objects.all())
            .filter(group=group, notice=notice, kind=kind, interval_months=months)
            .first()
        )
        if found is None:
            raise ValueError(
                _(
                    "対象「%(group)s」・%(notice)s・%(kind)s・%(months)sか月の規則が見つかりません。先に接種間隔の規則を登録してください。"
                )
                % {
                    "group": group.name,
                    "notice": notice,
                    "kind": IntervalRule.Kind(kind).label,
                    "months": months,
                }
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return value.group.name if value else ""


class MunicipalRuleDateResource(ScopedResource):
    """The municipalities' own dates for the rules, matched by the rule (対象,
    事務連絡, 事務連絡の日付, 種別, 間隔（か月）) and 市町村."""

    rule = fields.Field(attribute="rule", column_name="対象", widget=RuleWidget())
    notice = fields.Field(
        attribute="rule__notice__title", column_name="事務連絡", readonly=True
    )
    notice_date = fields.Field(
        attribute="rule__notice__date",
        column_name="事務連絡の日付",
        widget=JapaneseDateWidget(),
        readonly=True,
    )
    kind = fields.Field(
        attribute="rule__kind",
        column_name="種別",
        widget=ChoiceLabelWidget(IntervalRule.Kind.choices),
        readonly=True,
    )
    interval_months = fields.Field(
        attribute="rule__interval_months",
        column_name="間隔（か月）",
        widget=JapaneseIntegerWidget(),
        readonly=True,
    )
    organization = fields.Field(
        attribute="organization", column_name="市町村", widget=MunicipalityWidget()
    )
    effective_from = fields.Field(
        attribute="effective_from", column_name="市町村の適用開始日"
    )
    note = fields.Field(attribute="note", column_name="備考")

    class Meta:
        model = MunicipalRuleDate
        import_id_fields = ["rule", "organization"]
        fields = [
            "rule",
            "notice",
            "notice_date",
            "kind",
            "interval_months",
            "organization",
            "effective_from",
            "note",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("rule__group", "rule__notice", "organization")
        )
