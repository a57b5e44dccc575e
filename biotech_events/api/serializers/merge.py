from rest_framework import serializers


class MergeRequestSerializer(serializers.Serializer):
    """Merge the listed duplicates into the record of the URL (the survivor)."""

    others = serializers.ListField(
        child=serializers.CharField(),
        min_length=1,
        help_text="The duplicates to merge away, by id or slug.",
    )
    fields = serializers.DictField(
        required=False,
        default=dict,
        help_text="For fields whose values differ, the value to keep (one the records hold); "
        "otherwise the survivor's value, or the one non-empty value, is kept.",
    )
