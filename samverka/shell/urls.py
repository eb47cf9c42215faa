from django.urls import path

from samverka.shell import views

app_name = "core"
urlpatterns = [path("", views.home, name="home")]
