"""Portal pages kept rendered until what they show changes.

A status page is read far more often than its data changes: the secretariat
edits a few times a day, fifteen mayors' offices read all day. So a page's
HTML is kept in the cache under everything it can depend on, and a request
that finds it answers with a few small queries and no rendering:

- the address (path and query), the view, the language and today's date;
- the account: its id, name, staff flags, its 所属 and headquarters, its
  calendar URL, its groups and every permission they and it hold (what
  `visible_to` and the templates ask), so a role change shows at once;
- the headquarters' content version (meetings.versioning: every committed
  write to its data moves it on) and the state of its packet editions (a
  distribution or a build in progress is not a data write), and the
  version of the code and templates.

All but the address and the code come from one statement (`account_state`).
An account without a profile (a superuser made by createsuperuser) has no
page kept.

Nothing about one session is kept: the only per-session text of a page, the
CSRF token of its forms, is taken out before the page is stored and a fresh
one is put in each time it is served. A page that shows a message (「保存しま
した」) is neither served from nor put in the cache. Entries expire after
`PAGE_CACHE_SECONDS` in any case.
"""

from __future__ import annotations

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_MARK = b"\x00csrf\x00"


def _seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def _messages_pending(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and len(storage))


def _messages_shown(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and (storage.used or storage._queued_messages))


def _ids(column: str) -> str:
    """An SQL aggregate of integer `column` as one text: the same set, the same text."""
    if connection.vendor == "postgresql":
        return f"string_agg(CAST({column} AS TEXT), ',' ORDER BY {column})"
    return f"group_concat({column}, ',')"


def _editions(hq: str, where: str = "", what: str = "COUNT(*)") -> str:
    # Fixed text only: the values a request brings are parameters.
    return (
        f"(SELECT {what} FROM meetings_edition e"  # noqa: S608
        " JOIN meetings_meeting m ON m.id = e.meeting_id"
        f" WHERE m.headquarters_id = {hq}{where})"
    )


def _state_sql() -> str:
    """One statement for what a page depends on besides its address: the
    account's 所属, headquarters and calendar token, its groups and
    permissions, the headquarters' content version and its editions."""
    hq = "p.headquarters_id"
    # Fixed text only: the values a request brings are parameters.
    return f"""
        SELECT p.organization_id, {hq}, p.calendar_token,
          (SELECT {_ids("ug.group_id")} FROM auth_user_groups ug
            WHERE ug.user_id = p.user_id),
          (SELECT {_ids("gp.permission_id")} FROM auth_group_permissions gp
            WHERE gp.group_id IN (
              SELECT ug.group_id FROM auth_user_groups ug WHERE ug.user_id = p.user_id)),
          (SELECT {_ids("up.permission_id")} FROM auth_user_user_permissions up
            WHERE up.user_id = p.user_id),
          COALESCE((SELECT v.number FROM meetings_contentversion v
            WHERE v.headquarters_id = {hq}), 0)
          + (SELECT COUNT(*) FROM meetings_contentchange c
            WHERE c.headquarters_id = {hq}),
          {_editions(hq)},
          {_editions(hq, what="MAX(e.id)")},
          {_editions(hq, " AND e.state = %s")},
          {_editions(hq, " AND e.distributed_at IS NOT NULL")},
          {_editions(hq, what="SUM(e.progress_done)")}
        FROM meetings_userprofile p WHERE p.user_id = %s
    """  # noqa: S608


def account_state(user) -> tuple | None:
    """What the page of `user` depends on, in one query (None for an account
    without a profile: a superuser, whose pages are not kept)."""
    from meetings.models import Edition

    with connection.cursor() as cursor:
        cursor.execute(_state_sql(), [Edition.State.READY, user.pk])
        return cursor.fetchone()


def page_key(request, view_name: str, today, depends=None) -> str | None:
    """The cache key of this page as this account sees it now (`today` is the
    date the view reads the fiscal year and the upcoming meetings from;
    `depends(request)`, where given, what else the page shows that the
    content version does not cover); None when the page is not kept."""
    from meetings import versioning

    user = request.user
    state = account_state(user)
    if state is None or state[1] is None:
        return None
    # The account's headquarters is read: meetings.models.headquarters_of
    # (which `depends` and the view ask) need not read the profile again.
    if not hasattr(user, "_onechamber_headquarters"):
        user._onechamber_headquarters = state[1]
    parts = (
        view_name,
        request.get_full_path(),
        translation.get_language(),
        today().isoformat(),
        user.pk,
        user.get_username(),
        user.is_active,
        user.is_staff,
        user.is_superuser,
        state,
        versioning.code_version(),
        depends(request) if depends is not None else (),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _serve(request, stored: tuple[bytes, str, int]) -> HttpResponse:
    body, content_type, status = stored
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, get_token(request).encode())
    response = HttpResponse(body, content_type=content_type, status=status)
    response["X-Page-Cache"] = "hit"
    return response


def cached_page(view=None, *, depends=None):
    """Keep the view's page (GET, signed in, 200) under `page_key`; used bare
    or as ``cached_page(depends=…)``."""
    if view is None:
        return functools.partial(cached_page, depends=depends)
    name = f"{view.__module__}.{view.__qualname__}"

    # The view module's own idea of today, where it has one (tests set it).
    def today():
        return (view.__globals__.get("_today") or timezone.localdate)()

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or not request.user.is_authenticated
            or _messages_pending(request)
        ):
            return view(request, *args, **kwargs)
        key = page_key(request, name, today, depends)
        if key is None:
            return view(request, *args, **kwargs)
        stored = cache.get(key)
        if stored is not None:
            return _serve(request, stored)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not _messages_shown(request)
        ):
            body = CSRF_INPUT.sub(rb"\1" + CSRF_MARK + rb"\2", response.content)
            cache.set(key, (body, response["Content-Type"], 200), _seconds())
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
