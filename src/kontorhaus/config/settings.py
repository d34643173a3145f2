"""Settings, driven by the environment so one build runs on a laptop and on a server.

DATABASE_URL   sqlite:///var/kontorhaus.sqlite3 (default) or postgres://user@host/db
EMAIL_URL      console:// (default), file:///path, smtp://user:pass@host:port, smtp+tls://...
SECRET_KEY     default: generated once and kept in var/secret_key
"""

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KONTORHAUS_VAR", Path.cwd() / "var"))

DEBUG = os.environ.get("DEBUG", "") == "1"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first start and kept in var/
    (readable by the owner only), so no installation runs with a key that is known."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = VAR_DIR / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # atomic: of several processes starting at once, one key wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# The key the carrier credentials are encrypted with (fulfillment/services_carriers.py); derived
# from SECRET_KEY when empty. Set it to keep the credentials readable when SECRET_KEY is rotated.
CARRIER_CREDENTIALS_KEY = os.environ.get("CARRIER_CREDENTIALS_KEY", "")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "kontorhaus.core",
    "kontorhaus.catalog",
    "kontorhaus.customers",
    "kontorhaus.inventory",
    "kontorhaus.sales",
    "kontorhaus.billing",
    "kontorhaus.fulfillment",
    "kontorhaus.purchasing",
    "kontorhaus.returns",
    "kontorhaus.notifications",
    "kontorhaus.documents",
    "kontorhaus.integrations",
    "kontorhaus.api",
    "kontorhaus.web",
    "kontorhaus.demo",
]

