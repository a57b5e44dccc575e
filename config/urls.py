from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from biotech_events.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("biotech_events.api.urls")),
    path("api-auth/", include("rest_framework.urls")),
]
