from django.urls import path

from kesu.effectiveness import views

app_name = "effectiveness"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("review/", views.review, name="review"),
    path("performance/", views.performance, name="performance"),
    path("performance/export.xlsx", views.performance_export, name="performance_export"),
    path("recognitions/", views.recognise, name="recognise"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/<str:session_ref>/", views.survey, name="survey"),
]
