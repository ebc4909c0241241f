"""/api/: the REST API (v1/), its OpenAPI schema (schema/), the docs (docs/ Swagger UI, redoc/) and the page where a
user manages their own API tokens (tokens/)."""
import functools

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission
from rest_framework.routers import DefaultRouter

from . import views, views_tokens

app_name = "api"

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("staff", views.PersonViewSet, basename="staff")
router.register("qualifications", views.QualificationViewSet, basename="qualification")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("requirements", views.RequirementViewSet, basename="requirement")
router.register("programmes", views.ProgramViewSet, basename="programme")
router.register("classes", views.TrainingClassViewSet, basename="class")
router.register("enrolments", views.EnrollmentViewSet, basename="enrolment")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("reports", views.ReportViewSet, basename="report")
router.register("exports/fostering", views.FosteringExportViewSet, basename="fostering-export")
router.register("jobs", views.JobViewSet, basename="job")


class SchemaReaders(BasePermission):
    """The schema: anyone in the embedded mode, logged-in users (session or API key) in production (README
    "Security")."""

    def has_permission(self, request, view):
        return not settings.PRODUCTION or bool(request.user and request.user.is_authenticated)


def login_in_production(view):
    """The docs pages: open in the embedded mode; in production the login page first (README "Security")."""
    protected = login_required(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return (protected if settings.PRODUCTION else view)(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[SchemaReaders]), name="schema"),
    # GET only: its renderer has no template for the answer to OPTIONS (a 500); other methods answer 405.
    path("docs/", login_in_production(SpectacularSwaggerSplitView.as_view(url_name="api:schema",
                                                                         http_method_names=["get", "head"])),
         name="docs"),
    path("redoc/", login_in_production(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("tokens/", views_tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
]
