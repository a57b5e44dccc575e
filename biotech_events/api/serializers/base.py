"""The one serializer base every endpoint is declared from.

It gives each record `id`, `url`, `display`; shows relations briefly and accepts them by id or
slug; validates through the model's `full_clean()` exactly as the admin does; writes nested role
links and citations in the same transaction as their parent; and derives the queryset's
select_related/prefetch_related from the fields actually requested.
"""

import copy

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import ManyRelatedField
from rest_framework.serializers import LIST_SERIALIZER_KWARGS, LIST_SERIALIZER_KWARGS_REMOVE, as_serializer_error

from ..endpoints import detail_url
from ..fields import BriefRelatedField, prefetched


def _plain_attribute(field):
    """The model attribute a field reads as-is (no dotted source, method or relation), else None."""
    if type(field).get_attribute is not serializers.Field.get_attribute or len(field.source_attrs) != 1:
        return None
    if isinstance(field, serializers.BaseSerializer | ManyRelatedField):
        return None
    model_field = getattr(field.parent.Meta, "model", None)
    try:
        concrete = model_field._meta.get_field(field.source_attrs[0]).concrete
    except (AttributeError, FieldDoesNotExist):
        return None
    return field.source_attrs[0] if concrete else None


def forget_prefetched(instance):
    for name in [name for name in vars(instance) if name.startswith(prefetched(""))]:
        delattr(instance, name)


class PrefetchedListSerializer(serializers.ListSerializer):
    """Nested records read from the list `optimized()` prefetched, when it did."""

    def get_attribute(self, instance):
        records = instance.__dict__.get(prefetched(self.source))
        return records if records is not None else super().get_attribute(instance)


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
        self.selected_fields = None if fields is None else frozenset(fields)
        super().__init__(*args, **kwargs)

    # --- fields, built once per class --------------------------------------------------------

    @classmethod
    def prototype_fields(cls):
        """The class's fields as ModelSerializer builds them, built once: introspecting the model per
        request (and per nested record's serializer) costs more than serialising a page."""
        prototypes = cls.__dict__.get("_prototype_fields")
        if prototypes is None:
            prototypes = serializers.ModelSerializer.get_fields(cls())
            cls._prototype_fields = prototypes
        return prototypes

    def get_fields(self):
        selected = self.selected_fields
        return {
            name: copy.deepcopy(field)
            for name, field in self.prototype_fields().items()
            if selected is None or name in selected
        }

    # --- reading ---------------------------------------------------------------------------

    def to_representation(self, instance):
        """DRF's, with a direct getattr() for plain attributes (most fields), which skips DRF's generic lookup."""
        readers = self.__dict__.get("_readers")
        if readers is None:
            readers = self._readers = [
                (field.field_name, field, _plain_attribute(field)) for field in self._readable_fields
            ]
        representation = {}
        for name, field, attribute_name in readers:
            if attribute_name is None:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            else:
                attribute = getattr(instance, attribute_name)
            representation[name] = None if attribute is None else field.to_representation(attribute)
        return representation

    @classmethod
    def optimized(cls, queryset, selected_fields=None, *, keep_managers=False):
        """`queryset` with exactly the joins and prefetches that serialising `selected_fields` (None: all)
        needs, so the query count is fixed whatever the page size."""
        # Prefetched lists are kept as plain lists (cheaper), unless the caller reads them through the
        # related managers (`record.citations.all()`), as the JSON-LD serializer does.
        for step, source, *details in cls.query_plan(selected_fields):
            to_attr = None if keep_managers else prefetched(source)
            if step == "join":
                queryset = queryset.select_related(source).defer(*details[0])
            elif step == "prefetch":
                queryset = queryset.prefetch_related(Prefetch(source, to_attr=to_attr))
            else:  # "nested": a list of records with their own serializer, and so their own plan
                related, child_class, child_fields = details
                inner = child_class.optimized(related._default_manager.all(), child_fields, keep_managers=keep_managers)
                queryset = queryset.prefetch_related(Prefetch(source, queryset=inner, to_attr=to_attr))
        return queryset

    @classmethod
    def query_plan(cls, selected_fields):
        """What optimized() does for these fields, worked out once per class and selection."""
        plans = cls.__dict__.get("_query_plans")
        if plans is None:
            plans = cls._query_plans = {}
        plan = plans.get(selected_fields)
        if plan is not None:
            return plan
        plan = []
        for field in cls(fields=selected_fields).fields.values():
            if field.source == "*":
                continue
            if isinstance(field, BriefRelatedField):
                # Shown briefly (id, url, name): its long texts (descriptions, an article's text) stay unread.
                related = cls.Meta.model._meta.get_field(field.source).related_model
                long_texts = tuple(
                    f"{field.source}__{f.name}"
                    for f in related._meta.concrete_fields
                    if f.get_internal_type() == "TextField"
                )
                plan.append(("join", field.source, long_texts))
            elif isinstance(field, ManyRelatedField):
                plan.append(("prefetch", field.source))
            elif isinstance(field, serializers.ListSerializer) and isinstance(field.child, CatalogueSerializer):
                related = getattr(cls.Meta.model, field.source).rel.related_model
                plan.append(("nested", field.source, related, type(field.child), field.child.selected_fields))
        plans[selected_fields] = plan
        return plan

    @classmethod
    def many_init(cls, *args, **kwargs):
        """As DRF's, with a list serializer that reads what `optimized()` prefetched."""
        list_kwargs = {key: kwargs.pop(key) for key in LIST_SERIALIZER_KWARGS_REMOVE if kwargs.get(key) is not None}
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({key: value for key, value in kwargs.items() if key in LIST_SERIALIZER_KWARGS})
        return PrefetchedListSerializer(*args, **list_kwargs)

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
        forget_prefetched(instance)  # the response shows the relations as written, not as first read
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
