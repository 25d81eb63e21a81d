"""The admin index: the next meeting's 準備チェックリスト, and the materials
asked of departments (提出)."""

from django import template
from django.utils import timezone

from meetings import checklist, submissions
from meetings.models import Meeting, headquarters_of
from meetings.reports import user_organization

register = template.Library()


@register.inclusion_tag("admin/meetings/next_meeting.html", takes_context=True)
def next_meeting_checklist(context):
    """The account's headquarters' next meeting (a copy being prepared stands
    in for the planned one it fills), with how much it still lacks."""
    user = context["request"].user
    if not user.has_perm("meetings.change_meeting"):
        return {"meeting": None}
    meeting = (
        Meeting.objects.visible_to(user)
        .upcoming(timezone.localdate())
        .select_related("headquarters")
        .first()
    )
    if meeting is None:
        return {"meeting": None}
    return {"meeting": meeting, "count": len(checklist.check(meeting))}


@register.inclusion_tag("admin/meetings/submissions_summary.html", takes_context=True)
def submissions_summary(context):
    """For a department: what is asked of it; for the secretariat: what waits."""
    user = context["request"].user
    today = timezone.localdate()
    if user.has_perm("meetings.change_material"):
        materials = submissions.waiting(headquarters_of(user))
        secretariat = True
    elif user.has_perm("meetings.submit_material"):
        materials = submissions.asked_of(user_organization(user)).for_headquarters(
            headquarters_of(user)
        )
        secretariat = False
    else:
        return {"show": False}
    return {
        "show": True,
        "secretariat": secretariat,
        "open": materials.filter(submission__in=submissions.OPEN).count(),
        "submitted": materials.filter(submission=submissions.State.SUBMITTED).count(),
        "overdue": submissions.overdue(materials, today).count(),
    }
