"""ASGI entry point: Smolny is deployed as stateless ASGI workers (see DESIGN.md, Storage)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smolny.settings")
application = get_asgi_application()
