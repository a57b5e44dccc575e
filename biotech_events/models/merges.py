"""Where merged-away duplicates went, so their old ids and slugs keep resolving."""

from django.conf import settings
from django.db import models


class MergedRecord(models.Model):
    """A record merged into another: its old id and slug now redirect to the survivor."""

    model_label = models.CharField(max_length=100, help_text="e.g. biotech_events.company")
    old_id = models.BigIntegerField()
    old_slug = models.CharField(max_length=120, blank=True)
    old_name = models.CharField(max_length=300, blank=True)
    survivor_id = models.BigIntegerField()
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = "merged record"
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "old_id"],
                name="merged_record_unique_old_id",
                violation_error_message="This record has already been merged.",
            ),
        ]
        indexes = [models.Index(fields=["model_label", "old_slug"], name="merged_record_old_slug")]

    def __str__(self):
        return f"{self.model_label} {self.old_slug or self.old_id} → {self.survivor_id}"

    @classmethod
    def survivor_of(cls, model, *, pk=None, slug=None):
        """The id a merged-away record now lives under, or None."""
        entries = cls.objects.filter(model_label=model._meta.label_lower)
        entry = entries.filter(old_id=pk).first() if pk is not None else entries.filter(old_slug=slug).first()
        return entry.survivor_id if entry else None
