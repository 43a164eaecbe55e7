"""Settings of the small project the rules' examples and the lessons run against.

SQLite in memory, Django's locmem cache as the default backend (the tests switch to
django-redis against a real redis-server where they need it), Wagtail with its API.
"""

import tempfile

SECRET_KEY = "wagcheck-examples"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
ROOT_URLCONF = "proj.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "taggit",
    "modelcluster",
    "wagtail",
    "wagtail.admin",
    "wagtail.users",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.api.v2",
    "wagtail.search",  # WAG014: the database search backend
    "apps.blog",
]
MIDDLEWARE = []
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="wagcheck-media-")
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
WAGTAIL_SITE_NAME = "wagcheck"
WAGTAILADMIN_BASE_URL = "http://localhost"
WAGTAILAPI_BASE_URL = "http://localhost"
REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"]}
