"""Every state change writes one audit event (STYLE 19)."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import models

from . import clock
from .models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acted: a back-office user, an API token, a shop connector or the system."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


SYSTEM = Actor("system", "kontorhaus")


class AuditAction(StrEnum):
    SALES_ORDER_PLACED = "sales.order.placed"
    SALES_ORDER_CANCELLED = "sales.order.cancelled"
    SALES_ORDER_COMPLETED = "sales.order.completed"
    SALES_ORDER_PAYMENT_STATE_CHANGED = "sales.order.payment_state_changed"
    SALES_ORDER_RELEASED = "sales.order.released"
    SALES_ORDER_LINES_DELIVERED = "sales.order.lines_delivered"
    INVENTORY_STOCK_RESERVED = "inventory.stock.reserved"
    INVENTORY_STOCK_BACKORDERED = "inventory.stock.backordered"
    INVENTORY_RESERVATION_RELEASED = "inventory.reservation.released"
    INVENTORY_STOCK_ADJUSTED = "inventory.stock.adjusted"
    INVENTORY_STOCK_TRANSFERRED = "inventory.stock.transferred"
    INVENTORY_WAREHOUSE_CREATED = "inventory.warehouse.created"
    INVENTORY_BIN_CREATED = "inventory.bin.created"
    INVENTORY_STOCK_POLICY_SET = "inventory.stock_policy.set"
    INVENTORY_AVAILABILITY_CHANGED = "inventory.availability.changed"
    INVENTORY_STOCK_COUNTED = "inventory.stock.counted"
    INVENTORY_STOCK_WRITTEN_OFF = "inventory.stock.written_off"
    INVENTORY_RESERVATION_TAKEN_BACK = "inventory.reservation.taken_back"
    INVENTORY_WAREHOUSE_UPDATED = "inventory.warehouse.updated"
    INVENTORY_BIN_UPDATED = "inventory.bin.updated"
    INVENTORY_BIN_DEACTIVATED = "inventory.bin.deactivated"
    SALES_ORDER_LINE_BACKORDERED = "sales.order.line_backordered"
    INTEGRATIONS_WEBHOOK_ENDPOINT_SAVED = "integrations.webhook_endpoint.saved"
    INTEGRATIONS_WEBHOOK_DELIVERY_FAILED = "integrations.webhook_delivery.failed"
    BILLING_INVOICE_ISSUED = "billing.invoice.issued"
    BILLING_INVOICE_CANCELLED = "billing.invoice.cancelled"
    BILLING_CREDIT_NOTE_ISSUED = "billing.credit_note.issued"
    BILLING_PAYMENT_RECORDED = "billing.payment.recorded"
    BILLING_BANK_STATEMENT_IMPORTED = "billing.bank_statement.imported"
    BILLING_BANK_TRANSACTION_BOOKED = "billing.bank_transaction.booked"
    BILLING_BANK_TRANSACTION_ASSIGNED = "billing.bank_transaction.assigned"
    BILLING_BANK_TRANSACTION_IGNORED = "billing.bank_transaction.ignored"
    BILLING_DUNNING_NOTICE_ISSUED = "billing.dunning_notice.issued"
    BILLING_PREPAYMENT_REMINDER_SENT = "billing.prepayment_reminder.sent"
    FULFILLMENT_DIGITAL_DELIVERY_SENT = "fulfillment.digital_delivery.sent"
    FULFILLMENT_DIGITAL_DELIVERY_PARKED = "fulfillment.digital_delivery.parked"
    FULFILLMENT_DOWNLOAD_GRANT_USED = "fulfillment.download_grant.used"
    FULFILLMENT_LICENCE_KEYS_ADDED = "fulfillment.licence_keys.added"
    FULFILLMENT_DIGITAL_ASSET_UPLOADED = "fulfillment.digital_asset.uploaded"
    NOTIFICATIONS_EMAIL_QUEUED = "notifications.email.queued"
    NOTIFICATIONS_EMAIL_SENT = "notifications.email.sent"
    NOTIFICATIONS_EMAIL_FAILED = "notifications.email.failed"
    DOCUMENTS_DOCUMENT_RENDERED = "documents.document.rendered"
    CUSTOMERS_CREDIT_LIMIT_SET = "customers.customer.credit_limit_set"
    CUSTOMERS_INVOICING_SET = "customers.customer.invoicing_set"
    CATALOG_ARTICLE_CREATED = "catalog.article.created"
    CATALOG_ARTICLE_UPDATED = "catalog.article.updated"
    INTEGRATIONS_INBOUND_EVENT_PROCESSED = "integrations.inbound_event.processed"
    INTEGRATIONS_INBOUND_EVENT_PARKED = "integrations.inbound_event.parked"
    INTEGRATIONS_INBOUND_EVENT_IGNORED = "integrations.inbound_event.ignored"
    BILLING_REFUND_REQUESTED = "billing.refund.requested"
    BILLING_REFUND_SENT = "billing.refund.sent"
    BILLING_REFUND_DONE = "billing.refund.done"
    BILLING_REFUND_FAILED = "billing.refund.failed"
    BILLING_SEPA_EXPORT_CREATED = "billing.sepa_export.created"
    BILLING_DATEV_EXPORT_CREATED = "billing.datev_export.created"
    SALES_QUOTE_CREATED = "sales.quote.created"
    SALES_QUOTE_UPDATED = "sales.quote.updated"
    SALES_QUOTE_SENT = "sales.quote.sent"
    SALES_QUOTE_ACCEPTED = "sales.quote.accepted"
    SALES_QUOTE_DECLINED = "sales.quote.declined"
    SALES_QUOTE_EXPIRED = "sales.quote.expired"
    CORE_COMPANY_PROFILE_UPDATED = "core.company_profile.updated"
    CORE_NUMBER_FORMAT_UPDATED = "core.number_format.updated"
    CORE_VAT_RATES_IMPORTED = "core.vat_rates.imported"
    PURCHASING_SUPPLIER_CREATED = "purchasing.supplier.created"
    PURCHASING_SUPPLIER_UPDATED = "purchasing.supplier.updated"
    PURCHASING_SUPPLIER_TERMS_SET = "purchasing.supplier_terms.set"
    PURCHASING_PURCHASE_ORDER_CREATED = "purchasing.purchase_order.created"
    PURCHASING_PURCHASE_ORDER_ORDERED = "purchasing.purchase_order.ordered"
    PURCHASING_PURCHASE_ORDER_CANCELLED = "purchasing.purchase_order.cancelled"
    PURCHASING_PURCHASE_ORDER_RECEIVED = "purchasing.purchase_order.received"
    PURCHASING_GOODS_RECEIPT_BOOKED = "purchasing.goods_receipt.booked"
    PURCHASING_ARTICLE_COST_UPDATED = "purchasing.article_cost.updated"
    FULFILLMENT_PICK_RUN_CREATED = "fulfillment.pick_run.created"
    FULFILLMENT_PICK_RUN_COMPLETED = "fulfillment.pick_run.completed"
    FULFILLMENT_PICK_CONFIRMED = "fulfillment.pick.confirmed"
    FULFILLMENT_SHIPMENT_PACKED = "fulfillment.shipment.packed"
    FULFILLMENT_SHIPMENT_HANDED_OVER = "fulfillment.shipment.handed_over"
    SALES_ORDER_PICKING_STARTED = "sales.order.picking_started"
    SALES_ORDER_PARTIAL_DELIVERY_SET = "sales.order.partial_delivery_set"
    RETURNS_WITHDRAWAL_DECLARED = "returns.withdrawal.declared"
    RETURNS_WITHDRAWAL_ALERTED = "returns.withdrawal.refund_deadline_alerted"
    RETURNS_RETURN_REGISTERED = "returns.return.registered"
    RETURNS_RETURN_RECEIVED = "returns.return.received"
    RETURNS_RETURN_INSPECTED = "returns.return.inspected"
    RETURNS_RETURN_REFUND_PROPOSED = "returns.return.refund_proposed"
    RETURNS_RETURN_REFUNDED = "returns.return.refunded"
    RETURNS_RETURN_CLOSED = "returns.return.closed"
    RETURNS_RETURN_CANCELLED = "returns.return.cancelled"
    RETURNS_RETURN_LABEL_ATTACHED = "returns.return.label_attached"
    RETURNS_POLICY_UPDATED = "returns.policy.updated"
    INVENTORY_STOCK_RETURNED = "inventory.stock.returned"
    FULFILLMENT_CARRIER_ACCOUNT_SAVED = "fulfillment.carrier_account.saved"
    FULFILLMENT_SHIPMENT_BOOKED = "fulfillment.shipment.booked"
    FULFILLMENT_SHIPMENT_BOOKING_FAILED = "fulfillment.shipment.booking_failed"
    FULFILLMENT_SHIPMENT_BOOKING_CANCELLED = "fulfillment.shipment.booking_cancelled"
    FULFILLMENT_PARCEL_TRACKING_NUMBER_SET = "fulfillment.parcel.tracking_number_set"
    FULFILLMENT_PARCEL_STATUS_CHANGED = "fulfillment.parcel.status_changed"
    FULFILLMENT_SHIPMENT_DELIVERED = "fulfillment.shipment.delivered"
    FULFILLMENT_SHIPMENT_RETURNED = "fulfillment.shipment.returned"
    FULFILLMENT_TRACKING_ALERT_RAISED = "fulfillment.tracking_alert.raised"
    FULFILLMENT_TRACKING_ALERT_RESOLVED = "fulfillment.tracking_alert.resolved"
    FULFILLMENT_RETURN_LABEL_CREATED = "fulfillment.return_label.created"
    SALES_ORDER_LINES_CARRIER_DELIVERED = "sales.order.lines_carrier_delivered"
    SALES_ORDER_LINES_RETURNED = "sales.order.lines_returned"


ORDER_SUBJECT = "sales.salesorder"


def event(
    *,
    action: AuditAction,
    actor: Actor,
    obj: models.Model | None = None,
    order_number: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved event, for callers that write several at once with `record_many`.
    Without `obj` the event is about the order `order_number` (for apps that know orders only
    by number)."""
    if obj is None:
        subject_type, subject_id = ORDER_SUBJECT, order_number
    else:
        subject_type, subject_id = obj._meta.label_lower, str(getattr(obj, "number", "") or obj.pk)
    return AuditEvent(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        order_number=order_number,
        actor=str(actor),
        data=data or {},
        created_at=clock.now(),
    )


def record(
    *,
    action: AuditAction,
    actor: Actor,
    obj: models.Model | None = None,
    order_number: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    entry = event(action=action, obj=obj, actor=actor, order_number=order_number, data=data)
    entry.save()
    return entry


def record_many(entries: list[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(entries)
