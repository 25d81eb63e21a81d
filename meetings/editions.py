"""Editions of a meeting's packet (第1版, 差し替えの第2版, …): distributing,
building in the background, what changed since, and who fetched which.

A request never renders: it asks for an edition (or a preview of a meeting
not distributed yet) and gets its files when a worker has built them, or the
edition's progress until then.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from dataclasses import dataclass, field

from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import versioning
from meetings.models import (
    Edition,
    EditionDownload,
    EditionItem,
    Meeting,
    Organization,
    UserProfile,
)
from meetings.packet import cache, parts, snapshot
from meetings.packet.build import is_stalled, remove_files
from meetings.tasks import build_edition
from onechamber import history, jdates

logger = logging.getLogger(__name__)


# --- Reads ---------------------------------------------------------------------


def current_edition(meeting: Meeting) -> Edition | None:
    """The edition viewers get: the latest distributed edition built."""
    return (
        meeting.editions.distributed().ready().order_by("-number").first()
        if meeting.pk
        else None
    )


def pending_edition(meeting: Meeting) -> Edition | None:
    """A distributed edition waiting for, or in, its build (or failed)."""
    latest = meeting.editions.distributed().order_by("-number").first()
    if latest is None or latest.state == Edition.State.READY:
        return None
    return latest


def edition_summary(edition: Edition) -> str:
    """第2版（令和4年1月18日 差し替え：資料1、資料4）, or 第1版（令和4年1月14日 配付）."""
    day = jdates.wareki(timezone.localdate(edition.distributed_at), with_weekday=False)
    if edition.number and edition.number > 1:
        labels = [
            i.label or i.title
            for i in edition.items.all()
            if i.replaced_in == edition.number
        ]
        what = "、".join(labels) or _("なし")
        return _("%(label)s（%(day)s 差し替え：%(what)s）") % {
            "label": edition.label,
            "day": day,
            "what": what,
        }
    return _("%(label)s（%(day)s 配付）") % {"label": edition.label, "day": day}


# --- Distributing --------------------------------------------------------------


@transaction.atomic
def distribute(*, meeting: Meeting, by, note: str = "") -> Edition:
    """Distribute the next edition of `meeting`: 第1版 when it has none, else a
    差し替え of the materials changed since (refused when nothing changed)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.published:
        raise ValidationError(
            _("未公開の会議は配付できません。先に公開してください。"),
            code="unpublished",
        )
    if not meeting.materials.exists():
        raise ValidationError(
            _("配付資料が登録されていないため、配付できません。"),
            code="no_materials",
        )
    if pending := pending_edition(meeting):
        if pending.state != Edition.State.FAILED:
            raise ValidationError(
                _("%(label)sを作成中です。できあがってから配付してください。")
                % {"label": pending.label},
                code="building",
            )
        pending.delete()  # a failed edition was never distributed: try again
    current = current_edition(meeting)
    if current is not None and not changes(meeting):
        raise ValidationError(
            _("%(label)sの配付後に変更がないため、差し替えはありません。")
            % {"label": current.label},
            code="no_changes",
        )
    number = (meeting.editions.distributed().aggregate(n=Max("number"))["n"] or 0) + 1
    edition = Edition(
        meeting=meeting,
        number=number,
        note=note.strip(),
        created_by=by if getattr(by, "pk", None) else None,
    )
    edition.full_clean()
    edition.save()
    # The edition is a record of its own; the meeting's history says who
    # distributed which edition.
    history.record(
        meeting,
        reason_text=(
            _("配付（%(label)s）") if number == 1 else _("差し替え（%(label)s）")
        )
        % {"label": edition.label},
        user=by,
    )
    enqueue(edition)
    edition.refresh_from_db()
    return edition


# A failed preview is built again when asked for after this long.
RETRY_AFTER = dt.timedelta(seconds=60)


def find_preview(meeting: Meeting) -> Edition | None:
    """The build of today's data for `meeting`, if one was asked for."""
    return (
        meeting.editions.filter(number=None, content_version=_preview_version(meeting))
        .order_by("-pk")
        .first()
    )


