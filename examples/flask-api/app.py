"""The Flask API of the original story: its dependencies come from the layer, not this zip."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "Bienvenido al servidor de Flask"
