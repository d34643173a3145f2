from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "kontorhaus.fulfillment"
    label = "fulfillment"
