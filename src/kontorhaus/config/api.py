"""The NinjaAPI: one router per domain, one error handler for DomainError (STYLE 7, 20)."""

from ninja import NinjaAPI

from kontorhaus.api.auth import TokenAuth
from kontorhaus.api.errors import install_error_handlers
from kontorhaus.api.routers import register_routers

api = NinjaAPI(title="Kontorhaus API", version="1", urls_namespace="api", docs_url="/docs", auth=TokenAuth())
install_error_handlers(api)
register_routers(api)
