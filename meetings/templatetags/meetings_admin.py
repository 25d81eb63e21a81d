"""The admin index's link to the next meeting's 準備チェックリスト."""

from django import template
from django.utils import timezone

from meetings import checklist
from meetings.models import Meeting

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
