from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RejectNulBytes:
    """A NUL byte in the path or the query string can never be a valid reference or search
    (PostgreSQL cannot even store it): answer 400 before any view or query sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest("NUL bytes are not allowed in URLs", content_type="text/plain")
        return self.get_response(request)


class LimitPortalBody:
    """The customer portal is open to the internet without a login: a request body larger than
    PORTAL_MAX_BODY_BYTES (the photos of one return) is refused with 413 before anything reads
    it — Django's CSRF check would otherwise parse the whole upload first. A body without a
    Content-Length (chunked) is refused with 411, a malformed length with 400."""

    PREFIX = "/portal/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.PREFIX) and request.method not in ("GET", "HEAD", "OPTIONS"):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse | None:
        length = request.META.get("CONTENT_LENGTH", "")
        if not length:
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return HttpResponse("a request body needs a Content-Length", status=411, content_type="text/plain")
            return None
        if not length.isdigit():
            return HttpResponseBadRequest("malformed Content-Length", content_type="text/plain")
        if int(length) > settings.KONTORHAUS["PORTAL_MAX_BODY_BYTES"]:
            return HttpResponse("the request is too large", status=413, content_type="text/plain")
        return None
