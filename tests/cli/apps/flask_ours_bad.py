"""A small real app for the tests of check --flask/--django (see tests/cli/test_check_apps.py)."""

from cors_flask import CORS, cross_origin
from flask import Flask

app = Flask(__name__)
app.config["CORS_ORIGINS"] = "https://a.example.com,https://b.example.com"
app.config["CORS_SUPORTS_CREDENTIALS"] = True
CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com/"], "max_age": 10**6}})


@app.route("/v")
@cross_origin(origins="*", supports_credentials=True)
def v():
    return "x"


@app.route("/w")
@cross_origin(origins=["https://ok.example.com"], methds=["PUT"])
def w():
    return "x"


@app.route("/u")
@cross_origin()
def u():
    return "x"
