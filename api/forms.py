from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("トークンの名前"),
        max_length=100,
        help_text=_("何に使うかが分かる名前。例：集計用のExcelマクロ"),
        error_messages={"required": _("トークンの名前を入力してください。")},
    )
