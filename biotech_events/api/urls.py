from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views
from .endpoints import ENDPOINTS

VIEWSETS = {
    "event": views.EventViewSet,
    "organizer": views.OrganizerViewSet,
    "company": views.CompanyViewSet,
    "person": views.PersonViewSet,
    "deal": views.DealViewSet,
    "park": views.ParkViewSet,
    "ranking": views.RankingListViewSet,
    "park-ranking": views.ParkRankingViewSet,
    "report": views.ReportViewSet,
    "source": views.SourceDocumentViewSet,
}

app_name = "api"

router = DefaultRouter()
for prefix, basename in ENDPOINTS.values():
    router.register(prefix, VIEWSETS[basename], basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
]
