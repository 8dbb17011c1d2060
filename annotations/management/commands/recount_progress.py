"""python manage.py recount_progress: rebuild Progress's stored counters from the annotations.

The write layer keeps them in step (annotations/models/counters.py); this is for data written
around it (a COPY, raw SQL, a restored dump)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.models import Progress, counters


class Command(BaseCommand):
    help = "Recount every annotator's annotations and tagged passages per transcript."

    def handle(self, *args, **options):
        with transaction.atomic():
            counters.recount()
        self.stdout.write(f"Recounted {Progress.objects.count()} progress rows.")
