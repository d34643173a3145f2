"""Back-office pages for returns and withdrawals."""

from django.urls import path

from . import views_returns as views

urlpatterns: list = [
    path("returns/", views.return_list_view, name="return_list"),
    path("returns/new/", views.return_create_view, name="return_create"),
    path("returns/scan/", views.return_scan_view, name="return_scan"),
    path("returns/withdrawals/", views.withdrawal_list_view, name="withdrawal_list"),
    path("returns/withdrawals/new/", views.withdrawal_create_view, name="withdrawal_create"),
    path("returns/rates/", views.return_rates_view, name="return_rates"),
    path("returns/settings/", views.return_settings_view, name="return_settings"),
    path("returns/<str:number>/", views.return_detail_view, name="return_detail"),
    path("returns/<str:number>/receive/", views.return_receive_view, name="return_receive"),
    path("returns/<str:number>/inspect/", views.return_inspect_view, name="return_inspect"),
    path("returns/<str:number>/approve/", views.return_approve_view, name="return_approve"),
    path("returns/<str:number>/close/", views.return_close_view, name="return_close"),
    path("returns/<str:number>/label.pdf", views.return_label_view, name="return_label"),
    path("returns/<str:number>/photos/<int:photo_id>", views.return_photo_view, name="return_photo"),
]
