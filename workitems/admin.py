"""Admin for cooperation items. Department accounts see and change only the
items their department (or one of its divisions) is responsible for: the
querysets, the choices of related records and the save path all enforce it."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms.models import ModelChoiceIterator
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin

from meetings.models import Meeting, Organization, headquarters_of
from meetings.reports import user_organization
from meetings.scoping import HeadquartersScopedAdmin
from onechamber import images
from onechamber.admin_actions import apply_each
from onechamber.admin_history import HistoryAdmin
from onechamber.admin_rows import CompactRowsMixin
from onechamber.admin_safety import SafeChangeListMixin
from onechamber.roles import is_department, is_secretariat
from workitems import resources, services
from workitems import scope as department_scope
from workitems.models import (
    Agreement,
    FiscalYearPlan,
    Highlight,
    HighlightImage,
    Indicator,
    ItemDepartment,
    ItemProposer,
    ItemYear,
    Measure,
    Milestone,
    Proposal,
    ResultRow,
    ResultTable,
    Session,
    WorkItem,
)

# What each choice's label reads (ItemYear's names its item): loaded with
# the choices, not once an option.
CHOICE_RELATED = {
    ItemYear: ["item"],
    ResultTable: ["item_year__item"],
    Highlight: ["item_year__item"],
}
# Related fields whose choices a department account is limited to its own.
SCOPED_FIELDS = {
    "item": WorkItem,
    "measure": Measure,
    "item_year": ItemYear,
    "table": ResultTable,
    "highlight": Highlight,
    "parent": Measure,
}


def scope(queryset, request):
    """`queryset` limited to the records the account keeps: all of them for
    the secretariat, its department's for a department account (workitems.scope)."""
    if is_secretariat(request.user):
        return queryset
    if is_department(request.user):
        return department_scope.filter_for(queryset, user_organization(request.user))
    return queryset.none()


def in_scope(obj, request) -> bool:
    if obj is None or obj.pk is None or is_secretariat(request.user):
        return True
    # Asked by every permission check of a page and of each of its inlines:
    # once a record and request.
    known = request.__dict__.setdefault("_department_scope", {})
    key = (obj._meta.label, obj.pk)
    if key not in known:
        known[key] = scope(
            type(obj)._default_manager.filter(pk=obj.pk), request
        ).exists()
    return known[key]


