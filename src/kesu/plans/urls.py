from django.urls import path

from kesu.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("manage/", views.manage, name="manage"),
    path("generate/<str:username>/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/items/new/", views.item_new, name="item_new"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:item_id>/progress/", views.item_progress, name="item_progress"),
    path("retraining/", views.retraining, name="retraining"),
    path("retraining/all/", views.retraining_all, name="retraining_all"),
    path("retraining/<int:pk>/done/", views.retraining_done, name="retraining_done"),
]
