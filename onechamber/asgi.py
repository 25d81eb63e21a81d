"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onechamber.settings")
application = get_asgi_application()

from onechamber.security import require_production_settings  # noqa: E402

require_production_settings()
