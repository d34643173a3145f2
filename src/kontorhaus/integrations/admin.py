from django.contrib import admin

from .models import InboundEvent


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    """Read-only: an inbound event is evidence of what a provider sent; it is never edited."""

    list_display = ("received_at", "provider", "event_type", "status", "order_number", "reason")
    list_filter = ("status", "provider", "event_type")
    search_fields = ("external_id", "order_number", "payment_external_id")
    ordering = ("-received_at",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
