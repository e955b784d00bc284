from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from kesu.accounts.views import set_language

urlpatterns = [
    # First: integrations post here at hundreds of requests a second, and URL resolution walks the list.
    path("api/v1/", include("kesu.api.urls")),
    path("", include("kesu.complaints.urls")),
    path("c/", include("kesu.complaints.public_urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("kesu/favicon.svg"), permanent=True)),
    # The Academy home page (tiles) is /academy/ itself; the competency app's pages sit beside the others'.
    path("academy/", include("kesu.common.academy_urls")),
    path("academy/", include("kesu.competency.urls")),
    path("academy/courses/", include("kesu.training.urls")),
    path("academy/exams/", include("kesu.exams.urls")),
    path("academy/plans/", include("kesu.plans.urls")),
    path("academy/effect/", include("kesu.effectiveness.urls")),
    path("academy/wellbeing/", include("kesu.wellbeing.urls")),
    path("academy/roleplay/", include("kesu.roleplay.urls")),
]
