"""The eligibility question, shared by the page and the JSON API."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Organization
from onechamber.forms import JapaneseDateField
from vaccination import reports
from vaccination.models import TargetGroup

# Bounds only keep the month count inside the calendar; any real completion
# date lies far inside them.
EARLIEST_COMPLETION = dt.date(2000, 1, 1)
LATEST_COMPLETION = dt.date(2099, 12, 31)


class EligibilityForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("接種対象の区分"),
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        empty_label=_("選んでください"),
        error_messages={
            "required": _("接種対象の区分を選んでください。"),
            "invalid_choice": _("接種対象の区分が正しくありません。"),
        },
    )
    completed = JapaneseDateField(
        label=_("初回接種（2回目）の完了日"),
        help_text=_("例：2021-08-31、2021/8/31、令和3年8月31日、R3.8.31"),
        error_messages={"required": _("初回接種の完了日を入力してください。")},
        earliest=EARLIEST_COMPLETION,
        latest=LATEST_COMPLETION,
        range_message=_(
            "完了日は2000年1月1日から2099年12月31日までの日付で入力してください。"
        ),
    )
    municipality = forms.ModelChoiceField(
        label=_("市町村（任意）"),
        queryset=Organization.objects.municipalities(),
        to_field_name="code",
        required=False,
        empty_label=_("国の適用開始日で計算"),
        help_text=_("選ぶと、その市町村が独自に定めた適用開始日を使います。"),
        error_messages={
            "invalid_choice": _(
                "市町村が見つかりません。団体コード（6桁）で指定してください。"
            )
        },
    )

    def __init__(self, *args, headquarters, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("group", "municipality"):
            field = self.fields[name]
            field.queryset = field.queryset.for_headquarters(headquarters)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        answer = reports.answer_eligibility(
            group=data["group"],
            completed=data["completed"],
            municipality=data.get("municipality"),
        )
        if answer is None:
            raise forms.ValidationError(
                _("この区分と完了日に当てはまる接種間隔の規則がありません。"),
                code="no_rule",
            )
        data["answer"] = answer
        return data
