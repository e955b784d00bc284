from django.urls import path

from kesu.training import views

app_name = "training"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.course_new, name="course_new"),
    path("c/<str:code>/", views.course_detail, name="course_detail"),
    path("c/<str:code>/edit/", views.course_edit, name="course_edit"),
    path("c/<str:code>/status/", views.course_status, name="course_status"),
    path("c/<str:code>/modules/new/", views.module_new, name="module_new"),
    path("c/<str:code>/sessions/new/", views.session_new, name="session_new"),
    path("modules/<int:pk>/", views.module_read, name="module_read"),
    path("modules/<int:pk>/done/", views.module_done, name="module_done"),
    path("modules/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path("modules/<int:pk>/delete/", views.module_delete, name="module_delete"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/status/", views.session_status, name="session_status"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("mentoring/", views.mentoring, name="mentoring"),
    path("mentoring/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("checkins/<int:pk>/log/", views.checkin_log, name="checkin_log"),
    path("records/", views.records_me, name="records_me"),
    path("records/<int:pk>/", views.records_person, name="records_person"),
    path("records/<int:pk>/export.xlsx", views.records_xlsx, name="records_xlsx"),
    path("records/<int:pk>/export.pdf", views.records_pdf, name="records_pdf"),
    path("coverage/", views.coverage, name="coverage"),
]
