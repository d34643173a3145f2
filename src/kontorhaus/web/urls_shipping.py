"""Shipping: booking shipments and pick runs with the carrier, labels, tracking numbers,
tracking alerts."""

from django.urls import path

from . import views_shipping as views

urlpatterns: list = [
    path("shipments/<str:number>/book/", views.shipment_book_view, name="shipment_book"),
    path("shipments/<str:number>/cancel-booking/", views.shipment_booking_cancel_view,
         name="shipment_booking_cancel"),
    path("shipments/<str:number>/labels.pdf", views.shipment_labels_pdf, name="shipment_labels_pdf"),
    path("shipments/<str:number>/tracking-number/", views.shipment_tracking_number, name="shipment_tracking_number"),
    path("pick-runs/<str:number>/book/", views.pick_run_book, name="pick_run_book"),
    path("pick-runs/<str:number>/labels.pdf", views.pick_run_labels_pdf, name="pick_run_labels_pdf"),
    path("tracking/alerts/", views.tracking_alert_list_view, name="tracking_alert_list"),
    path("tracking/alerts/<int:pk>/resolve/", views.tracking_alert_resolve_view, name="tracking_alert_resolve"),
    path("tracking/import/", views.tracking_import, name="tracking_import"),
]
