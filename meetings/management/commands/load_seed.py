"""Load the seed meeting (and what other apps hold of it) into the database."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from meetings import versioning
from onechamber.roles import sync_groups


class Command(BaseCommand):
    help = "Load the seed meeting from fixtures/: idempotent, safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        sync_groups()
        # Every installed app with a `seed` module loads its part, in
        # INSTALLED_APPS order, so meetings comes before the apps that use it.
        for config in apps.get_app_configs():
            name = f"{config.name}.seed"
            if find_spec(config.name) and find_spec(name):
                import_module(name).load()
                self.stdout.write(f"loaded {name}")
        # Seeds write in bulk too, which sends no signal.
        versioning.bump()
        self.stdout.write(self.style.SUCCESS("seed loaded"))
