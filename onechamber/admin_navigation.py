"""After saving a record opened from another record's page (a results table
from its fiscal year, a session from its measure), the admin returns to that
page, not to the list of every results table.

The page a change or add form was opened from is remembered when the form is
first shown (the browser's Referer, same site only), under the record's key
in the session; saving with 保存 goes back there. Opened from a list, or
saved with 保存して編集を続ける / 保存してもう一つ追加, Django's own next page
stands.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

# Another record's change page in this admin: /admin/<app>/<model>/<pk>/change/
_CHANGE_PAGE = re.compile(r"^/[^?#]*/[a-z0-9_]+/[a-z0-9_]+/[^/]+/change/$")


class ReturnToOriginMixin:
    def _origin_key(self, object_id) -> str:
        return f"admin-origin:{self.opts.label_lower}:{object_id or 'add'}"

    def _remember_origin(self, request, object_id) -> None:
        if request.method != "GET" or "_popup" in request.GET:
            return
        referer = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            referer,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return
        parts = urlsplit(referer)
        key = self._origin_key(object_id)
        if parts.path != request.path and _CHANGE_PAGE.match(parts.path):
            request.session[key] = parts.path
        else:
            request.session.pop(key, None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._remember_origin(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        self._remember_origin(request, None)
        return super().add_view(request, form_url, extra_context)

    def _back_to_origin(self, request, object_id):
        origin = request.session.pop(self._origin_key(object_id), None)
        return HttpResponseRedirect(origin) if origin else None

    def response_post_save_change(self, request, obj):
        return self._back_to_origin(
            request, obj.pk
        ) or super().response_post_save_change(request, obj)

    def response_post_save_add(self, request, obj):
        return self._back_to_origin(request, None) or super().response_post_save_add(
            request, obj
        )
