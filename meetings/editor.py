"""The meeting editor's forms: the 次第 as a tree, and choices that say 資料1.

The 次第 rows are shown in the order they print (each item followed by its
sub-items) and moved, indented and outdented in the browser
(static/js/meeting_editor.js), which writes each row's 順番 and the row it sits
under (``parent_key``: the stored item's key, or ``new-<n>`` for the n-th row
of the form, so a new sub-item can sit under a new item). The formset checks
the tree as a whole (two levels at most, a parent that is in this meeting's
rows and not deleted) and saves parents before their children.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem
from meetings.reports import number_materials


def in_tree_order(queryset):
    """次第 rows as they print: each top item, then its sub-items, by 順番."""
    return queryset.annotate(
        _top_order=Coalesce(F("parent__order"), F("order")),
        _top_id=Coalesce(F("parent_id"), F("id")),
        _level=Case(
            When(parent__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("_top_order", "_top_id", "_level", "order", "id")


class NumberedMaterialsField(forms.ModelMultipleChoiceField):
    """「使用する資料」 as checkboxes labelled as the packet numbers them:
    資料1　表題 … 参考資料2　表題."""

    widget = forms.CheckboxSelectMultiple

    def _get_choices(self):
        if hasattr(self, "_choices"):
            return self._choices
        return [
            (m.pk, f"{m.label}　{m.title}") for m in number_materials(self.queryset)
        ]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class AgendaItemForm(forms.ModelForm):
    parent_key = forms.CharField(
        label=_("親の項目"), required=False, max_length=20, widget=forms.HiddenInput
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "is_report", "materials", "order"]
        widgets = {"order": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.parent_id:
            self.initial.setdefault("parent_key", str(self.instance.parent_id))

    @property
    def row_key(self) -> str:
        """How other rows name this one: its stored key, or new-<n>."""
        if self.instance.pk:
            return str(self.instance.pk)
        return f"new-{self.prefix.rsplit('-', 1)[-1]}"


class AgendaTreeFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        live = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not self._should_delete_form(form)
        ]
        by_key = {form.row_key: form for form in live}
        self.parent_forms = {}
        problems = []
        for form in live:
            key = (form.cleaned_data or {}).get("parent_key", "")
            if not key:
                continue
            parent = by_key.get(key)
            title = form.cleaned_data.get("title") or _("（無題）")
            if parent is None or parent is form:
                problems.append(
                    _("「%(title)s」の親の項目が、この会議の次第にありません。")
                    % {"title": title}
                )
            elif (parent.cleaned_data or {}).get("parent_key"):
                problems.append(
                    _(
                        "「%(title)s」は小項目の下には置けません。"
                        "次第の項目は2段までです。"
                    )
                    % {"title": title}
                )
            else:
                self.parent_forms[form] = parent
        if problems:
            raise ValidationError(problems, code="agenda_tree")

    def _set_parent(self, form, commit):
        parent = getattr(self, "parent_forms", {}).get(form)
        if parent is None:
            form.instance.parent = None
            return
        if parent.instance.pk is None and commit:
            # A new item saved first, so that its new sub-item can point at it.
            self.save_new(parent, commit=True)
        form.instance.parent = parent.instance

    def save_new(self, form, commit=True):
        if getattr(form, "_saved_early", False):
            return form.instance
        self._set_parent(form, commit)
        obj = super().save_new(form, commit=commit)
        form._saved_early = commit
        return obj

    def save_existing(self, form, obj, commit=True):
        self._set_parent(form, commit)
        return super().save_existing(form, obj, commit=commit)
