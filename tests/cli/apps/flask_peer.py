"""A small real app for the tests of check --flask/--django (see tests/cli/test_check_apps.py)."""

from flask import Flask
from flask_cors import CORS, cross_origin

app = Flask(__name__)
CORS(app, supports_credentials=True)


@app.route("/r")
@cross_origin(origins=[r"https://.*.example.com"])
def r():
    return "x"
