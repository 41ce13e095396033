"""The Blueprint every resource uses: webargs defers to each schema's `unknown` setting, so
unknown query parameters are refused like unknown body fields."""

import flask_smorest
from webargs.flaskparser import FlaskParser


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = FlaskParser(unknown=None)
