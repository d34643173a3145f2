"""Settings → Carriers: carrier accounts and their credentials."""

from django.urls import path

from . import views_carriers as views

urlpatterns: list = [
    path("settings/carriers/", views.carrier_account_list_view, name="carrier_account_list"),
    path("settings/carriers/new/", views.carrier_account_create, name="carrier_account_create"),
    path("settings/carriers/<str:code>/", views.carrier_account_edit, name="carrier_account_edit"),
    path("settings/carriers/<str:code>/test/", views.carrier_account_test, name="carrier_account_test"),
]
