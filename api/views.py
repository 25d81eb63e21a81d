"""The account page (API tokens), the API's documentation page and the
exports of the portal's tables."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from api import exports, services, tables
from api.endpoints import api
from api.errors import ApiError
from api.forms import TokenForm
from api.models import ApiToken


@require_http_methods(["GET", "POST"])
def account(request):
    """The user's API tokens; a new one's key shown once, after it is made."""
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    new_key = None
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_key = services.create_token(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            form = TokenForm()
    status = 400 if request.method == "POST" and form.errors else 200
    response = render(
        request,
        "api/account.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_key": new_key,
            "new_token": new_token,
            "api_url": request.build_absolute_uri(reverse("api:api-root")),
        },
        status=status,
    )
    # The key is in this answer only: never kept by a browser's cache.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def revoke_token(request, pk: int):
    """Asks first (GET), then revokes (POST): the token stops working at once."""
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    if request.method == "GET":
        return render(request, "api/revoke_token.html", {"token": token})
    services.revoke_token(token=token)
    messages.success(
        request,
        _("トークン「%(name)s」を無効にしました。このトークンではもう使えません。")
        % {"name": token.name},
    )
    return redirect("data:account")


@login_not_required
@require_GET
def root(request):
    """/api/: where the documentation and the schema are."""
    return JsonResponse(
        {
            "title": api.title,
            "docs": request.build_absolute_uri(reverse("data:docs")),
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def docs(request):
    """The API's own page: how to authenticate, pages, dates, every endpoint."""
    schema = api.get_openapi_schema()
    endpoints = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = [
                {
                    "name": p["name"],
                    "where": {"query": "クエリ", "path": "パス"}.get(p["in"], p["in"]),
                    "required": p.get("required", False),
                    "description": p.get("description")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in operation.get("parameters", [])
            ]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "params": params,
                }
            )
    return render(
        request,
        "api/docs.html",
        {
            "endpoints": endpoints,
            "schema_url": reverse("api:openapi-json"),
            "api_url": request.build_absolute_uri(reverse("api:api-root")),
            "tables": sorted(tables.registry.values(), key=lambda t: t.name),
        },
    )


@require_GET
def export(request, table: str, extension: str):
    """One table of a page as CSV or JSON, with the rows the page shows."""
    found = tables.get(table)
    try:
        params = tables.read_params(found, request.GET)
        subject, rows = found.read(request, **params)
    except ApiError as exc:
        if extension == "json":
            return JsonResponse(
                {"errors": {exc.field: [exc.message]}},
                status=exc.status,
                json_dumps_params={"ensure_ascii": False},
            )
        return HttpResponse(
            exc.message, status=exc.status, content_type="text/plain; charset=utf-8"
        )
    if extension == "csv":
        return exports.csv_response(found, subject, rows)
    return exports.json_response(found, subject, rows)
