"""Routes of the enrolment pages (names in the `training` namespace)."""
urlpatterns = []
