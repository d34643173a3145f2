from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "kontorhaus.inventory"
    label = "inventory"