MIDDLEWARE = [
    "kontorhaus.config.middleware.RejectNulBytes",
    "kontorhaus.config.middleware.LimitPortalBody",  # before anything reads the body (CSRF)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kontorhaus.config.urls"
WSGI_APPLICATION = "kontorhaus.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kontorhaus.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=0 if url.startswith("sqlite") else 600)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["ENGINE"] = "kontorhaus.core.db.sqlite3"  # fair write lock, see its docstring
        # WAL + IMMEDIATE: concurrent writers queue on the write lock instead of failing
        # with "database is locked" halfway through a transaction.
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        db["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or str(VAR_DIR / "test.sqlite3")}
    else:
        db["CONN_HEALTH_CHECKS"] = True
        db.setdefault("TEST", {})["NAME"] = os.environ.get("PG_TEST_NAME", "test_kontorhaus")
    db["ATOMIC_REQUESTS"] = False
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:order_list"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Behind a TLS-terminating proxy (KONTORHAUS_HTTPS=1): secure cookies, trust X-Forwarded-Proto.
if os.environ.get("KONTORHAUS_HTTPS") == "1":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_BODY_BYTES", 1024 * 1024))


def _email() -> dict:
    url = os.environ.get("EMAIL_URL", "console://")
    parts = urlparse(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": parts.path or str(VAR_DIR / "mail")}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_TIMEOUT": 30,
    }


globals().update(_email())
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@kontorhaus.example")

# Business settings (the shop's policies); later issues move these into the back office.
KONTORHAUS = {
    "INVOICE_POLICY": os.environ.get("KONTORHAUS_INVOICE_POLICY", "at_order"),  # or "at_shipment"
    "EMAIL_SENDING_LEASE_SECONDS": int(os.environ.get("KONTORHAUS_EMAIL_LEASE", 300)),
    "EMAIL_MAX_ATTEMPTS": 8,
    # Ids of e-mails the SMTP server accepted, written before the outbox row is updated (see
    # notifications/journal.py): a worker killed in between does not send them twice.
    "OUTBOX_JOURNAL": os.environ.get("KONTORHAUS_OUTBOX_JOURNAL", str(VAR_DIR / "outbox-sent.journal")),
    "DOCUMENT_TEMPLATE_DIR": os.environ.get("KONTORHAUS_TEMPLATE_DIR", ""),
    "DEFAULT_WAREHOUSE": "MAIN",
    # Orders partly in stock: "wait" for everything, or "ship_available" now and the rest later (per order).
    "PARTIAL_DELIVERY_DEFAULT": os.environ.get("KONTORHAUS_PARTIAL_DELIVERY", "wait"),
    # Payment methods whose physical goods may leave the warehouse before the money is in.
    "SHIP_BEFORE_PAYMENT": {"prepayment": False, "invoice": True, "paypal": False, "card": False, "cod": True},
    "BANK_MATCH_THRESHOLD": os.environ.get("KONTORHAUS_BANK_MATCH_THRESHOLD", "0.8"),  # confidence to book
    # PSP webhooks (POST /webhooks/stripe, /webhooks/paypal): the Stripe endpoint's signing secret (whsec_...)
    # and the id PayPal gave our webhook. Until one is set, its endpoint answers 503 and stores nothing.
    "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
    "PAYPAL_WEBHOOK_ID": os.environ.get("PAYPAL_WEBHOOK_ID", ""),
    # Dunning (kontorhaus dunning run): invoices on account are due PAYMENT_TERM_DAYS after issue;
    # reminder levels by days after the due date (the fee is printed, never added to the invoice).
    "PAYMENT_TERM_DAYS": 14,
    "DUNNING_LEVELS": [
        {"days": 7, "fee": "0.00", "template": "payment_reminder"},
        {"days": 21, "fee": "5.00", "template": "payment_reminder"},
        {"days": 35, "fee": "10.00", "template": "payment_reminder"},
    ],
    "DUNNING_PAY_WITHIN_DAYS": 7,
    # Unpaid prepayment orders: one reminder, then cancelled (stock released) unless partly paid.
    "PREPAYMENT_REMINDER_DAYS": 7,
    "PREPAYMENT_CANCEL_DAYS": 14,
    # Digital goods: the download link in the e-mail is valid DOWNLOAD_DAYS and DOWNLOAD_LIMIT downloads;
    # PUBLIC_URL is where customers reach this installation (the links in e-mails start with it).
    "DOWNLOAD_DAYS": int(os.environ.get("KONTORHAUS_DOWNLOAD_DAYS", 30)),
    "DOWNLOAD_LIMIT": int(os.environ.get("KONTORHAUS_DOWNLOAD_LIMIT", 5)),
    "PUBLIC_URL": os.environ.get("KONTORHAUS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
    # Returns: the withdrawal/return period in days from receipt of the goods (14 by law, § 355 BGB; a shop
    # may grant more). The delivery note's return slip prints it and the deadline it gives at the least.
    "RETURN_PERIOD_DAYS": max(14, int(os.environ.get("KONTORHAUS_RETURN_PERIOD_DAYS", 14))),  # never below the law
    # Carriers: how long a booking or tracking call may take; how often the worker fetches tracking
    # events, after how many days without movement a parcel raises an alert, and whether the customer
    # then gets a delay notice by e-mail.
    "CARRIER_TIMEOUT_SECONDS": int(os.environ.get("KONTORHAUS_CARRIER_TIMEOUT", 20)),
    "TRACKING_REFRESH_MINUTES": int(os.environ.get("KONTORHAUS_TRACKING_REFRESH_MINUTES", 60)),
    "TRACKING_STALE_DAYS": int(os.environ.get("KONTORHAUS_TRACKING_STALE_DAYS", 4)),
    "TRACKING_DELAY_NOTICE": os.environ.get("KONTORHAUS_TRACKING_DELAY_NOTICE", "0") == "1",
    # Reverse proxies in front of the app (addresses or networks, comma-separated): their
    # X-Forwarded-For names the client for rate limits and logs (web/client_ip.py).
    "TRUSTED_PROXIES": os.environ.get("KONTORHAUS_TRUSTED_PROXIES", ""),
    # The largest request body the customer portal accepts (photo uploads), refused before it is read.
    "PORTAL_MAX_BODY_BYTES": int(os.environ.get("KONTORHAUS_PORTAL_MAX_BODY_BYTES", 41 * 1024 * 1024)),
    # Refunds: PSP refund APIs (credentials from the environment), tried REFUND_MAX_ATTEMPTS times.
    "STRIPE_API_BASE": os.environ.get("KONTORHAUS_STRIPE_API_BASE", "https://api.stripe.com"),
    "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
    "PAYPAL_API_BASE": os.environ.get("KONTORHAUS_PAYPAL_API_BASE", "https://api-m.paypal.com"),
    "PAYPAL_CLIENT_ID": os.environ.get("PAYPAL_CLIENT_ID", ""),
    "PAYPAL_CLIENT_SECRET": os.environ.get("PAYPAL_CLIENT_SECRET", ""),
    "PSP_TIMEOUT_SECONDS": int(os.environ.get("KONTORHAUS_PSP_TIMEOUT", 20)),
    "REFUND_MAX_ATTEMPTS": int(os.environ.get("KONTORHAUS_REFUND_MAX_ATTEMPTS", 5)),
    # Quotes: a new quote is valid this many days unless the operator sets another date.
    "QUOTE_VALIDITY_DAYS": int(os.environ.get("KONTORHAUS_QUOTE_VALIDITY_DAYS", 30)),
    # DATEV export (kontorhaus export datev, /accounting/datev/): Buchungsstapel EXTF 700 for the tax
    # advisor. CONSULTANT/CLIENT: Berater- (1001-9999999) and Mandantennummer (1-99999); CHART "skr03" or
    # "skr04" (default of the page and CLI); FISCAL_YEAR_START "MM-DD" (a file never spans two fiscal
    # years); ACCOUNT_LENGTH: Sachkontenlänge 4-8 (accounts are padded with zeros, 8400 -> 84000 at 5);
    # DEBTOR "collective" books every document on DEBTOR_ACCOUNT, "per_customer" on DEBTOR_ACCOUNT plus the
    # customer number (K-000123 -> 10123); ACCOUNTS overrides revenue accounts per chart and case
    # ({"skr03": {"oss": "8321"}}; cases: domestic_19, domestic_7, oss, intra_community, reverse_charge,
    # export, outside_scope, small_business), BU_KEYS the tax key per case ({"oss": "240"} is the
    # default; the other defaults are DATEV Automatikkonten and need none). LOCK: 1 = DATEV locks the
    # batch (Festschreibung) on import; 0 leaves it editable for the advisor. Table: README.
    "DATEV": {
        "CONSULTANT": int(os.environ.get("KONTORHAUS_DATEV_CONSULTANT", 1001)),
        "CLIENT": int(os.environ.get("KONTORHAUS_DATEV_CLIENT", 1)),
        "CHART": os.environ.get("KONTORHAUS_DATEV_CHART", "skr03"),
        "FISCAL_YEAR_START": os.environ.get("KONTORHAUS_DATEV_FISCAL_YEAR_START", "01-01"),
        "ACCOUNT_LENGTH": int(os.environ.get("KONTORHAUS_DATEV_ACCOUNT_LENGTH", 4)),
        "DEBTOR": os.environ.get("KONTORHAUS_DATEV_DEBTOR", "collective"),
        "DEBTOR_ACCOUNT": int(os.environ.get("KONTORHAUS_DATEV_DEBTOR_ACCOUNT", 10000)),
        "ACCOUNTS": {},
        "BU_KEYS": {},
        "LOCK": False,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
