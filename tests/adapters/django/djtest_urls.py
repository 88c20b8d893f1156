"""URLconf of the cors_django tests, with custom handler404/handler500 views."""

from __future__ import annotations

import djtest_views as views
from django.urls import path

urlpatterns = [
    path("", views.index),
    path("async/", views.async_view),
    path("unauthorized/", views.unauthorized),
    path("redirect/", views.redirect),
    path("own-headers/", views.own_headers),
    path("boom/", views.boom),
    path("async-boom/", views.async_boom),
    path("stream/", views.stream),
    path("api/items/", views.index),
    path("decorated/", views.decorated),
    path("async-decorated/", views.async_decorated),
    path("decorated-boom/", views.decorated_boom),
]

handler404 = "djtest_views.handler404"
handler500 = "djtest_views.handler500"
