from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "kontorhaus.documents"
    label = "documents"
