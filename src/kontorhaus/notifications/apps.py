from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kontorhaus.notifications"
    label = "notifications"
