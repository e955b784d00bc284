"""Kesu's REST API (django-ninja), mounted at /api/v1/. One router module per context; handlers only
parse, call services/selectors and render. See docs/api.md."""
