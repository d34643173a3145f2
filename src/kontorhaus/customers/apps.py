from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kontorhaus.customers"
    label = "customers"
