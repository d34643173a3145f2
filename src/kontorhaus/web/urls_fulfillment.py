"""Fulfillment: pick runs, the packing station, shipments and delivery notes."""

from django.urls import path

from . import views_fulfillment as views

urlpatterns: list = [
    path("pick-runs/", views.pick_run_list_view, name="pick_run_list"),
    path("pick-runs/<str:number>/", views.pick_run_detail, name="pick_run_detail"),
    path("pick-runs/<str:number>/scan/", views.pick_run_scan, name="pick_run_scan"),
    path("pick-runs/<str:number>/all-picked/", views.pick_run_all_picked, name="pick_run_all_picked"),
    path("pick-runs/<str:number>/close-short/", views.pick_run_close_short, name="pick_run_close_short"),
    path("pick-runs/<str:number>.pdf", views.pick_run_pdf, name="pick_run_pdf"),
    path("packing/", views.packing_station, name="packing_station"),
    path("packing/<str:number>/", views.packing_order, name="packing_order"),
    path("packing/<str:number>/scan/", views.packing_scan, name="packing_scan"),
    path("packing/<str:number>/pack/", views.packing_pack, name="packing_pack"),
    path("shipments/<str:number>/", views.shipment_detail, name="shipment_detail"),
    path("shipments/<str:number>/hand-over/", views.shipment_hand_over_view, name="shipment_hand_over"),
    path("shipments/<str:number>.pdf", views.shipment_delivery_note, name="shipment_delivery_note"),
]