class DepartmentScopedMixin:
    """Limits an admin (or inline) to the account's own items."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and in_scope(obj, request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and in_scope(obj, request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_secretariat(
            request.user
        )

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        if is_secretariat(request.user):
            return fields
        # Organisations and meetings are the secretariat's to list: a
        # department account picks from a plain list of the few it may use.
        return [
            name
            for name in fields
            if self.model._meta.get_field(name).related_model
            not in (Organization, Meeting)
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = SCOPED_FIELDS.get(db_field.name)
        if model is not None and db_field.related_model is model:
            # Narrow the choices an admin set already (the inline's parent
            # measures of its own item), never widen them.
            choices = kwargs.get("queryset", model._default_manager.all())
            kwargs["queryset"] = scope(choices, request).select_related(
                *CHOICE_RELATED.get(model, [])
            )
        elif (
            db_field.name == "department"
            and db_field.related_model is Organization
            and not is_secretariat(request.user)
        ):
            kwargs["queryset"] = Organization.objects.filter(
                pk__in=department_scope.own_organizations(
                    user_organization(request.user)
                )
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _page_object_id(request):
    match = getattr(request, "resolver_match", None)
    return match.kwargs.get("object_id") if match else None


class ItemMeasuresMixin:
    """The measure a record names is one of its own item's (施策 of another
    item would print under the wrong item).

    On the change page of the record or of the page holding it, the choices
    are that item's measures, a short list; `measures_of_page` is the lookup
    from a measure to that page's record. On an add page, where the item is
    chosen in the same form, the measure is searched (the measures the
    account keeps), or offered none (`measures_on_add = False`: a new item has
    no measures yet)."""

    measures_of_page = "item"
    measures_on_add = True

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        if (
            self.measures_on_add
            and _page_object_id(request) is None
            and "measure" not in fields
        ):
            fields.append("measure")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "measure" and db_field.related_model is Measure:
            object_id = _page_object_id(request)
            if object_id is not None:
                kwargs["queryset"] = Measure.objects.filter(
                    **{self.measures_of_page: object_id}
                )
            elif not self.measures_on_add:
                kwargs["queryset"] = Measure.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedModelAdmin(HeadquartersScopedAdmin, DepartmentScopedMixin, HistoryAdmin):
    def get_import_resource_kwargs(self, request, **kwargs):
        # A department account's import matches and looks up only its own
        # items' records (its export is the changelist's, scoped already).
        if is_secretariat(request.user):
            return super().get_import_resource_kwargs(request, **kwargs)
        org = user_organization(request.user)
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            # Organisations and the like are not a department's to keep.
            "limit": lambda queryset: (
                scope(queryset, request)
                if queryset.model._meta.model_name in department_scope.ITEM_PATHS
                else queryset
            ),
            "owns": lambda obj: department_scope.owns(obj, org),
        }

    def save_model(self, request, obj, form, change):
        # The form's choices are limited already; this catches a forged post
        # that reached here some other way.
        if not is_secretariat(request.user) and not department_scope.owns(
            obj, user_organization(request.user)
        ):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if is_secretariat(request.user):
            return super().save_formset(request, form, formset, change)
        # Every row a department account adds or changes must stay its own
        # (the choices are limited already; this catches a forged post).
        org = user_organization(request.user)
        instances = formset.save(commit=False)
        if not all(department_scope.owns(obj, org) for obj in instances):
            raise PermissionDenied
        for obj in instances:
            obj.save()
        formset.save_m2m()


class ItemProposerInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = ItemProposer
    extra = 0
    autocomplete_fields = ["organization"]
    # Which of the secretariat's pages list the proposer: a page that leaves
    # one out is reported by データの点検.
    fields = ["order", "organization", "on_wg_table", "on_sheet", "on_plan"]


class ItemDepartmentInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = ItemDepartment
    extra = 0
    autocomplete_fields = ["organization"]


class MeasureInline(
    HeadquartersScopedAdmin, DepartmentScopedMixin, admin.TabularInline
):
    model = Measure
    extra = 0
    show_change_link = True
    fields = [
        "order",
        "code",
        "name",
        "parent",
        "department",
        "participation",
        "participant_count",
    ]
    autocomplete_fields = ["department"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            item_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Measure.objects.filter(
                item_id=item_id, parent__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ItemYearInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = ItemYear
    fk_name = "item"
    extra = 0
    show_change_link = True
    fields = ["fiscal_year", "status", "followup", "merged_into", "plan_order"]
    autocomplete_fields = ["merged_into"]


class AgreementInline(ItemMeasuresMixin, HeadquartersScopedAdmin, admin.TabularInline):
    model = Agreement
    measures_on_add = False
    extra = 0
    fields = ["title", "measure", "date", "month", "parties", "parties_note"]
    autocomplete_fields = ["parties"]


@admin.register(WorkItem)
class WorkItemAdmin(ScopedModelAdmin):
    list_display = ["name", "proposer_names", "status_by_year", "order"]
    list_filter = [
        "years__fiscal_year",
        "years__status",
        "responsibilities__organization",
    ]
    search_fields = ["name", "short_name", "proposals__organization__name"]
    autocomplete_fields = ["targets", "reported_at"]
    actions = ["roll_over_latest"]
    change_list_template = "admin/workitems/workitem/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "short_name", "order"]}),
        (
            _("市町村"),
            {"fields": ["targets_all", "targets"]},
        ),
        (_("報告"), {"fields": ["reported_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("proposals__organization", "years")
        )

    def get_inlines(self, request, obj):
        if is_secretariat(request.user):
            return [
                ItemProposerInline,
                ItemDepartmentInline,
                ItemYearInline,
                MeasureInline,
                AgreementInline,
            ]
        return [MeasureInline]

    def get_readonly_fields(self, request, obj=None):
        if is_secretariat(request.user):
            return []
        return [
            "name",
            "short_name",
            "order",
            "targets_all",
            "targets",
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if is_secretariat(request.user):
            return fieldsets
        # Which meetings an item was reported at includes meetings not yet
        # published; the portal's item page shows the published ones.
        return [(name, opts) for name, opts in fieldsets if name != _("報告")]

    def has_add_permission(self, request):
        return is_secretariat(request.user) and super().has_add_permission(request)

    @admin.display(description=_("提案市町村"))
    def proposer_names(self, obj) -> str:
        return "、".join(p.organization.name for p in obj.proposals.all())

    @admin.display(description=_("年度ごとの状態"))
    def status_by_year(self, obj) -> str:
        return " ".join(
            f"{y.fiscal_year_label}:{y.get_status_display()}"
            for y in sorted(obj.years.all(), key=lambda y: y.fiscal_year)
        )

    @admin.action(description=_("最新年度を次年度へ引き継ぐ（継続）"))
    def roll_over_latest(self, request, queryset):
        years = [
            max(item.years.all(), key=lambda y: y.fiscal_year, default=None)
            for item in queryset
        ]
        _roll_over(self, request, [y for y in years if y is not None])

    def get_urls(self):
        return [
            path(
                "check/",
                self.admin_site.admin_view(self.check_view),
                name="workitems_check",
            ),
            *super().get_urls(),
        ]

    def check_view(self, request):
        """データの点検: what does not fit together in the data."""
        if not is_secretariat(request.user):
            raise PermissionDenied
        findings = services.find_inconsistencies(
            today=timezone.localdate(), headquarters=headquarters_of(request.user)
        )
        groups: dict[str, list] = {}
        for f in findings:
            groups.setdefault(f.label, []).append(f)
        return TemplateResponse(
            request,
            "admin/workitems/check.html",
            {
                **self.admin_site.each_context(request),
                "title": _("データの点検"),
                "groups": groups,
                "count": len(findings),
                "opts": self.model._meta,
            },
        )


def _roll_over(model_admin, request, item_years) -> None:
    if not all(in_scope(item_year, request) for item_year in item_years):
        raise PermissionDenied
    apply_each(
        model_admin,
        request,
        item_years,
        lambda item_year: services.roll_over_item(item_year=item_year),
        lambda n: (
            ngettext(
                "%(count)d件の項目を次年度に引き継ぎました。",
                "%(count)d件の項目を次年度に引き継ぎました。",
                n,
            )
            % {"count": n}
        ),
    )


class ResultTableInline(
    ItemMeasuresMixin,
    HeadquartersScopedAdmin,
    DepartmentScopedMixin,
    admin.StackedInline,
):
    model = ResultTable
    measures_of_page = "item__years"
    extra = 0
    show_change_link = True
    fields = [
        ("order", "title", "measure"),
        ("results_heading", "next_heading"),
        ("followup", "merged_into"),
    ]
    autocomplete_fields = ["merged_into"]


def _choices_read_once() -> type[ModelChoiceIterator]:
    """A choice iterator whose choices are read on first use and then shared
    by every copy of the field: one query for the page, not one for each
    inline row, and none where the field is built but not shown."""
    read: list = []

    class ReadOnce(ModelChoiceIterator):
        def __iter__(self):
            if not read:
                read.extend(super().__iter__())
            yield from read

        def __len__(self):
            return len(list(iter(self)))

        def __bool__(self):
            return bool(len(self))

    return ReadOnce


class HighlightTablesMixin:
    """The table a highlight is printed after is one of its own item year's:
    on the change page of the highlight or of its year, those tables, named
    by their order and title (no query per choice); on an add page, searched.
    `tables_of_page` is the lookup from a table to that page's record."""

    tables_of_page = "item_year__highlights"

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        if _page_object_id(request) is None and "after_table" not in fields:
            fields.append("after_table")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        object_id = _page_object_id(request)
        if db_field.name == "after_table" and object_id is not None:
            kwargs["queryset"] = ResultTable.objects.filter(
                **{self.tables_of_page: object_id}
            ).order_by("order", "id")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda t: (
                f"表{t.order} {t.title}" if t.title else f"表{t.order}"
            )
            field.iterator = _choices_read_once()
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "after_table" and hasattr(field, "widget"):
            # A table is made on the year's page, not from this choice.
            for action in ("add", "change", "delete", "view"):
                setattr(field.widget, f"can_{action}_related", False)
        return field


