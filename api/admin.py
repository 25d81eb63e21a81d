from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners on the account page; the admin shows
    them and may revoke them, never their keys (only a hash is stored)."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    fieldsets = [
        (None, {"fields": ["user", "name", "prefix", "key_hash"]}),
        (_("利用"), {"fields": ["created_at", "last_used_at", "revoked_at"]}),
    ]

    def has_add_permission(self, request):
        return False
