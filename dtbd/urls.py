from django.contrib import admin
from django.urls import include, path

from dtbd.training import urls as training_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("dtbd.accounts.urls")),
    path("don-vi/", include("dtbd.org.urls")),
    path("sap-xep-to-chuc/", include("dtbd.reorganisation.urls")),
    path("can-bo/", include("dtbd.people.urls")),
    path("nhap-lieu/", include("dtbd.imports.urls")),
    path("cong-viec/", include("dtbd.core.job_urls")),
    path("tieu-chuan/", include("dtbd.standards.urls")),
    path("dao-tao/", include("dtbd.training.urls")),
    path("ke-hoach/", include("dtbd.plans.urls")),
    path("hoc-truc-tuyen/", include("dtbd.elearning.urls")),
    path("dao-tao-sau-dai-hoc/", include("dtbd.funding.urls")),
    path("thu-hut-nhan-tai/", include("dtbd.funding.talent_urls")),
    path("tao-nguon/", include("dtbd.funding.source_urls")),
    path("danh-gia-chat-luong/", include("dtbd.evaluation.urls")),
    path("danh-gia-chat-luong/", include("dtbd.evaluation.urls_quality")),
    path("cong-khai/", include("dtbd.evaluation.urls_public")),
    path("bao-cao/", include("dtbd.reports.urls")),
    path("tong-quan/", include("dtbd.reports.urls_dashboard")),
    path("thong-bao/", include("dtbd.notices.urls")),
    path("api/", include("dtbd.api.urls")),
    path("", include((training_urls.public_urlpatterns, "public"))),
    path("", include("dtbd.home.urls")),
]
