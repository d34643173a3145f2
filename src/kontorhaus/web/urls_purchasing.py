"""Purchasing: suppliers, purchase orders, goods receipts."""

from django.urls import path

from . import views_purchasing as views

urlpatterns: list = [
    path("purchasing/suppliers/", views.supplier_list_view, name="purchasing_supplier_list"),
    path("purchasing/suppliers/new/", views.supplier_create_view, name="purchasing_supplier_create"),
    path("purchasing/suppliers/<str:number>/", views.supplier_detail, name="purchasing_supplier_detail"),
    path("purchasing/suppliers/<str:number>/terms/", views.supplier_terms_view, name="purchasing_supplier_terms"),
    path("purchasing/reorder/", views.reorder_view, name="purchasing_reorder"),
    path("purchasing/orders/", views.purchase_order_list_view, name="purchasing_order_list"),
    path("purchasing/orders/<str:number>/", views.purchase_order_detail, name="purchasing_order_detail"),
    path("purchasing/orders/<str:number>.pdf", views.purchase_order_pdf_view, name="purchasing_order_pdf"),
    path("purchasing/orders/<str:number>/send/", views.purchase_order_send_view, name="purchasing_order_send"),
    path("purchasing/orders/<str:number>/cancel/", views.purchase_order_cancel_view, name="purchasing_order_cancel"),
    path("purchasing/orders/<str:number>/receive/", views.goods_receipt_view, name="purchasing_goods_receipt"),
]
