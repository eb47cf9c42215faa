from django.urls import path

from samverka.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("ny/", views.actor_add, name="actor_add"),
    path("inbjudan/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/medlemmar/lagg-till/", views.member_add, name="member_add"),
    path("<slug:slug>/medlemmar/<int:pk>/", views.member_change, name="member_change"),
    path("<slug:slug>/medlemmar/<int:pk>/ta-bort/", views.member_remove, name="member_remove"),
]
