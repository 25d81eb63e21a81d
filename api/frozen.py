"""The 次第 and 出席者 of a distributed edition, read back from the page HTML
the edition froze (meetings/_meeting_record.html as it rendered that day):
an edition keeps no other structured copy of them, and the API and the
exports must say what the page shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _RecordParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.agenda: list[dict] = []
        self.attendees: list[dict] = []
        self.seats: list[dict] = []
        self._stack: list[tuple[str, set[str]]] = []
        self._field: str | None = None
        self._node: dict | None = None
        self._group = ""
        self._row: dict | None = None
        self._in_h3 = False
        self._h3 = ""
        self._cell: str | None = None

    def _classes(self, attrs) -> set[str]:
        return set((dict(attrs).get("class") or "").split())

    def handle_starttag(self, tag, attrs):
        classes = self._classes(attrs)
        parents = {c for _t, cs in self._stack for c in cs}
        if tag not in ("br", "img", "input", "col", "rect", "line"):
            self._stack.append((tag, classes))
        if tag == "li" and "agenda" in parents:
            node = {"number": "", "title": "", "materials": "", "children": []}
            if "agenda-sub" in parents and self.agenda:
                self.agenda[-1]["children"].append(node)
            else:
                self.agenda.append(node)
            self._node = node
        elif tag == "span" and self._node is not None:
            for name, key in (("num", "number"), ("title", "title")):
                if name in classes:
                    self._field = key
            if "material-refs" in classes:
                self._field = "materials"
        elif tag == "section" and "attendee-group" in classes:
            self._group = ""
        elif tag == "h3" and "attendee-group" in parents:
            self._in_h3, self._h3 = True, ""
        elif (
            tag == "tr"
            and "seat-list" in parents
            and all(t != "thead" for t, _c in self._stack)
        ):
            self._row = {"side": "", "title": "", "name": ""}
            self._seat_cells = 0
            self.seats.append(self._row)
        elif tag == "tr" and "attendees" in parents:
            mode = next((c[5:] for c in classes if c.startswith("mode-")), "")
            self._row = {"group": self._group, "title": "", "name": "", "mode": mode}
            self._row["proxy"] = ""
            self.attendees.append(self._row)
        elif self._row is not None and "side" in self._row and tag in ("th", "td"):
            # 位置 | 職名 | 氏名 (the name of a proxy with （代理）).
            self._cell = ("side", "title", "name")[min(self._seat_cells, 2)]
            self._seat_cells += 1
        elif self._row is not None and tag in ("th", "td"):
            self._cell = "title" if tag == "th" else "name"
        elif self._row is not None and tag == "span":
            # The proxy's name, else a badge (WEB, 欠席) that the mode says.
            self._cell = "proxy" if "proxy" in classes else None

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1][0] == tag:
            self._stack.pop()
        if tag == "span":
            self._field = None
            if self._row is not None:
                self._cell = None
        elif tag == "li" and self._node is not None:
            self._node = None
        elif tag == "h3" and self._in_h3:
            self._in_h3 = False
            text = re.sub(r"^\d+\.\s*", "", self._h3.strip())
            self._group = re.sub(r"（\d+名）$", "", text)
        elif tag in ("th", "td"):
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._in_h3:
            self._h3 += data
        if self._node is not None and self._field:
            self._node[self._field] += data
        if self._row is not None and self._cell:
            self._row[self._cell] += data


def _labels(text: str) -> list[str]:
    text = text.strip().removeprefix("（").removesuffix("）")
    return [t for t in text.split("、") if t]


def read_seats(html: str) -> list[dict]:
    """The seat list (位置, 職名, 氏名) of a frozen meeting record."""
    parser = _RecordParser()
    parser.feed(html or "")
    parser.close()
    return [{k: v.strip() for k, v in seat.items()} for seat in parser.seats]


def read_record(html: str) -> tuple[list[dict], list[dict]]:
    """(agenda, attendees) of a frozen meeting record; empty lists for parts
    it does not hold."""
    parser = _RecordParser()
    parser.feed(html or "")
    parser.close()
    agenda = []
    for node in parser.agenda:
        agenda.append(
            {
                "number": node["number"].strip(),
                "title": node["title"].strip(),
                "materials": _labels(node["materials"]),
                "children": [
                    {
                        "number": c["number"].strip(),
                        "title": c["title"].strip(),
                        "materials": _labels(c["materials"]),
                        "children": [],
                    }
                    for c in node["children"]
                ],
            }
        )
    attendees = []
    for row in parser.attendees:
        proxy = row["proxy"].strip().removeprefix("（代理：").removesuffix("）")
        proxy_title, _sep, proxy_name = proxy.partition(" ")
        attendees.append(
            {
                "group": row["group"],
                "title": row["title"].strip(),
                "name": row["name"].strip(),
                "mode": row["mode"],
                "proxy_title": proxy_title.strip(),
                "proxy_name": proxy_name.strip(),
            }
        )
    return agenda, attendees
