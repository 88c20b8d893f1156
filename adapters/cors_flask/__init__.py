"""cors_flask: the flask adapter of cors_core (see docs/flask.md)."""
