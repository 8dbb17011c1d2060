"""Trigram indexes for the admin's annotation search (`?q=`) on PostgreSQL.

The search is `icontains` on the quote, the note and the passage's text, which PostgreSQL
writes as UPPER(column) LIKE UPPER('%term%'): without an index it reads every row (4 s at 1.1M
annotations). A GIN index of trigrams on UPPER(column) answers the LIKE from the index. SQLite
has no pg_trgm: there both operations do nothing and the search scans as before.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("annotations_annotation_quote_trgm", "annotations_annotation", "quote"),
    ("annotations_annotation_note_trgm", "annotations_annotation", "note"),
    ("transcripts_passage_text_trgm", "transcripts_passage", "text"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0009_progress_counters"),
        ("transcripts", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
