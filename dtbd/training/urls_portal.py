"""Routes of the portal pages (names in the `training` namespace)."""
urlpatterns = []
