"""提出: departments submit the materials the secretariat asks of them.

The secretariat sets a material's 提出部局 and 提出期限: that asks the
department (未提出). The department uploads its PDF (or, for a material made
from the portal's data, enters that data) and submits (提出済). The secretariat
sends it back with a comment (差し戻し), and the department submits again, or
approves it (承認済). Every step is a `Submission` row: who, when, what they
said and which file.

A submitted PDF is kept on its `Submission` row, not on the material: until
the secretariat approves it, viewers, the packet and any edition keep the
material as it was. Approval copies the file onto the material.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from meetings.models import Material, Organization, Submission, own_organization_ids

State = Submission.State
Step = Submission.Step
OPEN = (State.REQUESTED, State.RETURNED)


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _record(
    material: Material, step: str, by, comment: str = "", file=None
) -> Submission:
    record = Submission(
        material=material,
        step=step,
        by=by,
        by_name=_name(by),
        comment=comment,
    )
    if file is not None:
        record.file = file
        record.file_name = PurePosixPath(file.name or "").name
    elif material.file:
        record.file_name = PurePosixPath(material.file.name).name
    record.save()
    return record


def _locked(material: Material, state: str, message: str, code: str) -> Material:
    """The material, locked for this transaction, if it is in `state`; else
    the message (naming the state it is in)."""
    material = Material.objects.select_for_update().get(pk=material.pk)
    if material.submission != state:
        raise ValidationError(
            message % {"state": material.get_submission_display()}, code=code
        )
    return material


def _move(material, state, step, by, comment, fields=()) -> Submission:
    material.submission = state
    material.save(update_fields=["submission", "updated_at", *fields])
    return _record(material, step, by, comment.strip())


def latest_file(material: Material) -> Submission | None:
    """The last submission that handed in a PDF (what the secretariat reviews)."""
    return (
        material.submissions.filter(step=Step.SUBMITTED)
        .exclude(file="")
        .order_by("-at", "-pk")
        .first()
    )


def request_if_due(material: Material, by) -> Submission | None:
    """Ask the material's department for it when the secretariat has just set
    both 提出部局 and 提出期限 (a material asked already stays where it is)."""
    if material.department_id is None or material.deadline is None:
        return None
    if material.submission != State.NONE:
        return None
    Material.objects.filter(pk=material.pk).update(submission=State.REQUESTED)
    material.submission = State.REQUESTED
    return _record(material, Step.REQUESTED, by)


@transaction.atomic
def request_again(*, material: Material, by, comment: str = "") -> Submission:
    """Ask the department again for a material already approved (a 差し替え):
    it is 未提出 again, and what was approved stays on the material until the
    new file is approved."""
    material = _locked(
        material,
        State.APPROVED,
        _("もう一度依頼できるのは承認済の資料だけです（今は%(state)s）。"),
        "not_approved",
    )
    return _move(material, State.REQUESTED, Step.REQUESTED, by, comment)


def asked_of(org: Organization | None) -> QuerySet:
    """The materials asked of department `org` (or of an organisation below
    it), soonest deadline first."""
    return (
        Material.objects.filter(department__in=own_organization_ids(org))
        .exclude(submission=State.NONE)
        .select_related("meeting", "department")
        .order_by("deadline", "meeting", "series", "order")
    )


def may_submit(user, material: Material) -> bool:
    from meetings.reports import user_organization

    return (
        user.has_perm("meetings.submit_material")
        and material.department_id in own_organization_ids(user_organization(user))
        and material.submission != State.NONE
    )


@transaction.atomic
def submit(*, material: Material, by, file=None, comment: str = "") -> Submission:
    """The department hands the material in, with its PDF when it uploads one."""
    material = Material.objects.select_for_update().get(pk=material.pk)
    if not may_submit(by, material):
        raise PermissionDenied
    if material.submission not in OPEN:
        raise ValidationError(
            _("この資料は%(state)sです。差し戻されたときに提出し直せます。")
            % {"state": material.get_submission_display()},
            code="not_open",
        )
    if (
        file is None
        and material.content == Material.Content.PDF
        and not material.file
        and latest_file(material) is None
    ):
        raise ValidationError(_("PDFファイルを選んでください。"), code="file_required")
    material.submission = State.SUBMITTED
    material.save(update_fields=["submission", "updated_at"])
    return _record(material, Step.SUBMITTED, by, comment, file=file)


@transaction.atomic
def send_back(*, material: Material, by, comment: str) -> Submission:
    """The secretariat returns a submitted material, saying what to change."""
    if not comment.strip():
        raise ValidationError(
            _("差し戻す理由（直してほしいこと）を入力してください。"),
            code="comment_required",
        )
    material = _locked(
        material,
        State.SUBMITTED,
        _("差し戻せるのは提出済の資料だけです（今は%(state)s）。"),
        "not_submitted",
    )
    return _move(material, State.RETURNED, Step.RETURNED, by, comment)


@transaction.atomic
def approve(*, material: Material, by, comment: str = "") -> Submission:
    material = _locked(
        material,
        State.SUBMITTED,
        _("承認できるのは提出済の資料だけです（今は%(state)s）。"),
        "not_submitted",
    )
    fields = []
    handed_in = latest_file(material)
    if handed_in is not None:
        # What the department handed in becomes the material's PDF now.
        with handed_in.file.open("rb") as stream:
            material.file.save(
                handed_in.file_name or "submission.pdf", stream, save=False
            )
        material.content = Material.Content.PDF
        fields = ["file", "content"]
    return _move(material, State.APPROVED, Step.APPROVED, by, comment, fields)


def overdue(materials: QuerySet, today: dt.date) -> QuerySet:
    """Materials past their deadline and not yet handed in (or handed back)."""
    return materials.filter(deadline__lt=today, submission__in=OPEN)


def waiting(headquarters) -> QuerySet:
    """Every material of a headquarters that is asked for and not approved."""
    return (
        Material.objects.for_headquarters(headquarters)
        .filter(Q(submission__in=OPEN) | Q(submission=State.SUBMITTED))
        .select_related("meeting", "department")
        .order_by("deadline", "meeting", "series", "order")
    )
