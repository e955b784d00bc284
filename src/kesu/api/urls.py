"""URLconf of the API, included at "api/v1/" by kesu/urls.py. The namespace is the NinjaAPI's
``urls_namespace`` ("api-v1"), which ninja uses to reverse its own URLs (openapi.json for the docs)."""

from kesu.api.api import api

urlpatterns, _ninja_app_name, app_name = api.urls
