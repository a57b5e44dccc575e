"""The OpenAPI description of what the API really answers, checked by fuzzing (tests/test_fuzz/).

drf-spectacular describes the success of each operation from its serializer. This adds what it
cannot see: anyone may read (the permission class allows anonymous reads); every error status an
operation can answer, with its body in each format the operation renders; the JSON-LD and CSV
bodies as what they are; reads trimmed by `?fields=` or `?brief=` (so no field is guaranteed);
relations written by id or slug rather than as the brief object they are shown as; and the
field names `?fields=` takes.
"""

from drf_spectacular.plumbing import ResolvedComponent, append_meta
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly

from .concurrency import ConditionalWriteSchema
from .fields import BriefRelatedField, SourceKeyField

JSON = "application/json"
JSONLD = "application/ld+json"
CSV = "text/csv"

COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "What went wrong: `detail` for the request as a whole, otherwise a list of messages "
        "per field (nested records by position).",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": True,
    },
    "JsonLdDocument": {
        "type": "object",
        "description": "schema.org JSON-LD: a record as a node (`@id`, `@type`), a list as `@graph`.",
        "required": ["@context"],
        "properties": {
            "@context": {"type": "object"},
            "@id": {"type": "string", "format": "uri"},
            "@graph": {"type": "array", "items": {"type": "object"}},
        },
        "additionalProperties": True,
    },
    "RecordReference": {
        "description": "A record named by its id, its slug (a source by its key), or an object with its id.",
        "anyOf": [
            {"type": "integer"},
            {"type": "string"},
            {"type": "object", "properties": {"id": {"type": "integer"}, "slug": {"type": "string"}}},
        ],
    },
}

ERRORS = {
    "301": "The record was merged into another: Location names the survivor.",
    "400": "The request is invalid: the body names each field and what is wrong with it.",
    "401": "The credentials given are not valid (a wrong or revoked token).",
    "403": "Writing needs the model permission (merging: the change and delete permissions).",
    "404": "No such record, page or format.",
    "406": "None of the formats asked for in Accept is served for this request.",
    "409": "The change conflicts with stored records: other records depend on this one.",
    "413": "The request body is larger than the server accepts.",
    "415": "The request body's Content-Type is not JSON, a form or multipart.",
    "429": "Too many requests: wait as long as Retry-After says.",
}


class CatalogueSchema(ConditionalWriteSchema):
    """The schema of every catalogue viewset (see the module)."""

    def get_auth(self):
        auths = super().get_auth()
        anonymous_reads = any(isinstance(p, DjangoModelPermissionsOrAnonReadOnly) for p in self.view.get_permissions())
        if anonymous_reads and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return operation
        refs = {name: self.component(name).ref for name in COMPONENTS}
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] == "fields":
                # `?fields=name,start_date`: the names the record has, comma-separated.
                names = list(self.view.get_serializer_class().Meta.fields)
                parameter.update(
                    schema={"type": "array", "items": {"type": "string", "enum": names}}, style="form", explode=False
                )
        responses = operation["responses"]
        for code, description in self.error_statuses().items():
            responses.setdefault(code, {"description": description})
        media_types = self.map_renderers("media_type")
        for code, response in responses.items():
            content = response.get("content")
            if code >= "300":
                known = content or {}
                json_schema = known.get(JSON, {}).get("schema", refs["Error"])
                content = response["content"] = {}
                for media_type in media_types:
                    content[media_type] = {"schema": {"type": "string"} if media_type == CSV else json_schema}
            elif content:
                if JSONLD in content:
                    content[JSONLD] = {"schema": refs["JsonLdDocument"]}
                if CSV in content:
                    content[CSV] = {"schema": {"type": "string"}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self):
        detail = "{" in self.path
        write = self.method not in SAFE_METHODS
        body = self.method in ("POST", "PUT", "PATCH")
        codes = ["401", "404", "406"]
        codes += ["400"] if self.method != "DELETE" else []
        codes += ["301"] if detail else []
        codes += ["403", "409"] if write else []
        codes += ["413", "415"] if body else []
        codes += ["429"] if self.view.get_throttles() else []
        return {code: ERRORS[code] for code in sorted(codes)}

    def component(self, name):
        component = ResolvedComponent(name, ResolvedComponent.SCHEMA, schema=COMPONENTS[name], object=name)
        self.registry.register_on_missing(component)
        return component

    def resolve_serializer(self, serializer, direction, bypass_extensions=False):
        """A read can be trimmed to any fields (`?fields=`, `?brief=`): the record's own fields are not required."""
        component = super().resolve_serializer(serializer, direction, bypass_extensions)
        sparse = getattr(self.view, "requested_fields", None) is not None
        if sparse and direction == "response" and component and type(serializer) is self.view.get_serializer_class():
            component.schema.pop("required", None)
        return component

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A relation is shown as {id, url, display} but written as an id or a slug."""
        if direction == "request" and isinstance(field, BriefRelatedField) and not isinstance(field, SourceKeyField):
            meta = self._get_serializer_field_meta(field, direction)
            return append_meta(self.component("RecordReference").ref, meta)
        return super()._map_serializer_field(field, direction, bypass_extensions)
