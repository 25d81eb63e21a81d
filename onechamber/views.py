"""Account pages: login, and password reset where the portal can send mail;
the admin's view-on-site link, kept to the records the account may see."""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.shortcuts import render


def mail_required(view):
    """Answer 404 unless the portal can send mail (ONECHAMBER_PASSWORD_RESET):
    a reset link that never arrives only sends people away puzzled."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.ONECHAMBER_PASSWORD_RESET:
            raise Http404
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(
            password_reset=settings.ONECHAMBER_PASSWORD_RESET, **kwargs
        )


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out user and address, on the portal's
    login and the admin's (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )


def view_on_site(request, content_type_id, object_id):
    """The admin's 「サイトで表示」 link, for a record the account's admin
    shows only: Django's own redirects for any record there is, in any
    headquarters, telling what exists where the account may not look."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except (ContentType.DoesNotExist, ValueError):
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or model_admin.get_object(request, object_id) is None:
        raise Http404
    return shortcut(request, content_type_id, object_id)
