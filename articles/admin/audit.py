"""The audit trail: every editorial change and content correction, read-only to everyone."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html

from ..models import EditorialChange
from .changelist import CappedCountAdminMixin, ValidatedChangeListMixin
from .filters import StaffUserFilter


def audit_value(value) -> str:
    if value is None:
        return "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return str(value)


# --- The audit trail ---------------------------------------------------------------------------


@admin.register(EditorialChange)
class EditorialChangeAdmin(ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["changed_at", "article_link", "field", "old", "new", "user", "via"]
    list_display_links = ["changed_at"]
    list_filter = ["field", "via", ("user", StaffUserFilter), ("changed_at", admin.DateFieldListFilter)]
    list_select_related = ["article", "user"]
    search_fields = ["article__title"]
    search_help_text = "Searches article titles."
    ordering = ["-changed_at", "-id"]
    sortable_by = ["changed_at"]
    readonly_fields = ["article", "field", "old", "new", "user", "via", "changed_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="article", ordering="article__title")
    def article_link(self, change):
        url = reverse("admin:articles_article_change", args=[change.article_id])
        return format_html('<a href="{}">{}</a>', url, change.article.title)

    @admin.display(description="from")
    def old(self, change):
        return audit_value(change.old_value)

    @admin.display(description="to")
    def new(self, change):
        return audit_value(change.new_value)
