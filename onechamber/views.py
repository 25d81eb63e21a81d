"""Account pages: login, and password reset where the portal can send mail."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
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
