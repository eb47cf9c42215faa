from django.urls import path

from samverka.est import views

app_name = "est"
urlpatterns = [
    path("", views.report, name="report"),
    path("sw.js", views.worker, name="worker"),
    path("mina/", views.mine, name="mine"),
    path("rapport/<int:pk>/", views.edit, name="edit"),
    path("granska/", views.review, name="review"),
    path("iakttagelse/<int:pk>/", views.observation, name="observation"),
]
