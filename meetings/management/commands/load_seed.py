"""Load the seed meeting (and what other apps hold of it) into the database."""

from django.core.management.base import BaseCommand
from django.db import transaction

from onechamber import seeding
from onechamber.roles import sync_groups


class Command(BaseCommand):
    help = "Load the seed meeting from fixtures/: idempotent, safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        sync_groups()
        # Every installed app's `seed` module registers its loader; they run in
        # INSTALLED_APPS order, so meetings comes before the apps that use it,
        # sharing one context (the headquarters the first one loads).
        context: dict = {}
        for loader in seeding.loaders():
            loader(context)
            self.stdout.write(f"loaded {loader.__module__}")
        self.stdout.write(self.style.SUCCESS("seed loaded"))