def preview(meeting: Meeting) -> Edition:
    """The build of today's data for `meeting` (with 「案」 while unpublished):
    found when it exists, else queued."""
    version = _preview_version(meeting)
    found = (
        meeting.editions.filter(number=None, content_version=version)
        .exclude(state=Edition.State.FAILED)
        .order_by("-pk")
        .first()
    )
    if found is not None:
        if is_stalled(found):
            enqueue(found)
        return found
    failed = meeting.editions.filter(
        number=None, content_version=version, state=Edition.State.FAILED
    ).first()
    if failed is not None:
        # Tried again when asked a minute after it failed (the page says so).
        if failed.heartbeat_at and failed.heartbeat_at > timezone.now() - RETRY_AFTER:
            return failed
        remove_files(failed)
        failed.delete()
    edition = Edition.objects.create(
        meeting=meeting,
        number=None,
        draft=not meeting.published,
        content_version=version,
    )
    enqueue(edition)
    edition.refresh_from_db()  # an immediate backend has built it already
    return edition


def _preview_version(meeting: Meeting) -> str:
    return "|".join(
        [
            cache.content_version(meeting),
            versioning.code_version()[:16],
            parts.asset_version()[:16],
            "draft" if not meeting.published else "final",
        ]
    )


def enqueue(edition: Edition) -> None:
    """Queue the build of `edition` for a worker.

    The database backend stores the task in this transaction, so a worker sees
    it when the edition is committed; the immediate backend (tests) builds at
    once. Another backend is asked only after the commit."""
    backend = build_edition.get_backend()
    name = type(backend).__name__
    if name in ("DatabaseBackend", "ImmediateBackend", "DummyBackend"):
        build_edition.enqueue(edition.pk)
    else:  # a broker would run it before the edition is committed
        transaction.on_commit(lambda: build_edition.enqueue(edition.pk))


def resume_stalled() -> list[Edition]:
    """Queue again the builds whose worker was killed (for a starting worker)."""
    stalled = [
        e
        for e in Edition.objects.filter(
            state__in=[Edition.State.QUEUED, Edition.State.BUILDING]
        )
        if is_stalled(e)
    ]
    for edition in stalled:
        enqueue(edition)
    return stalled


# --- What changed since the edition distributed ---------------------------------


@dataclass
class Change:
    """An item whose printed content differs from the edition distributed."""

    label: str
    title: str
    kind: str  # changed, added, removed
    lines: list[tuple[str, str]] = field(default_factory=list)  # (+|-| , text)

    @property
    def kind_label(self) -> str:
        return {
            "changed": _("変更"),
            "added": _("追加"),
            "removed": _("削除"),
        }[self.kind]


def changes(meeting: Meeting) -> list[Change]:
    """What a 差し替え would replace now, against the current edition."""
    current = current_edition(meeting)
    if current is None:
        return []
    key = (
        f"edition-changes:{current.pk}:{cache.content_version(meeting)}"
        f":{versioning.code_version()[:16]}"
    )
    found = django_cache.get(key)
    if found is None:
        found = _changes(meeting, current)
        django_cache.set(key, found, 3600)
    return found


def _changes(meeting: Meeting, current: Edition) -> list[Change]:
    before = {
        snapshot.item_key(i): i
        for i in current.items.exclude(role=EditionItem.Role.REPLACEMENTS)
    }
    found = []
    seen = set()
    for item in snapshot.live_items(meeting, draft=False):
        key = snapshot.item_key(item)
        seen.add(key)
        old = before.get(key)
        if old is not None and old.digest == item.digest:
            continue
        label = item.label or item.title
        if old is None:
            found.append(
                Change(
                    label=label,
                    title=item.title,
                    kind="added",
                    lines=[("+", t) for t in item.text.splitlines()],
                )
            )
            continue
        found.append(
            Change(
                label=label,
                title=item.title,
                kind="changed",
                lines=diff_lines(old.text, item.text),
            )
        )
    for key, old in before.items():
        if key not in seen:
            found.append(
                Change(
                    label=old.label or old.title,
                    title=old.title,
                    kind="removed",
                    lines=[("-", t) for t in old.text.splitlines()],
                )
            )
    return found


