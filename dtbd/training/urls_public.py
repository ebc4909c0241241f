"""Public routes without login: /verify/<code>/ (certificate verification)."""
app_name = "public"
urlpatterns = []
