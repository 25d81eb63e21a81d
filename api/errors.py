"""The API's answers when something is wrong: always JSON, always in
Japanese, in the shape the portal's other JSON answers use
(``{"errors": {"field": ["message"]}}``)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, field: str = "__all__"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_response(status: int, errors: dict[str, list[str]]) -> JsonResponse:
    return JsonResponse(
        {"errors": errors}, status=status, json_dumps_params={"ensure_ascii": False}
    )


FIELD_LABELS = {
    "page": "ページ番号（page）",
    "page_size": "1ページの件数（page_size）",
    "fy": "年度（fy）",
    "item": "連携推進項目（item）",
    "status": "状態（status）",
    "edition": "版の番号（edition）",
}


def validation_message(error: dict) -> tuple[str, str]:
    """(field, Japanese message) of one of pydantic's errors."""
    loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body")]
    field = loc[-1] if loc else "__all__"
    label = FIELD_LABELS.get(field, field)
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        message = _("%(label)sは整数で指定してください。") % {"label": label}
    elif kind == "greater_than_equal":
        message = _("%(label)sは%(limit)s以上にしてください。") % {
            "label": label,
            "limit": ctx.get("ge"),
        }
    elif kind == "less_than_equal":
        message = _("%(label)sは%(limit)s以下にしてください。") % {
            "label": label,
            "limit": ctx.get("le"),
        }
    elif kind == "missing":
        message = _("%(label)sを指定してください。") % {"label": label}
    else:
        message = _("%(label)sの値が正しくありません。") % {"label": label}
    return field, message
