from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "kontorhaus.sales"
    label = "sales"
