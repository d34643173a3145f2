"""Words for the codes the domains store: states, audit actions, article kinds.

The domain enums carry English labels for the admin; the back office shows these
translated ones. A code without a label here is shown as it is.
"""

from django.utils.translation import gettext_lazy as _

from kontorhaus.billing.states import InvoiceStatus, PaymentSource
from kontorhaus.catalog.models import ArticleKind, ProductCategory, VatClass
from kontorhaus.core.audit import AuditAction
from kontorhaus.notifications.models import EmailTemplate
from kontorhaus.notifications.states import OutgoingEmailStatus
from kontorhaus.sales.states import FulfillmentState, PaymentMethod, PaymentState, Readiness, SalesOrderStatus

ORDER_STATUS = {
    SalesOrderStatus.OPEN: _("Open"),
    SalesOrderStatus.COMPLETED: _("Completed"),
    SalesOrderStatus.CANCELLED: _("Cancelled"),
}

PAYMENT_STATE = {
    PaymentState.UNPAID: _("Unpaid"),
    PaymentState.PARTIALLY_PAID: _("Partially paid"),
    PaymentState.PAID: _("Paid"),
    PaymentState.OVERPAID: _("Overpaid"),
    PaymentState.PARTIALLY_REFUNDED: _("Partially refunded"),
    PaymentState.REFUNDED: _("Refunded"),
}

FULFILLMENT_STATE = {
    FulfillmentState.UNFULFILLED: _("Unfulfilled"),
    FulfillmentState.RELEASED: _("Released"),
    FulfillmentState.PICKING: _("Picking"),
    FulfillmentState.PACKED: _("Packed"),
    FulfillmentState.PARTIALLY_SHIPPED: _("Partially shipped"),
    FulfillmentState.SHIPPED: _("Shipped"),
    FulfillmentState.DELIVERED: _("Delivered"),
    FulfillmentState.RETURNED: _("Returned"),
}

READINESS = {
    Readiness.READY: _("Ready to ship"),
    Readiness.AWAITING_PAYMENT: _("Awaiting payment"),
    Readiness.AWAITING_STOCK: _("Awaiting stock"),
    Readiness.CREDIT_LIMIT_EXCEEDED: _("Credit limit exceeded"),
    Readiness.ADDRESS_INCOMPLETE: _("Address incomplete"),
    Readiness.NOTHING_TO_SHIP: _("Nothing to ship"),
    Readiness.CANCELLED: _("Cancelled"),
}

INVOICE_STATUS = {
    InvoiceStatus.ISSUED: _("Issued"),
    InvoiceStatus.CANCELLED: _("Cancelled by credit note"),
}

EMAIL_STATUS = {
    OutgoingEmailStatus.QUEUED: _("Queued"),
    OutgoingEmailStatus.SENDING: _("Sending"),
    OutgoingEmailStatus.SENT: _("Sent"),
    OutgoingEmailStatus.FAILED: _("Failed"),
}

EMAIL_TEMPLATE = {
    EmailTemplate.ORDER_CONFIRMATION: _("Order confirmation"),
    EmailTemplate.ORDER_CANCELLED: _("Order cancelled"),
    EmailTemplate.DIGITAL_DELIVERY: _("Download links"),
}

PAYMENT_METHOD = {
    PaymentMethod.PREPAYMENT: _("Prepayment"),
    PaymentMethod.INVOICE: _("Invoice (purchase on account)"),
    PaymentMethod.PAYPAL: _("PayPal"),
    PaymentMethod.CARD: _("Card"),
    PaymentMethod.COD: _("Cash on delivery"),
}

PAYMENT_SOURCE = {
    PaymentSource.SHOP: _("Paid in the shop"),
    PaymentSource.MANUAL: _("Entered by hand"),
    PaymentSource.API: _("API"),
    PaymentSource.PSP: _("Payment provider"),
    PaymentSource.BANK: _("Bank statement"),
}

ARTICLE_KIND = {
    ArticleKind.PHYSICAL: _("Physical"),
    ArticleKind.DIGITAL: _("Digital"),
    ArticleKind.SERVICE: _("Service"),
}

VAT_CLASS = {
    VatClass.STANDARD: _("Standard rate"),
    VatClass.REDUCED: _("Reduced rate"),
}

VAT_CASE = {
    "domestic": _("domestic"),
    "oss": _("EU consumer (OSS)"),
    "intra_community": _("intra-community supply"),
    "reverse_charge": _("reverse charge"),
    "export": _("export"),
    "outside_scope": _("not taxable in Germany"),
    "small_business": _("small business (§ 19 UStG)"),
}

PRODUCT_CATEGORY = {
    ProductCategory.GENERAL: _("General (standard rate)"),
    ProductCategory.FOOD: _("Food"),
    ProductCategory.BOOKS_PRINTED: _("Printed books"),
    ProductCategory.EBOOKS: _("E-books"),
    ProductCategory.NEWSPAPERS: _("Newspapers and periodicals"),
    ProductCategory.PHARMACEUTICALS: _("Pharmaceuticals"),
    ProductCategory.CHILDRENS_CLOTHING: _("Children's clothing"),
}

