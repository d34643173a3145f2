from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("stripe", views.stripe_webhook, name="webhook_stripe"),
    path("paypal", views.paypal_webhook, name="webhook_paypal"),
]
