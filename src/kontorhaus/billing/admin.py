from django.contrib import admin

from .models import CreditNote, Invoice


class IssuedDocumentAdmin(admin.ModelAdmin):
    """Read-only: issued invoices and credit notes are looked at, never edited or deleted here
    (GoBD). Corrections are credit notes, issued by the billing services."""

    list_display = ("number", "order_number", "issue_date", "total_gross", "currency", "status")
    search_fields = ("number", "order_number")
    ordering = ("-issued_at",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(Invoice, IssuedDocumentAdmin)
admin.site.register(CreditNote, IssuedDocumentAdmin)
