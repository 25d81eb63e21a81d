"""The search page's form: the words, and the filters beside them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Organization
from onechamber import jdates
from search.models import DocumentKind
from search.text import MAX_QUERY


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("検索する言葉"),
        max_length=MAX_QUERY,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("検索する言葉は%(limit_value)d文字までにしてください。")
        },
    )
    fy = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int)
    kind = forms.ChoiceField(
        label=_("種類"),
        required=False,
        choices=[("", _("すべての種類")), *DocumentKind.choices],
    )
    municipality = forms.ModelChoiceField(
        label=_("市町村"),
        required=False,
        queryset=Organization.objects.municipalities(),
        to_field_name="code",
        empty_label=_("すべての市町村"),
    )

    def __init__(self, *args, headquarters, fiscal_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [("", _("すべての年度"))] + [
            (str(y), jdates.fiscal_year_label(y)) for y in fiscal_years
        ]
        field = self.fields["municipality"]
        field.queryset = field.queryset.for_headquarters(headquarters)
        for name in ("fy", "kind", "municipality"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "選べる値から選んでください。"
            )
