"""Every error is a 4xx JSON body naming the field and the problem, never a 500."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from ..middleware import body_limit_detail


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the stored records."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class RecordMerged(exceptions.APIException):
    """The record was merged into another: a permanent redirect to the survivor."""

    status_code = status.HTTP_301_MOVED_PERMANENTLY
    default_code = "merged"

    def __init__(self, location):
        super().__init__({"detail": "This record was merged into another.", "location": location})
        self.location = location


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):  # also MergeError
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        dependents = sorted({f"{obj._meta.verbose_name}: {obj}" for obj in exc.protected_objects})
        exc = Conflict(
            {"detail": "Other records depend on this one; remove or re-point them first.", "dependents": dependents}
        )
    elif isinstance(exc, RequestDataTooBig):  # a body read past DATA_UPLOAD_MAX_MEMORY_SIZE (a multipart field)
        exc = PayloadTooLarge(body_limit_detail()["detail"])
    elif isinstance(exc, IntegrityError):
        exc = Conflict({"detail": f"The database refused the change: {exc}"})
    response = drf_exception_handler(exc, context)
    if isinstance(exc, RecordMerged):
        response["Location"] = exc.location
    elif isinstance(exc, PayloadTooLarge):
        response.data = body_limit_detail()  # the limit as a number, not as an error string
    return response
