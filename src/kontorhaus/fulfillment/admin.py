"""Admin pages for digital goods: upload an article's file, add licence keys to its pool, and
read grants, downloads and deliveries. Every write goes through the services; the rest is
read-only evidence."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from kontorhaus.catalog.models import Article, ArticleKind
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError

from .models import DigitalAsset, DigitalDelivery, DownloadGrant, DownloadLog, LicenceKey
from .services import digital_asset_set, licence_keys_add


def _actor(request: HttpRequest) -> Actor:
    return Actor("user", request.user.get_username())


def _digital_articles():
    return Article.objects.filter(kind=ArticleKind.DIGITAL)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class DigitalAssetForm(forms.ModelForm):
    upload = forms.FileField(label="File")

    class Meta:
        model = DigitalAsset
        fields = ["article"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = _digital_articles()


@admin.register(DigitalAsset)
class DigitalAssetAdmin(admin.ModelAdmin):
    form = DigitalAssetForm
    list_display = ("article", "filename", "content_type", "size", "uploaded_at")
    readonly_fields = ("filename", "content_type", "size", "sha256", "uploaded_at")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DigitalAsset, form: DigitalAssetForm, change: bool) -> None:  # noqa: FBT001 -- Django's signature
        upload = form.cleaned_data["upload"]
        saved = digital_asset_set(article=form.cleaned_data["article"], filename=upload.name,
                                  content_type=upload.content_type or "", content=upload.read(),
                                  actor=_actor(request))
        obj.pk, obj._state.adding = saved.pk, False
        obj.filename, obj.size = saved.filename, saved.size


class LicenceKeysAddForm(forms.Form):
    article = forms.ModelChoiceField(queryset=Article.objects.none())
    keys = forms.CharField(widget=forms.Textarea(attrs={"rows": 12, "cols": 60}), help_text="One key per line.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = _digital_articles()


@admin.register(LicenceKey)
class LicenceKeyAdmin(ReadOnlyAdmin):
    """Keys are added in bulk through `licence_keys_add` ("Add licence keys" above the list)."""

    list_display = ("article", "key", "order_number", "line_position", "unit", "assigned_at")
    list_filter = ("article",)
    search_fields = ("key", "order_number")
    change_list_template = "admin/fulfillment/licencekey/change_list.html"

    def get_urls(self):
        return [path("add-keys/", self.admin_site.admin_view(self.add_keys_view),
                     name="fulfillment_licencekey_add_keys"), *super().get_urls()]

    def add_keys_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("fulfillment.add_licencekey"):
            raise PermissionDenied
        form = LicenceKeysAddForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                added = licence_keys_add(article=form.cleaned_data["article"],
                                         keys=form.cleaned_data["keys"].splitlines(), actor=_actor(request))
            except DomainError as error:
                form.add_error("keys", error.message)
            else:
                messages.success(request, f"{added} licence key(s) added. Orders whose delivery is parked for "
                                          "want of keys are delivered with “Deliver now” on their order page.")
                return redirect("admin:fulfillment_licencekey_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": "Add licence keys"}
        return TemplateResponse(request, "admin/fulfillment/licencekey/add_keys.html", context)


@admin.register(DownloadGrant)
class DownloadGrantAdmin(ReadOnlyAdmin):
    list_display = ("order_number", "line_position", "article", "expires_at", "download_count", "max_downloads")
    search_fields = ("order_number",)
    exclude = ("token_hash",)


@admin.register(DownloadLog)
class DownloadLogAdmin(ReadOnlyAdmin):
    list_display = ("grant", "at", "ip", "user_agent")


@admin.register(DigitalDelivery)
class DigitalDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("order_number", "status", "reason", "delivered_at")
    list_filter = ("status",)
    search_fields = ("order_number",)
