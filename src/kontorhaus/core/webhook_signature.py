"""The signature our webhooks carry, both ways: outgoing to the shop (integrations) and incoming
from carriers (api.tracking_webhook). `X-Kontorhaus-Signature: sha256=<hex HMAC-SHA256(secret,
"<timestamp>." + raw body)>`, with the timestamp in `X-Kontorhaus-Timestamp`."""

import hashlib
import hmac


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"
