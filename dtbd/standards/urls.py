"""/tieu-chuan/: the review (rà soát) pages and the rule catalogue (urls_review), the promotion gate and
appointments (urls_gate)."""
from django.urls import include, path

from . import urls_gate, urls_review

app_name = "standards"
urlpatterns = [
    path("", include(urls_review.urlpatterns)),
    path("", include(urls_gate.urlpatterns)),
]
