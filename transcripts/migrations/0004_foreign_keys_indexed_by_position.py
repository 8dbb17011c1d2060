"""Drop the single-column indexes of Turn.transcript, Passage.transcript and Passage.turn.

The unique (transcript, position) indexes and the (turn, position) index begin with the same
columns and serve every lookup these did; each index is filled row by row on import. Only the
indexes go (DROP INDEX on both databases): the foreign key constraints stay as they are, where
Django's AlterField would drop and re-add them and so re-check every passage.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("transcripts_passage_transcript_id_a8733044", "transcripts_passage", "transcript_id"),
    ("transcripts_passage_turn_id_a63345ad", "transcripts_passage", "turn_id"),
    ("transcripts_turn_transcript_id_a1ae8d42", "transcripts_turn", "transcript_id"),
]

HELP = "Denormalised from the turn so a transcript's passages are one indexed query."


def unindexed(model: str, name: str, **options) -> migrations.AlterField:
    return migrations.AlterField(
        model_name=model,
        name=name,
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.CASCADE,
            to=f"transcripts.{name}",
            **options,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("transcripts", "0003_transcript_format_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for name, table, column in INDEXES
            ],
            state_operations=[
                unindexed("passage", "transcript", related_name="passages", help_text=HELP),
                unindexed("passage", "turn", related_name="passages"),
                unindexed("turn", "transcript", related_name="turns"),
            ],
        ),
    ]
