"""The Blueprint every resource uses: webargs defers to each schema's `unknown` setting, so
unknown query parameters are refused like unknown body fields."""

import flask_smorest
from webargs.flaskparser import FlaskParser


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = FlaskParser(unknown=None)

    def arguments(self, schema, **kwargs):
        # webargs builds a new schema from a class on every request; one instance serves all.
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)
