"""Routes of the results pages (names in the `training` namespace)."""
urlpatterns = []
