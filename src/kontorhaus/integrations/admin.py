from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError

from .models import InboundEvent
from .models_webhooks import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from .services_webhooks import webhook_endpoint_delete, webhook_endpoint_save

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


class WebhookEndpointForm(forms.ModelForm):
    """The secret is write-only: an empty field keeps the stored one."""

    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                             help_text="At least 16 characters; leave empty to keep the current secret. "
                                       "Signature: X-Kontorhaus-Signature = sha256=<hex HMAC-SHA256(secret, "
                                       "'<X-Kontorhaus-Timestamp>.' + raw body)>.")
    events = forms.MultipleChoiceField(choices=[(e, e) for e in WEBHOOK_EVENTS], widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "secret", "events", "active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Outgoing webhooks (e.g. article.availability_changed for the shop). Saved through the
    service, so the URL, secret and events are checked and the change is audited."""

    form = WebhookEndpointForm
    list_display = ("name", "url", "active", "created_at")

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        try:
            saved = webhook_endpoint_save(endpoint=WebhookEndpoint.objects.get(pk=obj.pk) if change else None,
                                          name=data["name"], url=data["url"], secret=data["secret"],
                                          events=list(data["events"]), active=data["active"],
                                          actor=Actor("user", request.user.get_username()))
        except DomainError as error:
            raise ValidationError(error.message) from error
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        webhook_endpoint_delete(endpoint=obj, actor=Actor("user", request.user.get_username()))


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Read-only: what was sent where, its status and the last error."""

    list_display = ("created_at", "endpoint", "event_type", "status", "attempts", "last_status_code", "last_error")
    list_filter = ("status", "event_type", "endpoint")
    search_fields = ("public_id", "body")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
