"""Routes of the certificates pages (names in the `training` namespace)."""
urlpatterns = []
