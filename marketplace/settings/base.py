"""Common settings, composed from one module per concern."""

from django.core.exceptions import ImproperlyConfigured

from marketplace.settings.audit import *  # noqa: E402,F401,F403
from marketplace.settings.auth import *  # noqa: E402,F401,F403
from marketplace.settings.cache import *  # noqa: E402,F401,F403
from marketplace.settings.celery import *  # noqa: E402,F401,F403
from marketplace.settings.channels import *  # noqa: E402,F401,F403
from marketplace.settings.database import *  # noqa: E402,F401,F403,I001
from marketplace.settings.email import *  # noqa: E402,F401,F403
from marketplace.settings.env import BASE_DIR, env
from marketplace.settings.payments import *  # noqa: E402,F401,F403
from marketplace.settings.search import *  # noqa: E402,F401,F403
from marketplace.settings.security import *  # noqa: E402,F401,F403
from marketplace.settings.serving import *  # noqa: E402,F401,F403
from marketplace.settings.stripe import *  # noqa: E402,F401,F403

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # No usable default: a deployment that forgot its key must not start with a
        # key everyone knows. The embedded overlay and DJANGO_DEBUG=true may.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (50+ random characters), or run the "
            "embedded demo (DJANGO_SETTINGS_MODULE=marketplace.settings.embedded), or set "
            "DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-with-debug"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the form renderer finds the widget templates through the engine
    "django.contrib.sites",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prose_editor",  # the rich-text editor's static files
    "channels",
    # platform core
    "marketplace.core",
    "marketplace.accounts",
    "marketplace.notifications",
    "marketplace.payments",
    # feature apps
    "catalog",
    "crowdfunding",
    "crowdfunding.equity",
    "procurement",
    "vouchers",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # after the locale, so the refusal is in the visitor's language
    "marketplace.core.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "marketplace.accounts.middleware.MembershipMemoMiddleware",
    "marketplace.accounts.middleware.RequireMFAMiddleware",
    "marketplace.core.middleware.SecurityHeadersMiddleware",
    # last: the site's 404 page instead of Django's technical one when DEBUG is on
    "marketplace.core.middleware.SiteNotFoundMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "marketplace" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "marketplace.core.context_processors.navigation",
                "marketplace.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: zh-hans first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "marketplace" / "locale"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_TZ = True

# Region is configuration, never code: currency, districts and rule packs come from here.
MARKETPLACE_REGION = env("MARKETPLACE_REGION", default="qingdao")
MARKETPLACE_CURRENCY = env("MARKETPLACE_CURRENCY", default="CNY")
# what a price may be given in (forms offer these; the marketplace currency always first)
MARKETPLACE_CURRENCIES = env.list("MARKETPLACE_CURRENCIES", default=["CNY", "USD", "EUR", "HKD"])
FORM_RENDERER = "marketplace.core.forms.SiteFormRenderer"

STATIC_URL = "/static/"
# The project-wide assets (site.css, site.js, htmx); apps keep theirs in <app>/static.
STATICFILES_DIRS = [BASE_DIR / "marketplace" / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "marketplace.core.schema.AutoSchema",
    # JSON refusing NUL characters and deep nesting with a 400; forms and uploads as DRF's
    "DEFAULT_PARSER_CLASSES": [
        "marketplace.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.core.api.Pagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "marketplace.core.api.exception_handler",
    # Per client IP (anonymous) and per user, counted in the cache (Redis in production).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Makerspace marketplace API",
    "DESCRIPTION": "Catalogue, crowdfunding and innovation procurement of a city's makerspace programme.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc served from our origin: no CDN, CSP script-src 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # request bodies get their own components, so a required non-blank string is
    # documented with minLength 1 (what the API refuses with a 400)
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marketplace.core.schema.add_common_error_responses",
        "marketplace.core.schema.blank_is_an_alternative",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
