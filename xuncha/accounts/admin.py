from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("巡察通", {"fields": ("name", "phone")}),)
    list_display = ("username", "name", "email", "is_active")
    search_fields = ("username", "name", "email")
