"""The portal's search page: one query over everything the user may see."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils.safestring import mark_safe

from meetings.models import headquarters_of
from onechamber import jdates
from onechamber.pagecache import cached_page
from search import index, text
from search.forms import SearchForm
from search.models import Document

PAGE_SIZE = 20


def _result(doc: Document, terms: list[text.Term]) -> dict:
    body = doc.body
    return {
        "kind": doc.get_kind_display(),
        "kind_code": doc.kind,
        "url": doc.url,
        # snippet() escapes the text and adds only <mark>.
        "title": mark_safe(text.snippet(doc.title, terms, width=300)),  # noqa: S308
        "context": mark_safe(text.snippet(doc.context, terms, width=300)),  # noqa: S308
        "snippet": mark_safe(text.snippet(body, terms)) if body else "",  # noqa: S308
        "fiscal_year": jdates.fiscal_year_label(doc.fiscal_year)
        if doc.fiscal_year
        else "",
    }


def _index_state(request) -> tuple:
    return index.index_state(headquarters_of(request.user))


# Kept like the other pages, under the state of the index too: the index
# is written after the data, in the background.
@cached_page(depends=_index_state)
def search(request):
    documents = index.visible_to(request.user)
    years = sorted(
        set(
            documents.exclude(fiscal_year=None)
            .order_by()
            .values_list("fiscal_year", flat=True)
            .distinct()
        ),
        reverse=True,
    )
    form = SearchForm(
        request.GET or None,
        headquarters=headquarters_of(request.user),
        fiscal_years=years,
    )
    context = {"form": form, "search_query": request.GET.get("q", "")[:200]}
    if not form.is_valid() or not form.cleaned_data["q"]:
        return render(request, "search/search.html", context)
    data = form.cleaned_data
    terms = text.parse_query(data["q"])
    context["searched"] = True
    if not terms:
        context["no_terms"] = True
        return render(request, "search/search.html", context)
    if data["fy"]:
        documents = documents.filter(fiscal_year=data["fy"])
    if data["municipality"]:
        documents = documents.filter(municipalities=data["municipality"])
    matched = index.matching(documents, terms, headquarters_of(request.user))
    kinds = dict(
        matched.order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    if data["kind"]:
        matched = matched.filter(kind=data["kind"])
    page = Paginator(matched, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_kind = query.copy()
    without_kind.pop("kind", None)
    context.update(
        {
            "page": page,
            "results": [_result(doc, terms) for doc in page.object_list],
            "total": sum(kinds.values()),
            "kinds": [
                {"code": code, "label": label, "count": kinds[code]}
                for code, label in Document.Kind.choices
                if code in kinds
            ],
            "kind": data["kind"],
            "query_string": query.urlencode(),
            "without_kind": without_kind.urlencode(),
        }
    )
    return render(request, "search/search.html", context)
