"""WSGI entry point (gunicorn onechamber.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onechamber.settings")
application = get_wsgi_application()

from onechamber.security import require_production_settings  # noqa: E402

require_production_settings()
