from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import (
    urls_accounting,
    urls_carriers,
    urls_einvoice,
    urls_fulfillment,
    urls_portal,
    urls_purchasing,
    urls_quotes,
    urls_returns,
    urls_settings,
    urls_shipping,
    urls_warehouse,
    views,
    views_bank,
    views_customer_actions,
    views_digital,
    views_order_actions,
    views_portal,
    views_refunds,
)

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orders/", views.order_list_view, name="order_list"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/payments/", views_order_actions.order_payment_record, name="order_payment_record"),
    path("orders/<str:number>/cancel/", views_order_actions.order_cancel_view, name="order_cancel"),
    path("orders/<str:number>/partial-delivery/", views_order_actions.order_partial_delivery_view,
         name="order_partial_delivery"),
    path("orders/<str:number>/refunds/", views_refunds.order_refund_create, name="order_refund_create"),
    path("refunds/<str:reference>/confirm/", views_refunds.refund_confirm_view, name="refund_confirm"),
    path("refunds/<str:reference>/retry/", views_refunds.refund_retry_view, name="refund_retry"),
    path("refunds/sepa/", views_refunds.refund_sepa_view, name="refund_sepa"),
    path("refunds/sepa/<str:message_id>.xml", views_refunds.refund_sepa_download, name="refund_sepa_download"),
    path("orders/<str:number>/digital-delivery/", views_digital.order_digital_delivery_view,
         name="order_digital_delivery"),
    path("d/<str:token>", views_portal.portal_download, name="portal_download"),
    path("invoices/<str:number>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("credit-notes/<str:number>.pdf", views.credit_note_pdf, name="credit_note_pdf"),
    path("articles/", views.article_list_view, name="article_list"),
    path("articles/new/", views.article_create_view, name="article_create"),
    path("articles/<str:sku>/edit/", views.article_edit, name="article_edit"),
    path("customers/", views.customer_list_view, name="customer_list"),
    path("customers/<str:number>/", views.customer_detail, name="customer_detail"),
    path("customers/<str:number>/invoicing/", views_customer_actions.customer_invoicing, name="customer_invoicing"),
    path("customers/<str:number>/credit-limit/", views_customer_actions.customer_credit_limit,
         name="customer_credit_limit"),
    path("bank/", views_bank.bank_statement_list_view, name="bank_statement_list"),
    path("bank/review/", views_bank.bank_review_list_view, name="bank_review_list"),
    path("bank/review/<int:pk>/assign/", views_bank.bank_transaction_assign_view, name="bank_transaction_assign"),
    path("bank/review/<int:pk>/ignore/", views_bank.bank_transaction_ignore_view, name="bank_transaction_ignore"),
]

# Each area's pages in their own module (quotes, settings, accounting export, e-invoices).
urlpatterns += urls_quotes.urlpatterns + urls_settings.urlpatterns + urls_accounting.urlpatterns
urlpatterns += urls_einvoice.urlpatterns
urlpatterns += urls_warehouse.urlpatterns + urls_fulfillment.urlpatterns + urls_purchasing.urlpatterns
urlpatterns += urls_portal.urlpatterns + urls_returns.urlpatterns
urlpatterns += urls_carriers.urlpatterns + urls_shipping.urlpatterns
