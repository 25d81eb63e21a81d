"""Roles: who may do what. Groups are the roles; an account has one.

This module imports no app: what a department account may edit is declared by
each app (`department_models` on its AppConfig), and what a role may see is
asked of Django's permission system (`user.has_perm`), as the admin does.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

SECRETARIAT = "secretariat"
DEPARTMENT = "department"
VIEWER = "viewer"
ROLES = (SECRETARIAT, DEPARTMENT, VIEWER)

# Apps whose records the secretariat edits, and of Django's auth app the
# accounts only (never the groups, whose permissions every headquarters shares).
EDITED_APPS = ("meetings", "workitems", "vaccination")
ACCOUNT_MODELS = ("user",)


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


def department_models() -> Q:
    """The models department accounts may keep, as each app declares them in
    its AppConfig's `department_models` (model names), and the single
    permissions it grants them (`department_permissions`, codenames)."""
    condition = Q(pk__in=[])
    for config in apps.get_app_configs():
        names = getattr(config, "department_models", ())
        if names:
            condition |= Q(
                content_type__app_label=config.label, content_type__model__in=names
            )
        codenames = getattr(config, "department_permissions", ())
        if codenames:
            condition |= Q(content_type__app_label=config.label, codename__in=codenames)
    return condition


def sync_groups() -> dict[str, Group]:
    """Create the three groups and give them their permissions; idempotent."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    groups[SECRETARIAT].permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=EDITED_APPS)
            | Q(content_type__app_label="auth", content_type__model__in=ACCOUNT_MODELS)
        )
    )
    groups[DEPARTMENT].permissions.set(
        Permission.objects.filter(department_models()).exclude(
            codename__startswith="delete_"
        )
    )
    groups[VIEWER].permissions.clear()
    return groups
