"""A Flask app on cors_flask with nothing to refuse: check --flask exits 0."""

from cors_flask import CORS, cross_origin
from flask import Blueprint, Flask

app = Flask(__name__)
app.config["CORS_ORIGINS"] = ["https://app.example.com"]
app.config["CORS_HEADERS"] = "Content-Type"  # in many tutorials, read by no library: not reported
CORS(app, resources={r"/api/*": {"supports_credentials": True}})
partner = Blueprint("partner", __name__)
CORS(partner, origins=["https://partner.example.com"])


@partner.route("/report")
def report():
    return "x"


@app.route("/public")
@cross_origin(origins="*")
def public():
    return "x"


app.register_blueprint(partner, url_prefix="/partner")
