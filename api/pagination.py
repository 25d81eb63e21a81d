"""Pages of API lists: ``?page=2&page_size=50`` (at most 100 a page)."""

import math
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from api.errors import ApiError

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Mapped:
    """A queryset whose rows become API objects only for the page asked for,
    so that a list endpoint reads one page, whatever the data's size."""

    def __init__(self, queryset, convert: Callable[[Any], dict]):
        self.queryset = queryset
        self.convert = convert

    def all(self):
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict]:
        return [self.convert(obj) for obj in self.queryset[window]]


class Pages(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="ページ番号（1から）")
        page_size: int = Field(
            PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"1ページの件数（{MAX_PAGE_SIZE}件まで）",
        )

    class Output(Schema):
        count: int = Field(description="全件数")
        page: int = Field(description="このページの番号")
        pages: int = Field(description="ページ数")
        page_size: int
        items: list[Any]

    def paginate_queryset(self, queryset, pagination, request, **params):
        size = pagination.page_size
        count = self._items_count(queryset)
        pages = max(math.ceil(count / size), 1)
        if pagination.page > pages:
            raise ApiError(
                400,
                _("ページ番号は%(pages)d以下にしてください（全%(count)d件）。")
                % {"pages": pages, "count": count},
                field="page",
            )
        offset = (pagination.page - 1) * size
        return {
            "count": count,
            "page": pagination.page,
            "pages": pages,
            "page_size": size,
            "items": list(queryset[offset : offset + size]),
        }
