"""Quality evaluation pages under /danh-gia-chat-luong/ (Circular 10/2017/TT-BNV; docs/domain.md)."""

app_name = "evaluation"

urlpatterns = []
