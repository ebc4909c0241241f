from django.urls import path

from . import views_review

urlpatterns = [
    path("ra-soat/", views_review.review, name="review"),
    path("ra-soat/<str:code>/", views_review.review_code, name="review_code"),
    path("ra-soat/<str:code>/xlsx/", views_review.review_export, name="review_export"),
    path("danh-muc/", views_review.catalogue, name="catalogue"),
    path("danh-muc/them/", views_review.requirement_edit, name="requirement_create"),
    path("danh-muc/<int:pk>/sua/", views_review.requirement_edit, name="requirement_edit"),
]
