from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Phân quyền dtbd", {"fields": ("role", "scope_unit", "person")}),)
    list_display = ("username", "get_full_name", "role", "scope_unit", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("scope_unit", "person")
