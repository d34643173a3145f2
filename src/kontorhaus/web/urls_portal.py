"""The customer portal (no login): order lookup, and per order behind a signed token its page,
tracking, withdrawal and return registration."""

from django.urls import path

from . import views_portal_returns as views
from . import views_portal_tracking

urlpatterns: list = [
    path("portal/", views.portal_lookup_view, name="portal_lookup"),
    path("portal/o/<str:token>/", views.portal_order, name="portal_order"),
    path("portal/o/<str:token>/tracking", views_portal_tracking.portal_tracking, name="portal_tracking"),
    path("portal/o/<str:token>/withdrawal/", views.portal_withdrawal, name="portal_withdrawal"),
    path("portal/o/<str:token>/withdrawal/confirm/", views.portal_withdrawal_confirm, name="portal_withdrawal_confirm"),
    path("portal/o/<str:token>/withdrawal/<str:reference>/", views.portal_withdrawal_done,
         name="portal_withdrawal_done"),
    path("portal/o/<str:token>/return/", views.portal_return, name="portal_return"),
    path("portal/o/<str:token>/return/<str:number>/", views.portal_return_done, name="portal_return_done"),
    path("portal/o/<str:token>/return/<str:number>/label.pdf", views.portal_return_label,
         name="portal_return_label"),
]
