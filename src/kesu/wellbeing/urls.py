from django.urls import path

from kesu.wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("diary/", views.diary_home, name="diary"),
    path("diary/new/", views.diary_new, name="diary_new"),
    path("diary/<int:entry_id>/edit/", views.diary_edit, name="diary_edit"),
    path("diary/<int:entry_id>/delete/", views.diary_delete, name="diary_delete"),
    path("diary/checkin/<int:suggestion_id>/dismiss/", views.checkin_dismiss, name="checkin_dismiss"),
    path("checkin/", views.checkin_guide, name="checkin_guide"),
    path("team/", views.team_trends, name="team"),
    path("surveys/", views.surveys_mine, name="surveys"),
    path("surveys/<int:survey_id>/", views.survey_answer, name="survey_answer"),
    path("surveys/manage/", views.manage_list, name="manage_list"),
    path("surveys/manage/new/", views.manage_new, name="manage_new"),
    path("surveys/manage/<int:survey_id>/", views.manage_detail, name="manage_detail"),
    path(
        "surveys/manage/<int:survey_id>/questions/<int:question_id>/delete/",
        views.manage_question_delete,
        name="manage_question_delete",
    ),
    path(
        "surveys/manage/<int:survey_id>/questions/<int:question_id>/<str:direction>/",
        views.manage_question_move,
        name="manage_question_move",
    ),
    path("surveys/manage/<int:survey_id>/send/", views.manage_send, name="manage_send"),
    path("surveys/manage/<int:survey_id>/close/", views.manage_close, name="manage_close"),
    path("surveys/manage/<int:survey_id>/delete/", views.manage_delete, name="manage_delete"),
    path("surveys/manage/<int:survey_id>/results/", views.manage_results, name="manage_results"),
    path("surveys/manage/<int:survey_id>/results.xlsx", views.manage_export, name="manage_export"),
]