AUDIT_ACTION = {
    AuditAction.SALES_ORDER_PLACED: _("Order placed"),
    AuditAction.SALES_ORDER_CANCELLED: _("Order cancelled"),
    AuditAction.SALES_ORDER_COMPLETED: _("Order completed"),
    AuditAction.SALES_ORDER_PAYMENT_STATE_CHANGED: _("Payment state changed"),
    AuditAction.INVENTORY_STOCK_RESERVED: _("Stock reserved"),
    AuditAction.INVENTORY_STOCK_BACKORDERED: _("Stock backordered"),
    AuditAction.INVENTORY_RESERVATION_RELEASED: _("Reservation released"),
    AuditAction.INVENTORY_STOCK_ADJUSTED: _("Stock adjusted"),
    AuditAction.BILLING_INVOICE_ISSUED: _("Invoice issued"),
    AuditAction.BILLING_INVOICE_CANCELLED: _("Invoice cancelled"),
    AuditAction.BILLING_CREDIT_NOTE_ISSUED: _("Credit note issued"),
    AuditAction.BILLING_PAYMENT_RECORDED: _("Payment recorded"),
    AuditAction.NOTIFICATIONS_EMAIL_QUEUED: _("E-mail queued"),
    AuditAction.NOTIFICATIONS_EMAIL_SENT: _("E-mail sent"),
    AuditAction.NOTIFICATIONS_EMAIL_FAILED: _("E-mail failed"),
    AuditAction.DOCUMENTS_DOCUMENT_RENDERED: _("Document rendered"),
    AuditAction.SALES_ORDER_RELEASED: _("Released to the warehouse"),
    AuditAction.CATALOG_ARTICLE_CREATED: _("Article created"),
    AuditAction.CATALOG_ARTICLE_UPDATED: _("Article updated"),
    AuditAction.SALES_ORDER_LINES_DELIVERED: _("Digital lines delivered"),
    AuditAction.FULFILLMENT_DIGITAL_DELIVERY_SENT: _("Download links sent"),
    AuditAction.FULFILLMENT_DIGITAL_DELIVERY_PARKED: _("Digital delivery parked"),
    AuditAction.FULFILLMENT_DOWNLOAD_GRANT_USED: _("File downloaded"),
    AuditAction.SALES_QUOTE_ACCEPTED: _("Quote accepted"),  # on the timeline of the order it became
    AuditAction.RETURNS_WITHDRAWAL_DECLARED: _("Withdrawal received"),
    AuditAction.RETURNS_WITHDRAWAL_ALERTED: _("Refund deadline of the withdrawal near"),
    AuditAction.RETURNS_RETURN_REGISTERED: _("Return registered"),
    AuditAction.RETURNS_RETURN_RECEIVED: _("Return received"),
    AuditAction.RETURNS_RETURN_INSPECTED: _("Return inspected"),
    AuditAction.RETURNS_RETURN_REFUND_PROPOSED: _("Refund proposed"),
    AuditAction.RETURNS_RETURN_REFUNDED: _("Return refunded"),
    AuditAction.RETURNS_RETURN_CLOSED: _("Return closed"),
    AuditAction.RETURNS_RETURN_CANCELLED: _("Return cancelled"),
    AuditAction.FULFILLMENT_SHIPMENT_BOOKED: _("Shipment booked with the carrier"),
    AuditAction.FULFILLMENT_SHIPMENT_BOOKING_FAILED: _("Carrier booking refused"),
    AuditAction.FULFILLMENT_SHIPMENT_BOOKING_CANCELLED: _("Carrier booking cancelled"),
    AuditAction.FULFILLMENT_PARCEL_TRACKING_NUMBER_SET: _("Tracking number entered"),
    AuditAction.FULFILLMENT_PARCEL_STATUS_CHANGED: _("Parcel status changed"),
    AuditAction.FULFILLMENT_SHIPMENT_DELIVERED: _("Shipment delivered"),
    AuditAction.FULFILLMENT_SHIPMENT_RETURNED: _("Shipment returned to sender"),
    AuditAction.FULFILLMENT_TRACKING_ALERT_RAISED: _("Tracking alert"),
    AuditAction.FULFILLMENT_TRACKING_ALERT_RESOLVED: _("Tracking alert resolved"),
    AuditAction.FULFILLMENT_RETURN_LABEL_CREATED: _("Return label created"),
    AuditAction.SALES_ORDER_LINES_CARRIER_DELIVERED: _("Delivered by the carrier"),
    AuditAction.SALES_ORDER_LINES_RETURNED: _("Goods back from the customer"),
}

_ALL = {
    "order_status": ORDER_STATUS,
    "payment_state": PAYMENT_STATE,
    "fulfillment_state": FULFILLMENT_STATE,
    "readiness": READINESS,
    "invoice_status": INVOICE_STATUS,
    "email_status": EMAIL_STATUS,
    "email_template": EMAIL_TEMPLATE,
    "payment_method": PAYMENT_METHOD,
    "payment_source": PAYMENT_SOURCE,
    "article_kind": ARTICLE_KIND,
    "vat_class": VAT_CLASS,
    "product_category": PRODUCT_CATEGORY,
    "vat_case": VAT_CASE,
    "audit_action": AUDIT_ACTION,
}


def label(group: str, code: str) -> str:
    return str(_ALL.get(group, {}).get(code, code))


def choices(group: str) -> list[tuple[str, str]]:
    return [(str(code), text) for code, text in _ALL[group].items()]
