"""Quotes (Angebote): list, create, detail, send, accept."""

from django.urls import path

from . import views_quotes as views

urlpatterns: list = [
    path("quotes/", views.quote_list_view, name="quote_list"),
    path("quotes/new/", views.quote_create_view, name="quote_create"),
    path("quotes/article-price/", views.quote_article_price, name="quote_article_price"),
    path("quotes/<str:number>/", views.quote_detail, name="quote_detail"),
    path("quotes/<str:number>/edit/", views.quote_edit_view, name="quote_edit"),
    path("quotes/<str:number>.pdf", views.quote_pdf_view, name="quote_pdf"),
    path("quotes/<str:number>/send/", views.quote_send_view, name="quote_send"),
    path("quotes/<str:number>/accept/", views.quote_accept_view, name="quote_accept"),
    path("quotes/<str:number>/decline/", views.quote_decline_view, name="quote_decline"),
]
