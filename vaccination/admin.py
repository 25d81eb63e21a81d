"""Admin for notices, groups, rules, municipal dates, venues and the grid."""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from meetings.scoping import HeadquartersScopedAdmin
from onechamber.admin_history import HistoryAdmin
from onechamber.admin_safety import SafeChangeListMixin
from onechamber.roles import is_secretariat
from vaccination import resources
from vaccination.models import (
    GridCell,
    GridColumn,
    GridRow,
    IntervalRule,
    MunicipalRuleDate,
    Notice,
    Passage,
    TargetGroup,
    Venue,
    VenueDate,
    VenuePlan,
)


class SecretariatImportMixin:
    """The tables are the secretariat's: only it imports them (add and change
    in its headquarters, HeadquartersScopedAdmin)."""

    def has_import_permission(self, request):
        return is_secretariat(request.user) and super().has_import_permission(request)


class IntervalRuleFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Rules added together must not contradict each other either."""
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            if form.is_valid()
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
        ]
        for i, rule in enumerate(kept):
            for other in kept[i + 1 :]:
                if rule.group_id != other.group_id:
                    continue
                error = rule.contradiction_with(other)
                if error is not None:
                    raise error


class IntervalRuleInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = IntervalRule
    formset = IntervalRuleFormSet
    extra = 0
    fields = ["group", "kind", "interval_months", "effective_from", "effective_to"]
    show_change_link = True


@admin.register(Notice)
class NoticeAdmin(SafeChangeListMixin, HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["date", "title", "issuer"]
    list_filter = ["issuer"]
    search_fields = ["title", "text", "summary"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["date", "issuer", "title", "addressee"]}),
        (_("資料での引用"), {"fields": ["heading", "summary"]}),
        (_("全文"), {"fields": ["text", "note"]}),
    ]
    inlines = [IntervalRuleInline]


@admin.register(TargetGroup)
class TargetGroupAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]


class MunicipalRuleDateInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = MunicipalRuleDate
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(IntervalRule)
class IntervalRuleAdmin(
    SecretariatImportMixin,
    HeadquartersScopedAdmin,
    HistoryAdmin,
    ImportExportModelAdmin,
):
    resource_classes = [resources.IntervalRuleResource]
    list_display = [
        "group",
        "kind",
        "interval_months",
        "effective_from",
        "effective_to",
        "notice",
    ]
    list_filter = ["group", "kind", "notice"]
    search_fields = ["condition", "notice__title", "group__name"]
    list_select_related = ["group", "notice"]
    autocomplete_fields = ["notice"]

    def get_queryset(self, request):
        # The autocomplete's results are labelled with their group too (a
        # select_related here replaces the list's list_select_related).
        return super().get_queryset(request).select_related("group", "notice")

    fieldsets = [
        (None, {"fields": ["group", "kind", "interval_months"]}),
        (_("適用期間"), {"fields": ["effective_from", "effective_to"]}),
        (_("根拠"), {"fields": ["notice", "condition", "order"]}),
    ]
    inlines = [MunicipalRuleDateInline]


@admin.register(MunicipalRuleDate)
class MunicipalRuleDateAdmin(
    SecretariatImportMixin,
    HeadquartersScopedAdmin,
    HistoryAdmin,
    ImportExportModelAdmin,
):
    resource_classes = [resources.MunicipalRuleDateResource]
    list_display = ["organization", "rule", "effective_from"]
    list_filter = ["rule__group", "organization"]
    search_fields = ["organization__name", "note"]
    list_select_related = ["organization", "rule__group", "rule__notice"]
    # A rule's label names its group: searched, not listed with a query each.
    autocomplete_fields = ["rule", "organization"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "rule":
            kwargs["queryset"] = IntervalRule.objects.select_related("group")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Venue)
class VenueAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["area", "name", "order"]
    search_fields = ["area", "name"]


class VenueDateInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = VenueDate
    extra = 0


@admin.register(VenuePlan)
class VenuePlanAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["title", "announced_on", "opening_date", "order"]
    search_fields = ["title"]
    filter_horizontal = ["target_groups"]
    inlines = [VenueDateInline]


@admin.register(VenueDate)
class VenueDateAdmin(
    SecretariatImportMixin,
    HeadquartersScopedAdmin,
    HistoryAdmin,
    ImportExportModelAdmin,
):
    resource_classes = [resources.VenueDateResource]
    list_display = ["date", "venue", "plan", "added"]
    list_filter = ["plan", "venue", "added"]
    list_select_related = ["venue", "plan"]
    # Each announcement of the venues' dates is a plan: they add up.
    autocomplete_fields = ["plan"]


@admin.register(GridColumn)
class GridColumnAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["__str__", "second_dose_first", "second_dose_last", "order"]


class GridCellInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = GridCell
    extra = 0


@admin.register(GridRow)
class GridRowAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["__str__", "group", "order"]
    list_select_related = ["group"]
    inlines = [GridCellInline]


@admin.register(Passage)
class PassageAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    list_display = ["__str__", "key", "kind", "source", "order"]
    list_filter = ["kind"]
    search_fields = ["title", "body", "source"]
