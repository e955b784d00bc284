"""/academy/ itself: the home page with the tiles of every academy app (kesu.common.academy). The apps'
own pages live under it (kesu/urls.py); My growth is at /academy/growth/ (``competency:home``)."""

from django.urls import path

from kesu.common import views

app_name = "academy"

urlpatterns = [
    path("", views.academy_home, name="home"),
]
