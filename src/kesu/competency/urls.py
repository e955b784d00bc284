from django.urls import path

from kesu.competency import views

app_name = "competency"

urlpatterns = [
    path("growth/", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/<str:username>/", views.person, name="person"),
    path("people/<str:username>/rate/", views.rate, name="rate"),
    path("teams/<int:department_id>/", views.team, name="team"),
    path("organisation/", views.organisation, name="organisation"),
    path("model/", views.model_view, name="model"),
    path("model/draft/", views.draft_create, name="draft_create"),
    path("model/kpi-rules/", views.kpi_rules, name="kpi_rules"),
    path("model/kpi-rules/refresh/", views.desk_refresh, name="desk_refresh"),
    path("model/<int:number>/", views.model_view, name="model_version"),
    path("model/<int:number>/items/", views.item_create, name="item_create"),
    path("model/<int:number>/items/<str:code>/", views.item_save, name="item_save"),
    path("model/<int:number>/profiles/<str:code>/", views.profile_save, name="profile_save"),
    path("model/<int:number>/publish/", views.publish, name="publish"),
    path("model/<int:number>/discard/", views.discard, name="discard"),
]
