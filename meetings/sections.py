"""The registry of section kinds: parts of a meeting's materials that the portal
generates from its data.

Other apps register theirs when they load (in their AppConfig.ready), so
meetings never imports them. A section kind turns a material into an HTML
fragment; the meeting page shows it and the packet prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class SectionKind:
    key: str
    label: str
    render: Callable[..., SafeString]
    # Wide tables print on A4 landscape pages.
    landscape: bool = False
    # Extras the secretariat may switch on per material (key: label); the
    # render function asks `material.shows(key)`. Off unless chosen.
    options: tuple[tuple[str, str], ...] = ()

    @property
    def option_keys(self) -> list[str]:
        return [key for key, _label in self.options]


registry: dict[str, SectionKind] = {}


class AlreadyRegistered(Exception):
    """A section kind of that key is registered already."""


# A section may mark where its printed form starts a new page (between the WG
# table and each item's sheet, say): the packet prints each run between marks
# as a part of its own, so long sections render on several cores at once.
# Browsers ignore it, being a comment.
PAGE_BREAK = "<!-- onechamber:page-break -->"


def register(
    key: str,
    label: str,
    *,
    landscape: bool = False,
    options: tuple[tuple[str, str], ...] = (),
) -> Callable[[Callable[..., SafeString]], Callable[..., SafeString]]:
    """Decorator: register `render(material, *, request=None)` as section `key`.

    A key registered twice is refused, as Django's admin refuses a model
    registered twice: two apps must not print under one name."""

    def decorator(render: Callable[..., SafeString]) -> Callable[..., SafeString]:
        if key in registry:
            raise AlreadyRegistered(f"section kind {key!r} is already registered")
        registry[key] = SectionKind(
            key=key, label=label, render=render, landscape=landscape, options=options
        )
        return render

    return decorator


def choices() -> list[tuple[str, str]]:
    """(key, label) pairs for forms, in registration order."""
    return [(kind.key, kind.label) for kind in registry.values()]


def render(material, *, request=None) -> SafeString:
    """The HTML of a section material; empty when its kind is no longer offered."""
    kind = registry.get(material.section_kind)
    return kind.render(material, request=request) if kind else SafeString("")


# Panels other apps add to a municipality's page ("what concerns us"): each is
# `render(request, organization, fiscal_year) -> SafeString` (the year the page
# shows, None for every year), shown in registration order. A panel lists at
# most a page of each kind of record and links to where the rest are.
municipality_panels: list[Callable[..., SafeString]] = []


def register_municipality_panel(
    render: Callable[..., SafeString],
) -> Callable[..., SafeString]:
    """Decorator: show `render(request, organization, fiscal_year)` on
    municipality pages."""
    municipality_panels.append(render)
    return render
