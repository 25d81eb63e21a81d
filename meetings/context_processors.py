"""Values every page's header needs."""

from meetings.reports import user_organization
from onechamber.roles import is_secretariat, role_of


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_role": role_of(user),
        "user_organization": user_organization(user),
        "user_is_secretariat": is_secretariat(user),
    }
