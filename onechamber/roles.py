"""Roles: who may do what. Groups are the roles; an account has one."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

SECRETARIAT = "secretariat"
DEPARTMENT = "department"
VIEWER = "viewer"
ROLES = (SECRETARIAT, DEPARTMENT, VIEWER)

# Apps whose records the secretariat edits; departments get only what their
# app grants them (see `department_permissions`).
EDITED_APPS = ("meetings", "workitems", "vaccination", "auth")
# Models a department account may change in the admin, limited to its own
# records by the model admins. The workitems app fills this in.
DEPARTMENT_MODELS: dict[str, tuple[str, ...]] = {}


def role_of(user) -> str | None:
    """The role of an account, or None for anonymous users and accounts without one."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return SECRETARIAT
    # Asked several times a request (header, querysets, templates): ask the
    # database once per user object.
    if not hasattr(user, "_onechamber_role"):
        names = set(user.groups.values_list("name", flat=True))
        user._onechamber_role = next((role for role in ROLES if role in names), None)
    return user._onechamber_role


def is_secretariat(user) -> bool:
    """Whether the account edits everything (secretariat or superuser)."""
    return role_of(user) == SECRETARIAT


def is_department(user) -> bool:
    return role_of(user) == DEPARTMENT


def user_organization(user):
    """The organisation an account belongs to, or None."""
    if not user.is_authenticated:
        return None
    from meetings.models import UserProfile

    profile = (
        UserProfile.objects.select_related("organization").filter(user=user).first()
        if not hasattr(user, "_onechamber_profile")
        else user._onechamber_profile
    )
    user._onechamber_profile = profile
    return profile.organization if profile else None


def sync_groups() -> dict[str, Group]:
    """Create the three groups and give them their permissions; idempotent."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    groups[SECRETARIAT].permissions.set(
        Permission.objects.filter(content_type__app_label__in=EDITED_APPS)
    )
    dept_filter = Q(pk__in=[])
    for app_label, models in DEPARTMENT_MODELS.items():
        dept_filter |= Q(
            content_type__app_label=app_label, content_type__model__in=models
        )
    groups[DEPARTMENT].permissions.set(
        Permission.objects.filter(dept_filter).exclude(codename__startswith="delete_")
    )
    groups[VIEWER].permissions.clear()
    return groups
