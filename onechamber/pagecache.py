"""Portal pages kept rendered until what they show changes.

A status page is read far more often than its data changes: the secretariat
edits a few times a day, fifteen mayors' offices read all day. So a page's
HTML is kept in the cache under everything it can depend on, and a request
that finds it answers with a few small queries and no rendering:

- the address (path and query), the view, the language and today's date;
- the account: its id, name, staff flags, its 所属 and headquarters, its
  calendar URL, and every permission it holds (what `visible_to` and the
  templates ask), so a role change shows at once;
- the headquarters' content version (meetings.versioning: every committed
  write to its data moves it on) and a digest of its packet editions (a
  distribution or a build in progress is not a data write), and the
  version of the code and templates.

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
from django.db.models import Count, Max, Q, Sum
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


def editions_digest(headquarters_id: int | None) -> tuple:
    """What the editions of a headquarters' meetings look like now, in one query."""
    from meetings.models import Edition

    if headquarters_id is None:
        return ()
    found = Edition.objects.filter(meeting__headquarters_id=headquarters_id).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        ready=Count("pk", filter=Q(state=Edition.State.READY)),
        distributed=Count("pk", filter=Q(distributed_at__isnull=False)),
        done=Sum("progress_done"),
    )
    return tuple(sorted(found.items()))


def page_key(request, view_name: str, today) -> str:
    """The cache key of this page as this account sees it now (`today` is the
    date the view reads the fiscal year and the upcoming meetings from)."""
    from meetings import versioning
    from meetings.models import headquarters_of, profile_of

    user = request.user
    hq = headquarters_of(user)
    profile = profile_of(user)
    parts = (
        view_name,
        request.get_full_path(),
        translation.get_language(),
        today().isoformat(),
        user.pk,
        user.get_username(),
        user.is_staff,
        user.is_superuser,
        profile
        and (profile.organization_id, profile.headquarters_id, profile.calendar_token),
        tuple(sorted(user.get_all_permissions())),
        hq,
        versioning.current(hq) if hq else 0,
        editions_digest(hq),
        versioning.code_version(),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _serve(request, stored: tuple[bytes, str, int]) -> HttpResponse:
    body, content_type, status = stored
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, get_token(request).encode())
    response = HttpResponse(body, content_type=content_type, status=status)
    response["X-Page-Cache"] = "hit"
    return response


def cached_page(view):
    """Keep the view's page (GET, signed in, 200) under `page_key`."""
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
        key = page_key(request, name, today)
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
