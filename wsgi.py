from api import create_app

app = create_app()
# For huey's own consumer: `huey_consumer wsgi.huey` (the same as `flask --app wsgi worker`).
huey = app.extensions["jobs"].huey
