"""Import and export (django-import-export): the lists the secretariat keeps in Excel."""

from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from meetings.models import (
    AgendaItem,
    Attendance,
    Material,
    Meeting,
    Organization,
    Person,
    Position,
)
from onechamber import history
from onechamber.spreadsheets import (
    JapaneseBooleanWidget,
    JapaneseDateWidget,
    JapaneseIntegerWidget,
    neutralise,
    restore,
)
from onechamber.tenancy import headquarters_path


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its Japanese label (市, 代理出席) or its code (city, proxy)."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.by_label = {str(label): value for value, label in choices}
        self.labels = {value: str(label) for value, label in choices}

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if text in self.labels:
            return text
        if text in self.by_label:
            return self.by_label[text]
        raise ValueError(
            _("「%(value)s」は選べません。次のいずれかを入力してください：%(choices)s")
            % {"value": text, "choices": "、".join(self.by_label)}
        )

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class ScopedWidgetMixin:
    """A widget that looks related records up in one headquarters only (set by
    the resource; None, for resources used outside the admin, looks everywhere)."""

    headquarters = None
    # A callable narrowing a queryset further (a department account's own
    # items), set by the resource from the admin.
    limit = None

    def scoped(self, queryset):
        if self.limit is not None:
            queryset = self.limit(queryset)
        if self.headquarters is None or headquarters_path(queryset.model) is None:
            return queryset
        return queryset.for_headquarters(self.headquarters)

    def get_queryset(self, value, row, *args, **kwargs):
        return self.scoped(super().get_queryset(value, row, *args, **kwargs))


class ScopedForeignKeyWidget(ScopedWidgetMixin, widgets.ForeignKeyWidget):
    """A foreign key looked up in the resource's headquarters."""


