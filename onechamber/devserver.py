"""The application `manage.py runserver` serves (`make run`, with debug on).

Production imports `onechamber.wsgi` or `onechamber.asgi` instead, which refuse
to start with debug on or a weak key; runserver is never a production server.
"""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
