"""`/healthz` for load balancers and monitors: is this process up and can it reach its database?

A plain Django view: no authentication, no throttling, no session, exempt from the HTTPS redirect
(settings.SECURE_REDIRECT_EXEMPT) so a probe may speak plain HTTP. A success is logged at DEBUG only.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """200 `{"status": "ok", "database": "ok"}`, or 503 naming the database error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The full message (it may name hosts and users) goes to the log only.
        logger.error("Health check failed: the database is unreachable: %s", error)
        return JsonResponse({"status": "error", "database": f"unavailable ({type(error).__name__})"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
