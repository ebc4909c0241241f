"""Quality evaluation pages under /danh-gia-chat-luong/ (Circular 10/2017/TT-BNV; docs/domain.md §15)."""
from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("lop/<int:pk>/", views.class_results, name="class_results"),
    path("lop/<int:pk>/mo-khao-sat/", views.open_survey, name="open_survey"),
    path("lop/<int:pk>/cai-dat/", views.survey_options, name="survey_options"),
    path("lop/<int:pk>/phieu-giay.xlsx", views.paper_download, name="paper_download"),
    path("lop/<int:pk>/phieu-giay/tai-len/", views.paper_upload, name="paper_upload"),
    path("lop/<int:pk>/tra-loi/", views.answer, name="answer"),
]
