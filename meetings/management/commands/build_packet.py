"""Build a meeting's packet PDF from the command line, for scripting."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings import packet
from meetings.models import Meeting


class Command(BaseCommand):
    help = "Build the packet PDF of a meeting: build_packet <meeting-id> -o out.pdf"

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int)
        parser.add_argument(
            "-o", "--output", required=True, help="Where to write the PDF."
        )

    def handle(self, *args, meeting_id, output, **options):
        meeting = (
            Meeting.objects.select_related("headquarters__secretariat")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None:
            raise CommandError(f"No meeting with id {meeting_id}.")
        started = time.perf_counter()
        result = packet.build_packet(meeting)
        elapsed = time.perf_counter() - started
        Path(output).write_bytes(result.pdf)
        source = (
            "from the cache"
            if result.from_cache
            else f"{len(result.rendered)} part(s) rendered"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{output}: {result.page_count} pages, {len(result.pdf):,} bytes, "
                f"{source}, {elapsed:.2f} s"
            )
        )
