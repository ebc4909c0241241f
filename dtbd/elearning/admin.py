"""System administrators correct single questions of a bank here (the class's staff import and export whole banks as
.xlsx on the bank page, docs/domain.md §17.2)."""
from django.contrib import admin

from .models import Choice, Question


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "quiz", "order"]
    list_filter = ["kind"]
    search_fields = ["text"]
    raw_id_fields = ["quiz"]
    inlines = [ChoiceInline]
