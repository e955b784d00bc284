from django.urls import path

from kesu.roleplay import views

app_name = "roleplay"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.scenario_edit, name="new"),
    path("import/", views.scenario_import, name="import"),
    path("results/", views.results, name="results"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_room, name="join_room"),
    path("s/<str:code>/", views.scenario, name="scenario"),
    path("s/<str:code>/edit/", views.scenario_edit, name="edit"),
    path("s/<str:code>/export/", views.scenario_export, name="export"),
    path("s/<str:code>/active/", views.scenario_toggle, name="toggle"),
    path("s/<str:code>/start/", views.start, name="start"),
    path("s/<str:code>/drill/", views.drill_start, name="drill_start"),
    path("session/<int:session_id>/", views.session, name="session"),
    path("session/<int:session_id>/hint/", views.hint, name="hint"),
    path("session/<int:session_id>/stop/", views.abandon, name="abandon"),
    path("session/<int:session_id>/debrief/", views.debrief, name="debrief"),
    path("classroom/<int:session_id>/", views.classroom, name="classroom"),
    path("drill/<int:run_id>/", views.drill, name="drill"),
    path("drill/<int:run_id>/end/", views.drill_end, name="drill_end"),
]
