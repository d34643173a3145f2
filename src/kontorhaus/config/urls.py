from django.contrib import admin
from django.urls import include, path

from kontorhaus.config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("webhooks/", include("kontorhaus.integrations.urls")),
    path("", include("kontorhaus.web.urls")),
]
