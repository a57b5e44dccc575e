"""No lost updates through the API: every record's version is its ETag, and If-Match makes a write conditional.

A response about one record (read, create, update, merge) carries `ETag: "<version>"`; the version
goes up on every write of the record or of a part written with it (a role link, a citation). PUT,
PATCH and DELETE of a record, and a merge into it, honour `If-Match`:

- the ETag read last (`"4"`), or a list of them: the write goes ahead only if the record is still at
  one of those versions; otherwise 412 Precondition Failed, with the current version in the body and
  in the ETag header, and nothing written. Read the record again, re-apply the change, send again.
- `*`: any version of an existing record.
- no If-Match: the write goes ahead (last writer wins), as for clients written before ETags.

The record's row is locked (SELECT ... FOR NO KEY UPDATE) from the check to the end of the write, in
one transaction, so of two writers sending the same If-Match exactly one succeeds. A weak form of a
tag (`W/"4"`, as a compressing proxy may rewrite it) names the same version and is accepted.

The ETag names the record's version, not a byte-exact representation: it is the token for If-Match,
and GET does not answer 304 to If-None-Match.
"""

from django.db import transaction
from django.http import Http404
from django.utils.http import parse_etags
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import SAFE_METHODS

# Actions whose response is about one record, and so carries its ETag.
ETAG_ACTIONS = frozenset({"retrieve", "create", "update", "partial_update", "merge"})
# Actions that change an existing record, and so honour If-Match.
CONDITIONAL_ACTIONS = frozenset({"update", "partial_update", "destroy", "merge"})

ETAG_DESCRIPTION = (
    "The record's version, which changes on every write of it (or of a part written with it: a role link, "
    "a citation). Send it back in If-Match to update or delete only the version you read."
)
IF_MATCH_DESCRIPTION = (
    'The ETag of the version you read, e.g. "4" (a comma-separated list allowed; * for any version). The '
    "write goes ahead only if the record is still at that version; otherwise 412 and nothing is written. "
    "Without If-Match the write goes ahead whatever the version (last writer wins)."
)


def etag(version):
    return f'"{version}"'


def if_match_allows(header, version):
    """Whether an If-Match header value admits the record's current version."""
    tags = parse_etags(header)
    if tags == ["*"]:
        return True
    return any(tag.removeprefix("W/") == etag(version) for tag in tags)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"

    def __init__(self, *, current_version, sent):
        if parse_etags(sent):
            detail = (
                f"The record has changed since you read it: it is now at version {current_version} "
                f"(ETag {etag(current_version)}), not {sent}. Nothing was written; read it again, "
                "re-apply your change and send it with the new ETag."
            )
        else:
            detail = (
                f"If-Match must be the quoted ETag you read, e.g. {etag(current_version)}, or *; got {sent!r}. "
                "Nothing was written."
            )
        super().__init__(detail)
        # Set after APIException's init, which would turn the version number into a string.
        self.detail = {"detail": self.detail, "current_version": current_version, "etag": etag(current_version)}
        self.current_version = current_version


class PreconditionFailedSerializer(serializers.Serializer):
    """The body of a 412 answer (for the OpenAPI description)."""

    detail = serializers.CharField(help_text="That the record changed since it was read, and what to do.")
    current_version = serializers.IntegerField(help_text="The record's version now.")
    etag = serializers.CharField(help_text="The ETag to send in If-Match after reading the record again.")


class ConditionalWriteSchema(AutoSchema):
    """Documents the ETag response header, the If-Match request header and the 412 answer."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        action = getattr(self.view, "action", None)
        if operation is None or action is None:
            return operation
        if action in ETAG_ACTIONS:
            for code, response in operation["responses"].items():
                if code.startswith("2"):
                    response.setdefault("headers", {})["ETag"] = self._etag_header()
        if action in CONDITIONAL_ACTIONS:
            operation.setdefault("parameters", []).append(
                {
                    "in": "header",
                    "name": "If-Match",
                    "schema": {"type": "string"},
                    "description": IF_MATCH_DESCRIPTION,
                    "examples": {"version": {"value": '"4"'}, "any": {"value": "*"}},
                }
            )
            body = self.resolve_serializer(PreconditionFailedSerializer, "response")
            operation["responses"]["412"] = {
                "content": {"application/json": {"schema": body.ref}},
                "headers": {"ETag": self._etag_header("The record's current version.")},
                "description": "The record has changed since the version named in If-Match; nothing was written.",
            }
        return operation

    @staticmethod
    def _etag_header(description=ETAG_DESCRIPTION):
        return {"schema": {"type": "string"}, "description": description, "example": '"4"'}


class ConditionalWriteMixin:
    """For CatalogueViewSet: the ETag on responses about one record, If-Match on writes (see the module)."""

    schema = ConditionalWriteSchema()
    etag_record = None  # the record this request reads or writes, once known
    current_version = None  # its version after a 412

    def dispatch(self, request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        # One transaction from the If-Match check (and its row lock) to the end of the write.
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)  # a refused write leaves nothing behind
        return response

    def get_object(self):
        record = super().get_object()
        if self.request.method not in SAFE_METHODS and self.action in CONDITIONAL_ACTIONS:
            record = self.check_precondition(record)
        self.etag_record = record
        return record

    def check_precondition(self, record):
        """Lock the record for the rest of the transaction, then hold it against If-Match."""
        current = record.lock_for_write()
        if current is None:
            raise Http404("The record was deleted meanwhile.")
        if current != record.version:
            record = super().get_object()  # read before the lock: read it again, now that no one can write
        sent = self.request.headers.get("If-Match")
        if sent is not None and not if_match_allows(sent, current):
            self.current_version = current
            raise PreconditionFailed(current_version=current, sent=sent)
        return record

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self.etag_record = serializer.instance

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        version = self.response_version(request, response)
        if version is not None:
            response["ETag"] = etag(version)
        return response

    def response_version(self, request, response):
        if response.status_code == status.HTTP_412_PRECONDITION_FAILED:
            return self.current_version
        record = self.etag_record
        if record is None or not status.is_success(response.status_code) or self.action not in ETAG_ACTIONS:
            return None
        if request.method in SAFE_METHODS:
            return record.version
        # After a write, as stored: parts written with the record moved its version on in the database.
        return type(record)._base_manager.filter(pk=record.pk).values_list("version", flat=True).first()
