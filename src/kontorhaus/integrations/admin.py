from django.contrib import admin

from .models import InboundEvent

SIGNATURE_HEADERS = ("stripe-signature", "paypal-transmission-sig")


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    """Read-only: an inbound event is evidence of what a provider sent; it is never edited. The
    signature headers are never shown (nor stored any more): with the body they would be a
    delivery to post again."""

    list_display = ("received_at", "provider", "event_type", "status", "order_number", "reason")
    list_filter = ("status", "provider", "event_type")
    search_fields = ("external_id", "order_number", "payment_external_id")
    ordering = ("-received_at",)
    exclude = ("headers",)
    readonly_fields = ("delivery_headers",)

    @admin.display(description="headers")
    def delivery_headers(self, obj: InboundEvent) -> dict:
        return {k: v for k, v in (obj.headers or {}).items() if k.lower() not in SIGNATURE_HEADERS}

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
