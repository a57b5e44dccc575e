"""Checks that must hold on every save, fixtures (raw saves) included.

`loaddata` saves with `save_base(raw=True)`, skipping `Model.save()`; pre_save still runs.
"""

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
