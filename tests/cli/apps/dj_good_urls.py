from cors_django import cors
from django.http import HttpResponse
from django.urls import include, path


@cors(origins=["https://partner.example.com"], allow_methods=["PUT"])
def partner(request):
    return HttpResponse("x")


urlpatterns = [path("api/", include([path("partner", partner)]))]
