from django.urls import path

from kesu.exams import views

app_name = "exams"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("daily/", views.daily, name="daily"),
    path("e/<int:exam_id>/start/", views.start, name="start"),
    path("a/<int:attempt_id>/", views.take, name="take"),
    path("a/<int:attempt_id>/answer/", views.answer, name="answer"),
    path("a/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("a/<int:attempt_id>/result/", views.result, name="result"),
    path("bank/", views.bank, name="bank"),
    path("bank/new/", views.question_new, name="question_new"),
    path("bank/<int:pk>/", views.question_edit, name="question_edit"),
    path("bank/<int:pk>/status/", views.question_status, name="question_status"),
    path("blueprints/", views.blueprints, name="blueprints"),
    path("blueprints/new/", views.blueprint_edit, name="blueprint_new"),
    path("blueprints/<int:pk>/", views.blueprint_edit, name="blueprint_edit"),
    path("manage/", views.manage, name="manage"),
    path("grading/", views.grading_queue, name="grading"),
    path("grading/<int:attempt_id>/", views.grade, name="grade"),
]
