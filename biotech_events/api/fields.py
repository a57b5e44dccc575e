"""Serializer fields for relations: shown briefly, written by id or slug."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

from .endpoints import brief


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "url": {"type": "string", "format": "uri", "nullable": True, "readOnly": True},
            "display": {"type": "string", "readOnly": True},
        },
    },
    component_name="BriefRecord",
)
class BriefRelatedField(serializers.RelatedField):
    """A related record, shown as {id, url, display}; written as its id, its slug (or key), or {"id": ...}."""

    default_error_messages = {
        "does_not_exist": "No {model} has the {lookup} {value}.",
        "incorrect_type": "Give the {model}'s id or slug, not {data_type}.",
    }

    # The browsable API's HTML form shows at most this many choices: never a whole table.
    html_cutoff = 50
    html_cutoff_text = "More than {count} records: type the id or slug in the raw data form."

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return PrefetchedManyRelatedField(**list_kwargs)

    def to_representation(self, value):
        return brief(value, self.context.get("request"))

    def use_pk_only_optimization(self):
        return False

    def get_choices(self, cutoff=None):
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: str(item) for item in queryset}

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        model = queryset.model
        if isinstance(data, dict):
            data = data.get("id", data.get("slug", data.get("key")))
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", model=model._meta.verbose_name, data_type=type(data).__name__)
        if isinstance(data, int) or data.isdecimal():
            lookup, value = "id", int(data)
        else:
            lookup, value = model.natural_key_fields[0], data
        if lookup != "id" and "\x00" in value:  # no key holds one, and PostgreSQL refuses to compare it
            self.fail("does_not_exist", model=model._meta.verbose_name, lookup=lookup, value=repr(value))
        try:
            return queryset.get(**{lookup: value})
        except model.DoesNotExist:
            self.fail("does_not_exist", model=model._meta.verbose_name, lookup=lookup, value=repr(value))


def prefetched(source):
    """Where a page's prefetched relation is kept: a plain list, so no queryset is built per record."""
    return f"_prefetched_{source}"


class PrefetchedManyRelatedField(ManyRelatedField):
    """A to-many relation read from the list the serializer's `optimized()` prefetched, when it did."""

    def get_attribute(self, instance):
        records = instance.__dict__.get(prefetched(self.source))
        return records if records is not None else super().get_attribute(instance)


@extend_schema_field(OpenApiTypes.STR)
class SourceKeyField(BriefRelatedField):
    """A source article, shown and written as its key (the seed file name)."""

    def to_representation(self, value):
        return value.key
