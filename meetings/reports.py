"""Reads of the meetings app that pages, the admin and other apps share."""

from __future__ import annotations

from meetings.models import Organization, UserProfile


def user_organization(user) -> Organization | None:
    """The organisation an account belongs to, or None (cached on the user)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_onechamber_profile"):
        user._onechamber_profile = (
            UserProfile.objects.select_related("organization").filter(user=user).first()
        )
    profile = user._onechamber_profile
    return profile.organization if profile else None
