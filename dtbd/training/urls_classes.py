"""Routes of the classes pages (names in the `training` namespace)."""
urlpatterns = []
