"""The one serializer base every endpoint is declared from.

It gives each record `id`, `url`, `display`; shows relations briefly and accepts them by id or
slug; validates through the model's `full_clean()` exactly as the admin does; writes nested role
links and citations in the same transaction as their parent; and derives the queryset's
select_related/prefetch_related from the fields actually requested.
"""

import copy

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField
from rest_framework.serializers import as_serializer_error

from ..endpoints import detail_url
from ..fields import BriefRelatedField


@extend_schema_field(OpenApiTypes.URI)
class SelfUrlField(serializers.ReadOnlyField):
    """The record's own API URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return detail_url(value, self.context.get("request"))


class CatalogueSerializer(serializers.ModelSerializer):
    serializer_related_field = BriefRelatedField

    id = serializers.IntegerField(read_only=True)
    display = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        brief_fields = ("id", "url", "display")

    def __init__(self, *args, fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in set(self.fields) - set(fields):
                self.fields.pop(name)

    # --- reading ---------------------------------------------------------------------------

    def optimize_queryset(self, queryset):
        """Join or prefetch exactly the relations the selected fields show, so the query count is fixed."""
        for field in self.fields.values():
            if field.source == "*":
                continue
            if isinstance(field, BriefRelatedField):
                queryset = queryset.select_related(field.source)
            elif isinstance(field, ManyRelatedField):
                queryset = queryset.prefetch_related(field.source)
            elif isinstance(field, serializers.ListSerializer) and isinstance(field.child, CatalogueSerializer):
                related = getattr(self.Meta.model, field.source).rel.related_model
                inner = field.child.optimize_queryset(related._default_manager.all())
                queryset = queryset.prefetch_related(Prefetch(field.source, queryset=inner))
        return queryset

    # --- validation ------------------------------------------------------------------------

    @property
    def is_nested(self):
        return isinstance(self.parent, serializers.ListSerializer)

    def writable_children(self):
        """The nested lists written with this record, keyed by their source (the key in validated data)."""
        return {
            field.source: field
            for field in self.fields.values()
            if isinstance(field, serializers.ListSerializer)
            and isinstance(field.child, CatalogueSerializer)
            and not field.read_only
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.is_nested:
            return attrs  # validated in full once its parent is known, in write_children()
        own = {name: value for name, value in attrs.items() if name not in self.writable_children()}
        if self.instance is None:
            candidate = self.Meta.model(**own)
        else:
            candidate = copy.copy(self.instance)
            for name, value in own.items():
                setattr(candidate, name, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(as_serializer_error(error)) from error
        return attrs

    # --- writing ---------------------------------------------------------------------------

    def pop_children(self, validated_data):
        return {name: validated_data.pop(name) for name in self.writable_children() if name in validated_data}

    def create(self, validated_data):
        children = self.pop_children(validated_data)
        with transaction.atomic():
            instance = self.Meta.model(**validated_data)
            instance.save()
            self.write_children(instance, children)
        return instance

    def update(self, instance, validated_data):
        children = self.pop_children(validated_data)
        with transaction.atomic():
            for name, value in validated_data.items():
                setattr(instance, name, value)
            instance.save()
            self.write_children(instance, children)
        return instance

    def write_children(self, parent, children):
        """Make each given list of nested records (role links, citations...) the parent's whole set.

        A given record matching an existing one by natural key updates it in place, so ids and
        history survive a PUT of the same data; existing records not given are deleted.
        """
        writable = self.writable_children()
        for source, items in children.items():
            list_field = writable[source]
            child_serializer = list_field.child
            manager = getattr(parent, list_field.source)
            existing = {record.natural_key(): record for record in manager.all()}
            kept, errors = [], []
            for item in items:
                item = dict(item)
                grandchildren = child_serializer.pop_children(item)
                record = child_serializer.Meta.model(**item, **{manager.field.name: parent})
                record = existing.get(_natural_key_or_none(record), record)
                for field_name, value in item.items():
                    setattr(record, field_name, value)
                try:
                    record.full_clean()
                    record.save()
                    child_serializer.write_children(record, grandchildren)
                except DjangoValidationError as error:
                    errors.append(as_serializer_error(error))
                    continue
                except serializers.ValidationError as error:
                    errors.append(error.detail)
                    continue
                errors.append({})
                kept.append(record.pk)
            if any(errors):
                raise serializers.ValidationError({list_field.field_name: errors})
            manager.exclude(pk__in=kept).delete()


def _natural_key_or_none(record):
    try:
        return record.natural_key()
    except (ObjectDoesNotExist, AttributeError):  # incomplete: full_clean() will say what is missing
        return None