class HighlightInline(
    HighlightTablesMixin,
    ItemMeasuresMixin,
    HeadquartersScopedAdmin,
    DepartmentScopedMixin,
    admin.TabularInline,
):
    model = Highlight
    measures_of_page = "item__years"
    tables_of_page = "item_year"
    extra = 0
    show_change_link = True
    # The page heading is edited on the highlight's own page (「変更」).
    fields = ["order", "title", "measure", "after_table"]


class IndicatorInline(
    CompactRowsMixin,
    HeadquartersScopedAdmin,
    DepartmentScopedMixin,
    admin.TabularInline,
):
    model = Indicator
    extra = 0
    editor_kind = "indicators"
    cells = [
        ("order", _("順番・印刷"), ["order", "printed"]),
        ("name", _("指標名・単位"), ["item_year", "name", "unit"]),
        ("value", _("値"), ["value", "as_of", "rank"]),
        (
            "baseline",
            _("基準値"),
            ["baseline_value", "baseline_as_of", "baseline_rank"],
        ),
        ("note", _("注記"), ["note"]),
    ]
    fields = [
        "order",
        "printed",
        "name",
        "unit",
        "value",
        "as_of",
        "rank",
        "baseline_value",
        "baseline_as_of",
        "baseline_rank",
        "note",
    ]


