import datetime
import decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def plain(value):
    """A stored value as JSON can carry it: dates and decimals as strings."""
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    return value


class HistoryEntrySerializer(serializers.Serializer):
    """One version of a record: who changed what, when and why."""

    history_id = serializers.IntegerField()
    date = serializers.DateTimeField(source="history_date")
    type = serializers.SerializerMethodField()
    user = serializers.SerializerMethodField()
    reason = serializers.CharField(source="history_change_reason", allow_null=True)
    changes = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "enum": list(HISTORY_TYPES.values())})
    def get_type(self, entry):
        return HISTORY_TYPES[entry.history_type]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_user(self, entry):
        return entry.history_user.get_username() if entry.history_user else None

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "old": {}, "new": {}},
            },
        }
    )
    def get_changes(self, entry):
        return [{"field": c.field, "old": plain(c.old), "new": plain(c.new)} for c in entry.changes]
