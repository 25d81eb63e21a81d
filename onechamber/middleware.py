"""Response headers the portal sets on every page, and requests it refuses."""

from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class NeverCacheMiddleware:
    """Pages are never kept by a browser or a proxy: they show what one
    account may see, and offices share computers. A response that chose its
    own Cache-Control (file downloads, calendars) keeps it. Static files are
    served before this middleware (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, but a visitor of an admin page goes to the admin's login, as
    the admin's own views send them: its model pages are not marked
    login_not_required, so Django's middleware sent them to the portal's."""

    def handle_no_permission(self, request, view_func):
        if request.path.startswith(reverse("admin:index")):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return super().handle_no_permission(request, view_func)


class RejectNulMiddleware:
    """A request whose path, query, cookies or form fields hold a NUL
    character (``%00``) is answered 400 before any view sees it. No person
    types NUL, PostgreSQL refuses it in text (a server error when a view
    filters on it), and Django's forms only check the fields they declare."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request):
            message = _("使えない文字（NUL）が含まれています。")
            if _wants_json(request):
                # The API's own shape of an error answer.
                return JsonResponse(
                    {"errors": {"__all__": [message]}},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(
                message, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


class MethodNotAllowedMessageMiddleware:
    """A 405 (a form posted to a page that only shows, a link to one that
    only takes forms) says so: Django's answer has no body at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        message = _(
            "このページは%(method)sでは開けません（使える方法：%(allowed)s）。"
        ) % {
            "method": request.method,
            "allowed": response.get("Allow", ""),
        }
        if _wants_json(request):
            answer = JsonResponse(
                {"errors": {"__all__": [message]}},
                status=405,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            answer = HttpResponseNotAllowed(
                [], message, content_type="text/plain; charset=utf-8"
            )
        answer["Allow"] = response.get("Allow", "")
        return answer


def _wants_json(request) -> bool:
    return request.path.startswith(
        "/api/"
    ) or "application/json" in request.headers.get("Accept", "")


def _holds_nul(request) -> bool:
    texts = [
        request.path,
        request.path_info,
        *request.COOKIES.keys(),
        *request.COOKIES.values(),
    ]
    fields = [request.GET]
    # Form fields too, as CsrfViewMiddleware reads them anyway; other bodies
    # (JSON, files) are the view's to read.
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        fields.append(request.POST)
    for query in fields:
        for key, values in query.lists():
            texts += [key, *values]
    return any("\x00" in text for text in texts if isinstance(text, str))
