"""The customer's pages, no login. Included at "c/" in kesu/urls.py."""

from django.urls import path

from kesu.complaints.views import public

app_name = "public"
urlpatterns = [
    path("new/", public.complaint_form, name="form"),
    path("new/done/", public.complaint_done, name="done"),
    path("status/", public.status, name="status"),
]