def diff_lines(old: str, new: str, *, context: int = 1) -> list[tuple[str, str]]:
    """The lines removed (-) and added (+) from `old` to `new`, with `context`
    unchanged lines around each change; "…" marks lines left out."""
    a, b = old.splitlines(), new.splitlines()
    out: list[tuple[str, str]] = []
    for group in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(
        context
    ):
        if out:
            out.append(("…", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [(" ", t) for t in a[i1:i2]]
                continue
            out += [("-", t) for t in a[i1:i2]]
            out += [("+", t) for t in b[j1:j2]]
    if not out and old != new:
        out.append((" ", _("（文字の並びは同じで、書式や表題が変わりました）")))
    return out


# --- Who fetched which ----------------------------------------------------------


def record_download(*, edition: Edition, user) -> None:
    """Note that `user` fetched `edition` (a distributed one) now."""
    if not edition.number or not getattr(user, "pk", None):
        return
    now = timezone.now()
    updated = EditionDownload.objects.filter(edition=edition, user=user).update(
        last_at=now, count=F("count") + 1
    )
    if updated:
        return
    try:
        with transaction.atomic():
            EditionDownload.objects.create(
                edition=edition, user=user, first_at=now, last_at=now
            )
    except IntegrityError:  # a second download at the same moment
        EditionDownload.objects.filter(edition=edition, user=user).update(
            last_at=now, count=F("count") + 1
        )


@dataclass
class Delivery:
    """What one municipality holds of a meeting's editions."""

    organization: Organization
    edition: Edition | None  # the newest edition any of its accounts fetched
    at: dt.datetime | None
    accounts: int
    current_pk: int | None = None

    @property
    def up_to_date(self) -> bool:
        return self.edition is not None and self.edition.pk == self.current_pk

    @property
    def status(self) -> str:
        if self.edition is None:
            return _("未取得") if self.accounts else _("アカウントなし")
        local = timezone.localtime(self.at)
        return _("%(label)s 取得済（%(m)d/%(d)d %(t)s）") % {
            "label": self.edition.label,
            "m": local.month,
            "d": local.day,
            "t": local.strftime("%H:%M"),
        }


def delivery(meeting: Meeting) -> list[Delivery]:
    """Per municipality of the meeting's headquarters, in official order: the
    newest edition of `meeting` its accounts fetched, and when."""
    current = current_edition(meeting)
    municipalities = list(
        Organization.objects.for_headquarters(meeting.headquarters_id).municipalities()
    )
    accounts: dict[int, int] = {}
    for org_id in UserProfile.objects.filter(
        organization__in=municipalities
    ).values_list("organization_id", flat=True):
        accounts[org_id] = accounts.get(org_id, 0) + 1
    newest: dict[int, tuple[Edition, dt.datetime]] = {}
    downloads = (
        EditionDownload.objects.filter(
            edition__meeting=meeting,
            user__profile__organization__in=municipalities,
        )
        .select_related("edition")
        .values_list("user__profile__organization_id", "edition_id", "first_at")
    )
    editions = {e.pk: e for e in meeting.editions.distributed()}
    for org_id, edition_id, at in downloads:
        edition = editions[edition_id]
        held = newest.get(org_id)
        if held is None or (edition.number, at) > (held[0].number, held[1]):
            newest[org_id] = (edition, at)
    rows = []
    for org in municipalities:
        edition, at = newest.get(org.pk, (None, None))
        rows.append(
            Delivery(
                organization=org,
                edition=edition,
                at=at,
                accounts=accounts.get(org.pk, 0),
                current_pk=current.pk if current else None,
            )
        )
    return rows


def news(user, *, limit: int = 10) -> list[Edition]:
    """新着: the newest editions and 差し替え of meetings `user` may see."""
    return list(
        Edition.objects.visible_to(user)
        .select_related("meeting__headquarters")
        .prefetch_related("items")
        .order_by("-distributed_at")[:limit]
    )


def open_file(name: str):
    """A file of an edition, opened for reading (FileNotFoundError if gone)."""
    return snapshot.storage().open(name, "rb")
