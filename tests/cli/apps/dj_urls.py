"""A small real app for the tests of check --flask/--django (see tests/cli/test_check_apps.py)."""

from cors_django import cors
from django.http import HttpResponse
from django.urls import path


@cors(origins=["https://ok.example.com"])
def good(request):
    return HttpResponse("x")


@cors(origins="*", allow_credentials=True)
def bad(request):
    return HttpResponse("x")


@cors(origin=["https://ok.example.com"])
def typo(request):
    return HttpResponse("x")


urlpatterns = [path("good", good), path("bad", bad), path("typo", typo)]
