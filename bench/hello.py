"""The ceiling: a plain Flask app that answers "ok", served like the real one."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"
