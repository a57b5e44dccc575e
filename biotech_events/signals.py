"""Checks that must hold on every save, fixtures (raw saves) included.

`loaddata` saves with `save_base(raw=True)`, skipping `Model.save()`; pre_save still runs.
"""

from django.db.backends.signals import connection_created
from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models import Alias, Citation, SourceDocument


@receiver(pre_save, sender=SourceDocument)
def prepare_source_text(sender, instance, raw, **kwargs):
    """A fixture registers a seed article by key; its text comes from the seed file itself."""
    instance.prepare_text()


@receiver(pre_save, sender=Citation)
def refuse_unsourced_quote(sender, instance, raw, **kwargs):
    """No citation is stored whose quote is not verbatim in its source, however it is saved."""
    instance.validate_quote()


@receiver(pre_save, sender=Alias)
def refuse_unseen_alias(sender, instance, raw, **kwargs):
    instance.validate_name()


# How similar a search word must be to a word of a name to match on PostgreSQL (pg_trgm's default
# is 0.6): 0.5 lets a one-letter misspelling of a longer name through.
TRIGRAM_WORD_SIMILARITY = 0.5


@receiver(connection_created)
def tune_trigram_search(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [TRIGRAM_WORD_SIMILARITY])
