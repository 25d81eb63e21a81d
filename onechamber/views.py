"""Account pages (login, and password reset where the portal can send mail)
and the error pages."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token


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


# Error pages: in Japanese, in the layout of the part of the site they answer
# (the admin's under /admin/, the portal's elsewhere), each with a way back.


def _error_page(request, name: str, status: int):
    admin_root = reverse("admin:index")
    in_admin = request.path.startswith(admin_root)
    template = f"admin/{name}.html" if in_admin else f"{name}.html"
    return render(request, template, {"request_path": request.path}, status=status)


def bad_request(request, exception=None):
    return _error_page(request, "400", 400)


def permission_denied(request, exception=None):
    return _error_page(request, "403", 403)


def page_not_found(request, exception=None):
    return _error_page(request, "404", 404)


@requires_csrf_token
def csrf_failure(request, reason=""):
    return _error_page(request, "403_csrf", 403)


def server_error(request):
    """The 500 page reads nothing from the database (it may be what failed)
    and runs no context processors: a template with no variables."""
    return HttpResponseServerError(loader.get_template("500.html").render())