class ScopedResource(resources.ModelResource):
    """Rows of one headquarters: read from it, matched in it, created in it, and
    their related records looked up in it."""

    def __init__(self, headquarters=None, limit=None, owns=None, **kwargs):
        super().__init__(**kwargs)
        self.headquarters = headquarters
        self.limit = limit
        # A callable saying whether the account may save a row as imported
        # (a department account: its own items' records only).
        self.owns = owns
        # A column declared with no widget of its own reads and writes as its
        # model field's kind: numbers, dates and yes/no typed in .xlsx, and
        # typed the ways people write them (onechamber.spreadsheets).
        for field in self.fields.values():
            if type(field.widget) is widgets.Widget and field.attribute:
                field.widget = self._typed_widget(field.attribute) or field.widget
        # The resource's fields (and so their widgets) are copies of its own.
        for field in self.fields.values():
            if isinstance(field.widget, ScopedWidgetMixin):
                field.widget.headquarters = headquarters
                field.widget.limit = limit

    @classmethod
    def _typed_widget(cls, attribute):
        try:
            model_field = cls._meta.model._meta.get_field(attribute)
        except Exception:
            return None
        kind = model_field.get_internal_type()
        if kind.endswith("IntegerField"):
            return JapaneseIntegerWidget()
        if kind == "DateField":
            return JapaneseDateWidget()
        if kind == "BooleanField":
            return JapaneseBooleanWidget()
        return None

    def import_data(self, *args, **kwargs):
        # All or nothing: one invalid row leaves every row unsaved, on the
        # preview and on the confirm step alike (the library rolls back
        # validation errors only when asked).
        kwargs["rollback_on_validation_errors"] = True
        # Each row's history names the import (the user is the request's).
        with history.reason(_("インポート")):
            return super().import_data(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.limit is not None:
            queryset = self.limit(queryset)
        if self.headquarters is None:
            return queryset
        return queryset.for_headquarters(self.headquarters)

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        for key, value in row.items():
            # An empty .xlsx cell is None where a CSV's is "": the same.
            row[key] = "" if value is None else restore(value)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # An empty cell leaves a column's value None: a text or yes/no field
        # that cannot be null takes its default instead ("" for text). Other
        # fields stay None, for validation to name.
        for field in instance._meta.concrete_fields:
            if field.null or getattr(instance, field.attname) is not None:
                continue
            if isinstance(
                field, (models.CharField, models.TextField, models.BooleanField)
            ):
                setattr(instance, field.attname, field.get_default())

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if self.owns is not None and not self.owns(instance):
            raise ValueError(
                _(
                    "この行は貴課の担当の項目ではないため、取り込めません。事務局に依頼してください。"
                )
            )

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        if headquarters_path(type(instance)) == "headquarters":
            instance.headquarters_id = getattr(
                self.headquarters, "pk", self.headquarters
            )
        return instance


class OrganizationResource(ScopedResource):
    parent = fields.Field(
        attribute="parent",
        column_name="上位の組織",
        widget=ScopedForeignKeyWidget(Organization, field="name"),
    )
    name = fields.Field(attribute="name", column_name="名称")
    short_name = fields.Field(attribute="short_name", column_name="略称")
    kind = fields.Field(
        attribute="kind",
        column_name="種別",
        widget=ChoiceLabelWidget(Organization.Kind.choices),
    )
    code = fields.Field(attribute="code", column_name="団体コード")
    order = fields.Field(attribute="order", column_name="表示順")

    class Meta:
        model = Organization
        import_id_fields = ["name", "kind"]
        fields = ["name", "short_name", "kind", "code", "parent", "order"]
        clean_model_instances = True
        skip_unchanged = True


class PersonResource(ScopedResource):
    name = fields.Field(attribute="name", column_name="氏名")
    kana = fields.Field(attribute="kana", column_name="ふりがな")

    class Meta:
        model = Person
        import_id_fields = ["name"]
        fields = ["name", "kana"]
        clean_model_instances = True
        skip_unchanged = True


class PositionResource(ScopedResource):
    organization = fields.Field(
        attribute="organization",
        column_name="組織",
        widget=ScopedForeignKeyWidget(Organization, field="name"),
    )
    title = fields.Field(attribute="title", column_name="職名")
    order = fields.Field(attribute="order", column_name="表示順")

    class Meta:
        model = Position
        # Two 副知事 share a title: the 表示順 tells them apart.
        import_id_fields = ["organization", "title", "order"]
        fields = ["organization", "title", "order"]
        clean_model_instances = True
        skip_unchanged = True


class AttendanceResource(ScopedResource):
    meeting = fields.Field(
        attribute="meeting",
        column_name="会議ID",
        widget=ScopedForeignKeyWidget(Meeting),
    )
    group = fields.Field(
        attribute="group",
        column_name="区分",
        widget=ChoiceLabelWidget(Attendance.Group.choices),
    )
    order = fields.Field(attribute="order", column_name="順番")
    title = fields.Field(attribute="title", column_name="職名")
    name = fields.Field(attribute="name", column_name="氏名")
    mode = fields.Field(
        attribute="mode",
        column_name="出席の形",
        widget=ChoiceLabelWidget(Attendance.Mode.choices),
    )
    proxy_title = fields.Field(attribute="proxy_title", column_name="代理出席者の職名")
    proxy_name = fields.Field(attribute="proxy_name", column_name="代理出席者の氏名")
    seat_side = fields.Field(
        attribute="seat_side",
        column_name="席の位置",
        widget=ChoiceLabelWidget(Attendance.Side.choices),
    )
    seat_order = fields.Field(attribute="seat_order", column_name="席順")

    class Meta:
        model = Attendance
        import_id_fields = ["meeting", "group", "order"]
        fields = [
            "meeting",
            "group",
            "order",
            "title",
            "name",
            "mode",
            "proxy_title",
            "proxy_name",
            "seat_side",
            "seat_order",
        ]
        clean_model_instances = True
        skip_unchanged = True


def _meeting_of(row, headquarters):
    from onechamber.spreadsheets import JapaneseIntegerWidget

    try:
        pk = JapaneseIntegerWidget().clean((row or {}).get("会議ID"))
    except ValueError:
        pk = None
    meetings = Meeting.objects.all()
    if headquarters is not None:
        meetings = meetings.for_headquarters(headquarters)
    meeting = meetings.filter(pk=pk).first() if pk is not None else None
    if meeting is None:
        raise ValueError(
            _("「会議ID」の会議がありません。会議の一覧のIDを入力してください。")
        )
    return meeting


class ParentAgendaWidget(ScopedWidgetMixin, widgets.ForeignKeyWidget):
    """The parent of an agenda entry written as the parent's 順番 in the same
    meeting (議事 is 3: its (1), (2)… name 3); empty for a top-level entry."""

    def __init__(self):
        super().__init__(AgendaItem)

    def clean(self, value, row=None, **kwargs):
        from onechamber.spreadsheets import JapaneseIntegerWidget

        order = JapaneseIntegerWidget().clean(value)
        if order is None:
            return None
        meeting = _meeting_of(row, self.headquarters)
        parent = meeting.agenda_items.filter(parent=None, order=order).first()
        if parent is None:
            raise ValueError(
                _(
                    "この会議に順番%(order)sの上位の項目がありません（上位の項目を先の行に書いてください）。"
                )
                % {"order": order}
            )
        return parent

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.order if kwargs.get("force_native_type") else str(value.order)


def material_label(material: Material) -> str:
    return f"{material.get_series_display()}{material.order}"


class MaterialsWidget(ScopedWidgetMixin, widgets.ManyToManyWidget):
    """The materials an agenda entry uses, as 資料1、参考資料2 (the meeting's)."""

    def __init__(self):
        super().__init__(Material, separator="、")

    def clean(self, value, row=None, **kwargs):
        labels = [
            part.strip()
            for part in str(value or "").replace(",", "、").split("、")
            if part.strip()
        ]
        if not labels:
            return []
        meeting = _meeting_of(row, self.headquarters)
        by_label = {material_label(m): m for m in meeting.materials.all()}
        missing = [label for label in labels if label not in by_label]
        if missing:
            raise ValueError(
                _(
                    "この会議に次の資料がありません：%(labels)s（「資料1」「参考資料2」の形で）"
                )
                % {"labels": "、".join(missing)}
            )
        return [by_label[label] for label in labels]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "、".join(material_label(m) for m in value.all())


class AgendaItemResource(ScopedResource):
    """A meeting's 次第, one entry a row, matched by meeting, parent and 順番;
    a parent's row comes before its children's (the export's order)."""

    meeting = fields.Field(
        attribute="meeting",
        column_name="会議ID",
        widget=ScopedForeignKeyWidget(Meeting),
    )
    parent = fields.Field(
        attribute="parent", column_name="上位の項目の順番", widget=ParentAgendaWidget()
    )
    order = fields.Field(attribute="order", column_name="順番")
    title = fields.Field(attribute="title", column_name="項目")
    is_report = fields.Field(attribute="is_report", column_name="報告")
    materials = fields.Field(
        attribute="materials", column_name="使用する資料", widget=MaterialsWidget()
    )

    class Meta:
        model = AgendaItem
        import_id_fields = ["meeting", "parent", "order"]
        fields = ["meeting", "parent", "order", "title", "is_report", "materials"]
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self):
        from django.db.models import F
        from django.db.models.functions import Coalesce

        return (
            super()
            .get_queryset()
            .select_related("parent")
            .prefetch_related("materials")
            .order_by(
                "meeting",
                Coalesce("parent__order", "order"),
                F("parent").asc(nulls_first=True),
                "order",
                "pk",
            )
        )
