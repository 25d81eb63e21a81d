"""A helper for admin actions that call a service once per selected row."""

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError


def apply_each(model_admin, request, objects: Iterable, apply: Callable, done) -> int:
    """Call `apply(obj)` for each object; report each refusal by the object's
    name, then `done(count)` (a translated message) when some succeeded."""
    count = 0
    for obj in objects:
        try:
            apply(obj)
        except ValidationError as exc:
            model_admin.message_user(
                request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR
            )
        else:
            count += 1
    if count:
        model_admin.message_user(request, done(count), messages.SUCCESS)
    return count
