"""Admin for organisations, people, meetings, agendas, materials and attendance."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin

from meetings import checklist, editions, resources, services, submissions
from meetings.editor import (
    AgendaItemForm,
    AgendaTreeFormSet,
    NumberedMaterialsField,
    in_tree_order,
)
from meetings.forms import (
    CopyMeetingForm,
    MaterialForm,
    ReissueForm,
    ReviewForm,
    SubmitForm,
)
from meetings.models import (
    AgendaItem,
    Attendance,
    Headquarters,
    Material,
    MaterialImage,
    Meeting,
    Organization,
    Person,
    Position,
    Tenure,
    UserProfile,
    headquarters_of,
)
from meetings.reports import number_materials, user_organization
from meetings.scoping import HeadquartersScopedAdmin
from onechamber import images, jdates
from onechamber.admin_a11y import AccessibleFormsAdminMixin
from onechamber.admin_actions import apply_each
from onechamber.admin_history import HistoryAdmin
from onechamber.admin_rows import CompactRowsMixin
from onechamber.admin_safety import HiddenObjectNotFoundMixin, SafeChangeListMixin
from onechamber.concurrency import VersionCheckedAdmin
from onechamber.roles import ROLES

admin.site.site_header = _("onechamber 管理画面")
# The index leads with the next meeting and its 準備チェックリスト.
admin.site.index_template = "admin/onechamber_index.html"
admin.site.site_title = _("onechamber 管理")
admin.site.index_title = _("データの管理")


@admin.register(Organization)
class OrganizationAdmin(HeadquartersScopedAdmin, HistoryAdmin, ImportExportModelAdmin):
    resource_classes = [resources.OrganizationResource]
    list_display = ["name", "short_name", "kind", "code", "parent", "order"]
    list_editable = ["order"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "code"]}),
        (_("組織の中の位置"), {"fields": ["parent", "order"]}),
    ]


class TenureInline(HeadquartersScopedAdmin, admin.TabularInline):
    model = Tenure
    extra = 0
    # Every position and every person there is: searched, not listed.
    autocomplete_fields = ["position", "person"]


@admin.register(Position)
class PositionAdmin(HeadquartersScopedAdmin, HistoryAdmin, ImportExportModelAdmin):
    resource_classes = [resources.PositionResource]
    list_display = ["title", "organization", "order"]
    list_filter = ["organization__kind"]
    search_fields = ["title", "organization__name", "tenures__person__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    inlines = [TenureInline]


@admin.register(Person)
class PersonAdmin(HeadquartersScopedAdmin, HistoryAdmin, ImportExportModelAdmin):
    resource_classes = [resources.PersonResource]
    list_display = ["name", "kana"]
    search_fields = ["name", "kana"]
    inlines = [TenureInline]


@admin.register(Headquarters)
class HeadquartersAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    superuser_sees_all = True
    list_display = ["name", "organization", "secretariat"]
    autocomplete_fields = ["organization", "secretariat"]

    # A secretariat keeps its own headquarters' details; setting up or removing
    # a headquarters (another prefecture's) is the portal's operator's.
    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class CachedChoicesMixin:
    """Select fields of inline rows query their choices once a request, not once
    a row (a meeting has some 50 rows of agenda, materials and attendees)."""

    cached_choice_fields: tuple[str, ...] = ()

    def _cache_choices(self, formfield, db_field, request):
        if formfield is None or db_field.name not in self.cached_choice_fields:
            return formfield
        cache = request.__dict__.setdefault("_inline_choices", {})
        key = (self.__class__.__name__, db_field.name)
        if key not in cache:
            cache[key] = list(formfield.choices)
        formfield.choices = cache[key]
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._cache_choices(formfield, db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._cache_choices(formfield, db_field, request)


def _bulleted(lead: str, lines: list[str]):
    """A message of a sentence and a list (escaped; messages keep it safe)."""
    return format_html(
        "{}<ul>{}</ul>",
        lead,
        format_html_join("", "<li>{}</li>", ((x,) for x in lines)),
    )


def _object_id(request):
    return request.resolver_match.kwargs.get("object_id")


class AgendaItemInline(
    CompactRowsMixin, CachedChoicesMixin, HeadquartersScopedAdmin, admin.TabularInline
):
    """次第 as a tree: rows in print order, moved and indented in the browser
    (meetings/editor.py, static/js/meeting_editor.js)."""

    model = AgendaItem
    form = AgendaItemForm
    formset = AgendaTreeFormSet
    editor_kind = "agenda"
    editor_moves = editor_numbered = True
    editor_hint = _(
        "⠿ をドラッグして並べ替えます。右へ動かすと上の項目の小項目に（字下げ）、"
        "左へ動かすと上の段に（字上げ）なります。矢印のボタンでも動かせます。"
        "番号は印刷されるとおりに表示されます。"
    )
    cells = [
        ("number", _("番号"), []),
        ("title", _("項目"), ["title", "is_report"]),
        ("materials", _("使用する資料"), ["materials"]),
    ]
    extra = 0
    fields = ["title", "is_report", "materials", "order", "parent_key"]
    cached_choice_fields = ("materials",)

    def get_queryset(self, request):
        return in_tree_order(super().get_queryset(request)).prefetch_related(
            "materials"
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "materials":
            kwargs["queryset"] = Material.objects.filter(meeting_id=_object_id(request))
            kwargs["form_class"] = NumberedMaterialsField
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MaterialInline(
    CompactRowsMixin, CachedChoicesMixin, HeadquartersScopedAdmin, admin.TabularInline
):
    """配付資料 in a compact table: 資料番号 shown as it will print, rows moved
    by dragging (順番 written by the page), PDF chosen in the row; the 本文 and
    the details are on the material's own page (「詳細」)."""

    model = Material
    form = MaterialForm
    editor_kind = "materials"
    editor_moves = editor_numbered = True
    editor_hint = _(
        "⠿ をドラッグするか矢印のボタンで並べ替えると、資料番号が付け直されます。"
        "本文は「詳細・本文」で編集します。"
    )
    cells = [
        ("number", _("資料番号"), ["series"]),
        ("title", _("表題"), ["title"]),
        ("content", _("内容"), ["content", "section_kind", "file"]),
        ("submission", _("提出"), ["department", "deadline", "submission_state"]),
    ]
    extra = 0
    show_change_link = True
    cached_choice_fields = ("department",)
    fields = [
        "series",
        "title",
        "content",
        "section_kind",
        "file",
        "department",
        "deadline",
        "submission_state",
        "order",
    ]
    readonly_fields = ["submission_state"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = Organization.objects.filter(
                kind__in=["department", "division", "other"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "order":
            formfield.widget = forms.HiddenInput()  # written by dragging
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.upload_user_id = request.user.pk
        return formset

    @admin.display(description=_("提出の状態"))
    def submission_state(self, obj) -> str:
        return submission_link(obj)


class KnownLabelsAutocomplete(AutocompleteSelect):
    """An autocomplete whose chosen value is labelled from a dict read once a
    request, not by a query per row (a meeting has some 35 attendees)."""

    known_labels: dict[str, str] = {}

    @classmethod
    def like(cls, widget: AutocompleteSelect, labels: dict[str, str]):
        new = cls(widget.field, widget.admin_site, attrs=widget.attrs)
        new.choices = widget.choices
        new.known_labels = labels
        return new

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in ("", "None")]
        if not all(v in self.known_labels for v in chosen):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for index, key in enumerate(chosen, start=len(options)):
            options.append(
                self.create_option(name, key, self.known_labels[key], True, index)
            )
        return [(None, options, 0)]


def _meeting_position_labels(request) -> dict[str, str]:
    cache = request.__dict__.setdefault("_inline_choices", {})
    if "meeting_positions" not in cache:
        used = Attendance.objects.filter(meeting_id=_object_id(request)).values(
            "position_id"
        )
        cache["meeting_positions"] = {
            str(p.pk): str(p)
            for p in Position.objects.filter(pk__in=used).select_related("organization")
        }
    return cache["meeting_positions"]


class AttendanceInline(CompactRowsMixin, HeadquartersScopedAdmin, admin.TabularInline):
    """出席者 in official order, compact: one line a person."""

    model = Attendance
    extra = 0
    editor_kind = "attendance"
    editor_moves = editor_numbered = False
    editor_hint = ""
    # One line a person: a column a field, headed as the list is read.
    cells = [
        ("group", _("区分"), ["group"]),
        ("order", _("順番"), ["order"]),
        ("position", _("職"), ["position"]),
        ("title", _("職名（当日）"), ["title"]),
        ("name", _("氏名"), ["name"]),
        ("mode", _("出席の形"), ["mode"]),
        ("proxy_title", _("代理出席者の職名"), ["proxy_title"]),
        ("proxy_name", _("代理出席者の氏名"), ["proxy_name"]),
        ("seat_side", _("席の位置"), ["seat_side"]),
        ("seat_order", _("席順"), ["seat_order"]),
    ]
    # A meeting's attendees each name one of the headquarters' positions:
    # searched, not listed (the list grows with every organisation's posts).
    autocomplete_fields = ["position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "position":
            kwargs["queryset"] = Position.objects.select_related("organization")
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "position" and formfield is not None:
            widget = formfield.widget
            if isinstance(widget, AutocompleteSelect):
                # The rows' chosen positions, read once for all the rows.
                formfield.widget = KnownLabelsAutocomplete.like(
                    widget, _meeting_position_labels(request)
                )
        return formfield

    fields = [
        "group",
        "order",
        "position",
        "title",
        "name",
        "mode",
        "proxy_title",
        "proxy_name",
        "seat_side",
        "seat_order",
    ]


@admin.register(Meeting)
class MeetingAdmin(SafeChangeListMixin, HeadquartersScopedAdmin, HistoryAdmin):
    # A long page: 保存 at its top as well as at its foot.
    save_on_top = True

    class Media:
        css = {"all": ["css/meeting_editor.css"]}
        js = ["js/meeting_editor.js"]

    list_display = [
        "__str__",
        "fiscal_year",
        "kind",
        "format",
        "when",
        "status",
        "published",
        "material_count",
    ]
    list_filter = ["fiscal_year", "kind", "status", "published", "format"]
    search_fields = ["topic", "venue", "agenda_items__title", "materials__title"]
    list_select_related = ["headquarters", "fills", "filled_by"]
    date_hierarchy = "date"
    actions = ["copy_as_next", "publish", "reissue", "packet_pdf"]
    inlines = [AgendaItemInline, MaterialInline, AttendanceInline]
    readonly_fields = [
        "published_at",
        "updated_at",
        "copied_from",
        "fills",
        "edition_panel",
    ]
    fieldsets = [
        (
            None,
            {"fields": [("fiscal_year", "number"), "kind", "topic"]},
        ),
        (
            _("日時・場所"),
            {
                "fields": [
                    "date",
                    ("approx_month", "approx_part"),
                    ("start_time", "end_time"),
                    "format",
                    "venue",
                    "venue_short",
                ]
            },
        ),
        (
            _("状態"),
            {"fields": ["status", "note", "published", "published_at", "updated_at"]},
        ),
        (_("コピー"), {"fields": ["copied_from", "fills"]}),
        (_("配付"), {"fields": ["edition_panel"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Also for the autocomplete, whose labels name the headquarters
            # (the changelist adds list_select_related only to a queryset
            # that selects nothing related yet: name it all here).
            .select_related(*self.list_select_related)
            .annotate(_materials=Count("materials"))
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A material given 提出部局 and 提出期限 here asks that department.
        asked = [
            material
            for material in form.instance.materials.filter(
                submission=submissions.State.NONE,
                department__isnull=False,
                deadline__isnull=False,
            ).select_related("department")
            if submissions.request_if_due(material, request.user)
        ]
        if asked:
            self.message_user(
                request,
                _bulleted(
                    _(
                        "%(n)s件の資料の提出を依頼しました。各部局の管理画面の"
                        "「提出をお願いしている資料」に表示されます。"
                    )
                    % {"n": len(asked)},
                    [
                        _("%(title)s：%(department)s（提出期限 %(deadline)s）")
                        % {
                            "title": m.title,
                            "department": m.department,
                            "deadline": jdates.wareki(m.deadline, with_weekday=False),
                        }
                        for m in asked
                    ],
                ),
                messages.INFO,
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/packet.pdf",
                self.admin_site.admin_view(self.packet_view),
                name="meetings_meeting_packet",
            ),
            path(
                "<path:object_id>/checklist/",
                self.admin_site.admin_view(self.checklist_view),
                name="meetings_meeting_checklist",
            ),
            *super().get_urls(),
        ]

    def checklist_view(self, request, object_id):
        """準備チェックリスト: what the meeting lacks before it is distributed."""
        meeting = self.get_object(request, object_id)
        if meeting is None or not self.has_view_permission(request, meeting):
            raise Http404
        findings = checklist.check(meeting)
        return TemplateResponse(
            request,
            "admin/meetings/meeting/checklist.html",
            {
                **self.admin_site.each_context(request),
                "title": _("準備チェックリスト：%(meeting)s") % {"meeting": meeting},
                "meeting": meeting,
                "day": jdates.wareki(checklist.meeting_day(meeting)),
                "parts": checklist.grouped(findings),
                "count": len(findings),
                "opts": self.model._meta,
                "original": meeting,
            },
        )

    def packet_view(self, request, object_id):
        """The packet PDF of one meeting (the button on its change page): the
        portal's, which serves the current edition or the preview."""
        meeting = self.get_object(request, object_id)
        if meeting is None or not self.has_view_permission(request, meeting):
            raise Http404
        return HttpResponseRedirect(reverse("meetings:packet", args=[meeting.pk]))

    @admin.action(description=_("資料一式のPDFを作成（1件）"))
    def packet_pdf(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request,
                _("資料一式のPDFを作成する会議を1件だけ選んでください。"),
                messages.ERROR,
            )
            return None
        return HttpResponseRedirect(
            reverse("meetings:packet", args=[queryset.get().pk])
        )

    @admin.display(description=_("配付した版"))
    def edition_panel(self, obj: Meeting) -> str:
        if obj is None or not obj.pk:
            return "-"
        current = editions.current_edition(obj)
        return render_to_string(
            "admin/meetings/meeting/edition_panel.html",
            {
                "meeting": obj,
                "editions": [
                    (e, editions.edition_summary(e))
                    for e in obj.editions.distributed()
                    .ready()
                    .prefetch_related("items")
                ],
                "pending": editions.pending_edition(obj),
                "changes": editions.changes(obj) if current else [],
                "current": current,
                "delivery": editions.delivery(obj) if current else [],
                "can_see_errors": True,
            },
        )

    @admin.action(description=_("差し替え（次の版を配付）"))
    def reissue(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("差し替える会議を1件だけ選んでください。"), messages.ERROR
            )
            return None
        meeting = queryset.select_related("headquarters").get()
        current = editions.current_edition(meeting)
        form = ReissueForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                edition = editions.distribute(
                    meeting=meeting, by=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                for error in dict.fromkeys(exc.messages):
                    form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("%(label)sの作成を始めました。できあがると利用者に配付されます。")
                    % {"label": edition.label},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:meetings_meeting_change", args=[meeting.pk])
                )
        return TemplateResponse(
            request,
            "admin/meetings/meeting/reissue.html",
            {
                **self.admin_site.each_context(request),
                "title": _("差し替え（次の版を配付）"),
                "meeting": meeting,
                "current": current,
                "changes": editions.changes(meeting) if current else [],
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.display(description=_("日時"))
    def when(self, obj: Meeting) -> str:
        # A planned meeting and the copy that fills it share their name: the
        # date column tells them apart.
        if obj.fills_id:
            return _("%(when)s（%(planned)sに反映）") % {
                "when": obj.when_label,
                "planned": services.planned_label(obj.fills),
            }
        if getattr(obj, "filled_by", None) is not None:
            return _("%(when)s（コピーを作成中）") % {"when": obj.when_label}
        return obj.when_label

    @admin.display(description=_("資料数"), ordering="_materials")
    def material_count(self, obj: Meeting) -> int:
        return obj._materials

    @admin.action(description=_("選んだ会議をコピーして次回の会議を作成"))
    def copy_as_next(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("コピーする会議を1件だけ選んでください。"), messages.ERROR
            )
            return None
        meeting = queryset.select_related("headquarters").get()
        form = CopyMeetingForm(
            request.POST if "apply" in request.POST else None, meeting=meeting
        )
        if form.is_valid():
            try:
                result = services.copy_meeting(
                    meeting=meeting,
                    new_date=form.cleaned_data["new_date"],
                    number=form.cleaned_data["number"],
                    fill_planned=form.cleaned_data["fill_planned"],
                    token=form.cleaned_data["token"],
                )
            except ValidationError as exc:
                for error in dict.fromkeys(exc.messages):
                    form.add_error(None, error)
            else:
                self._report_copy(request, result)
                return HttpResponseRedirect(
                    reverse("admin:meetings_meeting_change", args=[result.meeting.pk])
                )
        return TemplateResponse(
            request,
            "admin/meetings/meeting/copy_meeting.html",
            {
                **self.admin_site.each_context(request),
                "title": _("次回の会議を作成"),
                "meeting": meeting,
                "copies": meeting.copies.select_related("headquarters").order_by(
                    "date", "pk"
                ),
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _report_copy(self, request, result: services.CopyResult) -> None:
        """The result page of a copy: the new meeting's change page with what
        was made, whose names to check, and what still names the old year."""
        if not result.created:
            self.message_user(
                request,
                _("この内容のコピーは既に作成されています。「%(name)s」を表示します。")
                % {"name": result.meeting.name},
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            _bulleted(
                _(
                    "「%(name)s」を作成しました（未公開）。"
                    "内容を確認して公開してください。"
                )
                % {"name": result.meeting.name},
                result.changes,
            ),
            messages.SUCCESS,
        )
        if result.vacant_positions:
            self.message_user(
                request,
                _(
                    "次の職は開催日に在任者が登録されていないため、前回の氏名のままです：%(titles)s"
                )
                % {"titles": "、".join(result.vacant_positions)},
                messages.WARNING,
            )
        if result.review:
            self.message_user(
                request,
                _bulleted(
                    _("次の箇所は前回のままです。確認してください。"), result.review
                ),
                messages.WARNING,
            )

    @admin.action(description=_("選んだ会議を公開…"))
    def publish(self, request, queryset):
        if "apply" not in request.POST:
            # Ask first, showing what viewers will see: publishing shows the
            # meeting to every municipality and distributes its materials.
            meetings = list(
                queryset.select_related("headquarters").prefetch_related("agenda_items")
            )
            for meeting in meetings:
                meeting.numbered_materials = number_materials(meeting.materials.all())
                meeting.missing = len(checklist.check(meeting))
            return TemplateResponse(
                request,
                "admin/meetings/meeting/publish.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("会議を公開"),
                    "meetings": meetings,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        apply_each(
            self,
            request,
            queryset,
            lambda meeting: services.publish_meeting(meeting=meeting, by=request.user),
            lambda n: (
                ngettext(
                    "%(count)d件の会議を公開し、第1版の作成を始めました。",
                    "%(count)d件の会議を公開し、第1版の作成を始めました。",
                    n,
                )
                % {"count": n}
            ),
        )


def _meeting_with_headquarters(db_field, kwargs) -> dict:
    """The choices of a record's meeting, loaded with the headquarters its
    name reads (the selected one's label, shown by the autocomplete)."""
    if db_field.name == "meeting" and "queryset" not in kwargs:
        kwargs["queryset"] = Meeting.objects.select_related("headquarters")
    return kwargs


@admin.register(Attendance)
class AttendanceAdmin(HeadquartersScopedAdmin, HistoryAdmin, ImportExportModelAdmin):
    resource_classes = [resources.AttendanceResource]
    list_display = ["title", "name", "meeting", "group", "order", "mode", "seat_side"]
    list_filter = ["group", "mode", "meeting__fiscal_year"]
    search_fields = ["title", "name", "proxy_name"]
    # Every meeting there is, each named with its headquarters: searched,
    # not listed (a select read the headquarters once a meeting).
    autocomplete_fields = ["meeting", "position"]
    list_select_related = ["meeting__headquarters"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_meeting_with_headquarters(db_field, kwargs)
        )


@admin.register(AgendaItem)
class AgendaItemAdmin(HeadquartersScopedAdmin, HistoryAdmin, ImportExportModelAdmin):
    """The 次第 of every meeting as one list, for its import and export; a
    meeting's own is edited on the meeting's page."""

    resource_classes = [resources.AgendaItemResource]
    list_display = ["display_title", "meeting", "parent", "order"]
    list_filter = ["meeting__fiscal_year"]
    search_fields = ["title"]
    autocomplete_fields = ["meeting", "parent", "materials"]
    list_select_related = ["meeting__headquarters", "parent"]

    @admin.display(description=_("項目"))
    def display_title(self, obj) -> str:
        return obj.display_title

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_meeting_with_headquarters(db_field, kwargs)
        )


class MaterialImageForm(images.ImageUploadFormMixin, forms.ModelForm):
    """The image is taken only as onechamber.images checks and remakes it."""

    class Meta:
        model = MaterialImage
        fields = ["number", "image"]
        field_classes = {"image": forms.FileField}
        widgets = {"image": forms.ClearableFileInput(attrs=images.IMAGE_WIDGET_ATTRS)}


class MaterialImageInline(HeadquartersScopedAdmin, admin.TabularInline):
    """A text material's figures, printed where its 本文 says ![説明](図1)."""

    model = MaterialImage
    form = MaterialImageForm
    extra = 0
    verbose_name_plural = _("本文の図（本文に ![説明](図1) と書いた場所に印刷）")


@admin.register(Material)
class MaterialAdmin(HeadquartersScopedAdmin, HistoryAdmin):
    form = MaterialForm
    # The meeting inline gives MaterialForm its meeting; here it is chosen.
    # The extras of a generated section are chosen here, not in the meeting's rows.
    inlines = [MaterialImageInline]

    def get_inlines(self, request, obj):
        # Figures belong to a 本文 material's text: not on its add page (the
        # text comes first), nor for a generated section or an uploaded PDF.
        if obj is None or obj.content != Material.Content.TEXT:
            return []
        return super().get_inlines(request, obj)

    fields = ["meeting", *MaterialForm.Meta.fields, "section_options"]
    list_display = [
        "title",
        "meeting",
        "series",
        "order",
        "department",
        "content",
        "deadline",
        "submission",
    ]
    list_filter = ["submission", "series", "content", "meeting__fiscal_year"]
    search_fields = ["title", "text", "department__name"]
    autocomplete_fields = ["meeting", "department"]
    list_select_related = ["meeting__headquarters", "department"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_meeting_with_headquarters(db_field, kwargs)
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        submissions.request_if_due(obj, request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.upload_user_id = request.user.pk  # keeps a chosen PDF across errors
        return form

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "submissions/",
                view(self.submissions_view),
                name="meetings_material_submissions",
            ),
            path(
                "<path:object_id>/submit/",
                view(self.submit_view),
                name="meetings_material_submit",
            ),
            path(
                "<path:object_id>/review/",
                view(self.review_view),
                name="meetings_material_review",
            ),
            path(
                "<path:object_id>/review/file/",
                view(self.submitted_file_view),
                name="meetings_material_submitted_file",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "today": timezone.localdate(),
            **extra,
        }

    def submissions_view(self, request):
        """提出をお願いしている資料 (a department's), or for the secretariat every
        material asked for and not yet approved, the overdue ones first."""
        today = timezone.localdate()
        if request.user.has_perm("meetings.change_material"):
            materials = submissions.waiting(headquarters_of(request.user))
            title = _("提出の状況")
        elif request.user.has_perm("meetings.submit_material"):
            materials = submissions.asked_of(
                user_organization(request.user)
            ).for_headquarters(headquarters_of(request.user))
            title = _("提出をお願いしている資料")
        else:
            raise PermissionDenied
        materials = list(materials)
        return TemplateResponse(
            request,
            "admin/meetings/material/submissions.html",
            self._context(
                request,
                title=title,
                overdue=[
                    m
                    for m in materials
                    if m.deadline
                    and m.deadline < today
                    and m.submission in submissions.OPEN
                ],
                materials=materials,
                secretariat=request.user.has_perm("meetings.change_material"),
            ),
        )

    def _asked_material(self, request, object_id) -> Material:
        """A material asked of the account's department; another's is not found."""
        material = (
            submissions.asked_of(user_organization(request.user))
            .for_headquarters(headquarters_of(request.user))
            .filter(pk=object_id if str(object_id).isdigit() else None)
            .first()
        )
        if material is None or not submissions.may_submit(request.user, material):
            raise Http404
        return material

    def submit_view(self, request, object_id):
        material = self._asked_material(request, object_id)
        form = (
            SubmitForm(request.POST or None, request.FILES or None)
            if request.method == "POST"
            else SubmitForm()
        )
        if request.method == "POST" and form.is_valid():
            try:
                submissions.submit(
                    material=material,
                    by=request.user,
                    file=form.cleaned_data["file"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("「%(title)s」を提出しました。事務局の確認をお待ちください。")
                    % {"title": material.title},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:meetings_material_submissions")
                )
        return TemplateResponse(
            request,
            "admin/meetings/material/submit.html",
            self._context(
                request,
                title=_("資料の提出：%(title)s") % {"title": material.title},
                material=material,
                form=form,
                steps=material.submissions.all(),
            ),
        )

    def review_view(self, request, object_id):
        material = self.get_object(request, object_id)
        if material is None or not self.has_change_permission(request, material):
            raise Http404
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            comment = form.cleaned_data["comment"]
            try:
                if "approve" in request.POST:
                    submissions.approve(
                        material=material, by=request.user, comment=comment
                    )
                    done = _("「%(title)s」を承認しました。")
                elif "request_again" in request.POST:
                    submissions.request_again(
                        material=material, by=request.user, comment=comment
                    )
                    done = _("「%(title)s」の提出をもう一度依頼しました。")
                else:
                    submissions.send_back(
                        material=material, by=request.user, comment=comment
                    )
                    done = _("「%(title)s」を差し戻しました。")
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request, done % {"title": material.title}, messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:meetings_material_submissions")
                )
        return TemplateResponse(
            request,
            "admin/meetings/material/review.html",
            self._context(
                request,
                title=_("提出された資料の確認：%(title)s") % {"title": material.title},
                material=material,
                file_url=(
                    reverse(
                        "admin:meetings_material_submitted_file", args=[material.pk]
                    )
                    if material.file or submissions.latest_file(material)
                    else ""
                ),
                form=form,
                steps=material.submissions.all(),
            ),
        )

    def submitted_file_view(self, request, object_id):
        """The PDF the department handed in last (kept on its submission until
        approved), else the material's own: the portal's file view would serve
        the distributed edition's once the meeting has one, so the secretariat
        would review the wrong file. (admin_view keeps it out of every cache.)"""
        material = self.get_object(request, object_id)
        if material is None or not self.has_change_permission(request, material):
            raise Http404
        handed_in = submissions.latest_file(material)
        stored = handed_in.file if handed_in is not None else material.file
        if not stored:
            raise Http404
        label = next(
            m.label
            for m in number_materials(material.meeting.materials.all())
            if m.pk == material.pk
        )
        return FileResponse(
            stored.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"{material.meeting.fiscal_year}-{material.meeting_id}-{label}.pdf",
        )


def submission_link(material) -> str:
    """The state of a material's 提出, linked to its review page when submitted."""
    if material is None or material.pk is None or not material.submission:
        return _("依頼なし")
    label = material.get_submission_display()
    if material.submission == submissions.State.REQUESTED:
        return label
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:meetings_material_review", args=[material.pk]),
        label,
    )


class UserProfileInline(HeadquartersScopedAdmin, admin.StackedInline):
    superuser_sees_all = True
    model = UserProfile
    can_delete = False
    autocomplete_fields = ["organization"]
    verbose_name_plural = _("所属")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(
    AccessibleFormsAdminMixin,
    HiddenObjectNotFoundMixin,
    VersionCheckedAdmin,
    HistoryAdmin,
    UserAdmin,
):
    inlines = [UserProfileInline]
    list_display = ["username", "organization", "role", "is_active", "last_login"]
    list_filter = ["groups", "is_active"]

    def get_queryset(self, request):
        users = (
            super()
            .get_queryset(request)
            .select_related("profile__organization")
            .prefetch_related("groups")
        )
        # Superusers set the portal up across headquarters; everyone else
        # manages the accounts of their own.
        if request.user.is_superuser:
            return users
        return users.filter(profile__headquarters_id=headquarters_of(request.user))

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or grants permissions one by one:
        # a secretariat gives accounts a role, in its own headquarters.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # An account made without its 所属 still belongs to the maker's
        # headquarters, so that it stays in the maker's list.
        hq = headquarters_of(request.user)
        if (
            hq is not None
            and not UserProfile.objects.filter(user=form.instance).exists()
        ):
            UserProfile.objects.create(user=form.instance, headquarters_id=hq)

    @admin.display(description=_("所属"))
    def organization(self, obj) -> str:
        profile = getattr(obj, "profile", None)
        return str(profile.organization) if profile and profile.organization else ""

    @admin.display(description=_("役割"))
    def role(self, obj) -> str:
        return "、".join(g.name for g in obj.groups.all())


# django-axes' lists of login attempts have a date hierarchy too.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    _axes_admin = type(admin.site.get_model_admin(_model))
    admin.site.unregister(_model)
    admin.site.register(
        _model,
        type(_axes_admin.__name__, (SafeChangeListMixin, _axes_admin), {}),
    )
