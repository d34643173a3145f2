"""The customer portal (no login): the download page behind the link in the digital-delivery
e-mail. The token in the URL is the customer's key; only its hash is stored.

GET shows the page with a download button and counts nothing: mail scanners and link previews
open links in e-mails, and must not use up the customer's downloads. POST counts the download
(guarded, so concurrent clicks never exceed the limit), logs it and serves the file. An unknown
or tampered token answers 404, an expired, used-up or revoked one 410 — with a friendly page,
nothing counted and nothing logged.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kontorhaus.core.audit import Actor
from kontorhaus.core.selectors import company_profile_name
from kontorhaus.fulfillment.models import DigitalAsset
from kontorhaus.fulfillment.selectors import digital_asset_get, download_grant_find, download_refusal
from kontorhaus.fulfillment.services import DownloadRefused, download_claim

from .client_ip import client_ip

CUSTOMER = Actor("customer", "download link")
UNKNOWN, UNAVAILABLE = "unknown", "unavailable"


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    response = render(request, "web/portal_download_refused.html",
                      {"reason": reason, "shop_name": company_profile_name()}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _attachment(asset: DigitalAsset) -> HttpResponse:
    response = HttpResponse(bytes(asset.content), content_type=asset.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=asset.filename)
    response["Content-Length"] = str(asset.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@csrf_exempt  # no session, no cookie: the secret token in the URL is what authorises the POST
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_download(request: HttpRequest, token: str) -> HttpResponse:
    grant = download_grant_find(token=token)
    if grant is None:
        return _refused(request, UNKNOWN, 404)
    refusal = download_refusal(grant=grant)
    if refusal:
        return _refused(request, refusal, 410)
    asset = digital_asset_get(article=grant.article, with_content=request.method == "POST")
    if asset is None:
        return _refused(request, UNAVAILABLE, 404)
    if request.method != "POST":
        response = render(request, "web/portal_download.html", {
            "grant": grant, "asset": asset, "remaining": grant.max_downloads - grant.download_count,
            "shop_name": company_profile_name(),
        })
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response
    try:
        download_claim(grant=grant, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
                       actor=CUSTOMER)
    except DownloadRefused:
        return _refused(request, "exhausted", 410)  # the last download went to a concurrent click
    return _attachment(asset)
