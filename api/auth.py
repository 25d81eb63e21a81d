"""Who asks the API: an API token (``Authorization: Bearer …``), else the
session of the portal's logged-in browser."""

from __future__ import annotations

from ninja.security import HttpBearer

from api import services


class TokenOrSession(HttpBearer):
    """A request with an Authorization header is judged by its token alone
    (a wrong token is refused even in a logged-in browser); one without it by
    its session."""

    def __call__(self, request):
        if request.headers.get(self.header):
            return super().__call__(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None

    def authenticate(self, request, token: str):
        found = services.authenticate_key(token.strip())
        if found is None:
            return None
        # The pages' querysets ask the request's user (role, headquarters).
        request.user = found.user
        return found.user