class ProposalInline(HeadquartersScopedAdmin, admin.StackedInline):
    model = Proposal
    extra = 0


@admin.register(ItemYear)
class ItemYearAdmin(ScopedModelAdmin):
    list_display = ["item", "fiscal_year", "status", "followup", "plan_order"]
    list_filter = ["fiscal_year", "status"]
    search_fields = ["item__name", "followup"]
    autocomplete_fields = ["item", "merged_into"]
    list_select_related = ["item"]
    actions = ["roll_over"]
    inlines = [ResultTableInline, HighlightInline, IndicatorInline, ProposalInline]
    fieldsets = [
        (None, {"fields": ["item", "fiscal_year", "status"]}),
        (_("協議終了後"), {"fields": ["followup", "merged_into"]}),
        (_("協議事項（資料2）"), {"fields": ["plan_order", "selection_reason"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        if is_secretariat(request.user):
            return []
        return [
            "item",
            "fiscal_year",
            "status",
            "followup",
            "merged_into",
            "plan_order",
            "selection_reason",
        ]

    def get_inlines(self, request, obj):
        if is_secretariat(request.user):
            return self.inlines
        return [ResultTableInline, HighlightInline, IndicatorInline]

    def has_add_permission(self, request):
        return is_secretariat(request.user) and super().has_add_permission(request)

    @admin.action(description=_("次年度へ引き継ぐ（継続・空の取り組み結果を作成）"))
    def roll_over(self, request, queryset):
        _roll_over(self, request, list(queryset.select_related("item")))


class SessionInline(
    CompactRowsMixin,
    HeadquartersScopedAdmin,
    DepartmentScopedMixin,
    admin.TabularInline,
):
    model = Session
    extra = 0
    editor_kind = "sessions"
    cells = [
        ("when", _("年度・順番"), ["fiscal_year", "order"]),
        ("date", _("開催日"), ["date", "approx_month", "approx_part", "planned"]),
        ("kind", _("種類・形式"), ["kind", "format"]),
        ("name", _("会議名・協議の内容"), ["name", "topic", "aside"]),
        ("participants", _("参加団体"), ["participants", "participants_note"]),
        ("note", _("備考"), ["note"]),
    ]
    fields = [
        "fiscal_year",
        "order",
        "kind",
        "date",
        "approx_month",
        "approx_part",
        "planned",
        "topic",
        "name",
        "aside",
        "participants",
        "participants_note",
        "note",
        "format",
    ]
    autocomplete_fields = ["participants"]


@admin.register(Measure)
class MeasureAdmin(ScopedModelAdmin):
    list_display = ["__str__", "item", "department", "participation"]
    list_filter = ["item", "department"]
    search_fields = ["name", "code", "item__name"]
    autocomplete_fields = ["item", "department", "participants", "parent"]
    list_select_related = ["item", "department"]
    inlines = [SessionInline]
    fieldsets = [
        (None, {"fields": ["item", "parent", ("order", "code"), "name", "department"]}),
        (
            _("WG開催状況の表"),
            {"fields": ["wg_note", "list_children_in_wg_table"]},
        ),
        (
            _("参加団体"),
            {"fields": ["participation", "participant_count", "participants"]},
        ),
    ]


@admin.register(Session)
class SessionAdmin(SafeChangeListMixin, ScopedModelAdmin, ImportExportModelAdmin):
    resource_classes = [resources.SessionResource]
    list_display = [
        "when",
        "measure",
        "name",
        "topic",
        "planned",
        "kind",
        "fiscal_year",
    ]
    list_filter = ["fiscal_year", "planned", "kind", "measure__item"]
    search_fields = ["name", "topic", "note", "measure__item__name", "measure__name"]
    autocomplete_fields = ["measure", "participants"]
    list_select_related = ["measure__item"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["measure", ("fiscal_year", "order"), "kind"]}),
        (
            _("日付"),
            {"fields": ["date", ("approx_month", "approx_part"), "planned"]},
        ),
        (
            _("内容"),
            {
                "fields": [
                    "topic",
                    "name",
                    "aside",
                    "participants",
                    "participants_note",
                    "note",
                    "format",
                ]
            },
        ),
    ]

    @admin.display(description=_("開催日"))
    def when(self, obj) -> str:
        return obj.when_label

    def get_export_queryset(self, request):
        return scope(super().get_export_queryset(request), request)


class ResultRowInline(
    HeadquartersScopedAdmin, DepartmentScopedMixin, admin.StackedInline
):
    model = ResultRow
    extra = 0
    fields = [("order", "heading", "label"), ("results", "next_steps")]


@admin.register(ResultTable)
class ResultTableAdmin(ItemMeasuresMixin, ScopedModelAdmin):
    measures_of_page = "item__years__result_tables"
    list_display = ["__str__", "item_year", "title", "order"]
    list_filter = ["item_year__fiscal_year"]
    search_fields = ["title", "item_year__item__name", "rows__results"]
    autocomplete_fields = ["item_year", "merged_into"]
    list_select_related = ["item_year__item"]
    inlines = [ResultRowInline]


@admin.register(ResultRow)
class ResultRowAdmin(ScopedModelAdmin, ImportExportModelAdmin):
    resource_classes = [resources.ResultRowResource]
    list_display = ["__str__", "table", "order"]
    list_filter = ["table__item_year__fiscal_year"]
    search_fields = ["heading", "label", "results", "next_steps"]
    list_select_related = ["table__item_year__item"]
    autocomplete_fields = ["table"]


class MilestoneInline(
    HeadquartersScopedAdmin, DepartmentScopedMixin, admin.TabularInline
):
    model = Milestone
    extra = 0


class HighlightImageForm(images.ImageUploadFormMixin, forms.ModelForm):
    """The image is taken only as onechamber.images checks and remakes it: a
    PNG or JPEG, within the size and pixel limits, stored upright, resized
    and without its metadata."""

    class Meta:
        model = HighlightImage
        fields = ["caption_line", "image", "alt"]
        field_classes = {"image": forms.FileField}
        widgets = {"image": forms.ClearableFileInput(attrs=images.IMAGE_WIDGET_ATTRS)}


class HighlightImageInline(
    HeadquartersScopedAdmin, DepartmentScopedMixin, admin.TabularInline
):
    model = HighlightImage
    form = HighlightImageForm
    extra = 0
    verbose_name_plural = _("写真・図（「写真・図の説明」の行ごとに1枚）")


class HighlightIndicatorInline(IndicatorInline):
    fk_name = "highlight"
    fields = ["item_year", *IndicatorInline.fields]

    def get_autocomplete_fields(self, request):
        # On an add page the fiscal year is searched; on a highlight's page
        # it is the highlight's own.
        fields = list(super().get_autocomplete_fields(request))
        if _page_object_id(request) is None:
            fields.append("item_year")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        object_id = _page_object_id(request)
        if db_field.name == "item_year" and object_id is not None:
            kwargs["queryset"] = ItemYear.objects.filter(highlights=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Highlight)
class HighlightAdmin(HighlightTablesMixin, ScopedModelAdmin):
    list_display = ["title", "item_year", "order"]
    list_filter = ["item_year__fiscal_year"]
    search_fields = ["title", "overview", "points", "item_year__item__name"]
    autocomplete_fields = ["item_year", "measure"]
    list_select_related = ["item_year__item"]
    inlines = [MilestoneInline, HighlightImageInline, HighlightIndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(ScopedModelAdmin, ImportExportModelAdmin):
    resource_classes = [resources.IndicatorResource]
    list_display = [
        "name",
        "printed",
        "value",
        "unit",
        "as_of",
        "rank",
        "baseline_value",
        "item_year",
    ]
    list_filter = ["item_year__fiscal_year", "unit"]
    search_fields = ["name", "note", "item_year__item__name"]
    autocomplete_fields = ["item_year", "highlight"]
    list_select_related = ["item_year__item"]


@admin.register(Milestone)
class MilestoneAdmin(ScopedModelAdmin):
    list_display = ["__str__", "highlight"]
    search_fields = ["text", "note"]
    autocomplete_fields = ["highlight"]
    list_select_related = ["highlight"]


@admin.register(Proposal)
class ProposalAdmin(ScopedModelAdmin):
    list_display = ["__str__"]
    search_fields = ["item_year__item__name", "goal", "means"]
    autocomplete_fields = ["item_year"]
    list_select_related = ["item_year__item"]


@admin.register(Agreement)
class AgreementAdmin(ScopedModelAdmin):
    list_display = ["title", "item", "when_label"]
    search_fields = ["title", "item__name", "parties__name"]
    autocomplete_fields = ["item", "measure", "parties"]
    list_select_related = ["item"]


@admin.register(FiscalYearPlan)
class FiscalYearPlanAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["__str__", "fiscal_year", "draft"]
    search_fields = ["other_issues"]
