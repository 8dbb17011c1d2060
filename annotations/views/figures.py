"""The numbers a workspace answer shows, read in one query.

An action's answer shows the progress (passages, how many I tagged, how far I read, done or
not), the side panel's count, and where each changed item goes in the list (its successor).
Each was a query of its own; here each part asks for a scalar subquery and the first read runs
them all as one SELECT, so an answer's query count does not grow with what it shows.
"""

from django.db.models import IntegerField, Subquery, Sum
from django.db.models.functions import Coalesce

from ..models import Progress


class SubqueryCount(Subquery):
    """COUNT(*) of a queryset, as a scalar subquery (never a join counted distinct)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)


def stored_count(membership, transcript, field: str, *, everyone: bool = False) -> Subquery:
    """A counter kept on Progress (models/counters.py): the member's own, or with `everyone`
    the sum over the transcript's annotators. One row's read (or a row per annotator), where
    counting the annotations afresh costs a scan of the transcript's annotations."""
    rows = Progress.objects.filter(project=membership.project, transcript_id=transcript.pk)
    if not everyone:
        rows = rows.filter(user_id=membership.user_id)
    total = rows.order_by().values("project").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


class Figures:
    def __init__(self, project):
        self.project = project
        self.asked: dict = {}
        self._row: dict | None = None

    def ask(self, **expressions) -> None:
        if self._row is not None:  # asked after the read: one more query for these
            self._row |= self._read(expressions)
        else:
            self.asked |= expressions

    def __getitem__(self, name: str):
        if self._row is None:
            self._row = self._read(self.asked)
        return self._row[name]

    def _read(self, expressions: dict) -> dict:
        # One row: the project's own, which every request has already found.
        return type(self.project).objects.filter(pk=self.project.pk).values(**expressions).get()
