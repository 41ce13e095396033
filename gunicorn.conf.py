"""gunicorn settings (read automatically from the working directory)."""

# Two sync workers suit two cores (shared/docs/measured.md: gthread was slower here).
workers = 2
# Leave request-line and header limits to the app (and the reverse proxy), so that an overlong
# URL gets the app's JSON error instead of gunicorn's HTML page.
limit_request_line = 0
limit_request_field_size = 0
