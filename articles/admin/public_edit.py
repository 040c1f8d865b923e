"""Admin edits of what readers see move the public pages' validators."""

from __future__ import annotations

from ..models import PublicEdit


class PublicEditMixin:
    """Records the admin's edits of what readers see as ``PublicEdit`` rows, which move the public pages'
    validators (``articles.conditional``): an edit of something only editors see must not."""

    def public_objects(self, queryset):
        """The objects of ``queryset`` that readers see."""
        raise NotImplementedError

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._record_public_edits([entry], [obj.pk])
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._record_public_edits([entry], [obj.pk])
        return entry

    def log_deletions(self, request, queryset):
        # Called before the deletion, so what readers saw can still be asked.
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        self._record_public_edits(entries, [obj.pk for obj in objects])
        return entries

    def _record_public_edits(self, entries, pks) -> None:
        public = self.public_objects(self.model._default_manager.filter(pk__in=pks)).values_list("pk", flat=True)
        shown = {str(pk) for pk in public}  # one query, however many objects
        PublicEdit.objects.bulk_create(
            PublicEdit(log_entry=entry if entry.pk else None, changed_at=entry.action_time)
            for entry in entries
            if str(entry.object_id) in shown  # as given (the primary key) until read back as text
        )
