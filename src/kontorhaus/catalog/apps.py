from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kontorhaus.catalog"
    label = "catalog"
