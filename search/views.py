"""The portal's search page."""

from __future__ import annotations

from django.shortcuts import render


def search(request):
    query = request.GET.get("q", "").strip()
    return render(request, "search/search.html", {"search_query": query})
