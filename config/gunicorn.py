"""gunicorn settings for `make serve` and production: `gunicorn -c config/gunicorn.py config.wsgi`.

Everything comes from the environment, like config/settings.py. The app keeps no local state
but an import preview's parse (IMPORT_STAGING_DIR, an hour at most), so any number of these can
run behind one proxy against one PostgreSQL once that directory is on a volume they share.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # an import of a large file takes a while
graceful_timeout = 30
max_requests, max_requests_jitter = 2000, 200  # recycle workers: bounded memory over weeks
# Which proxies may tell gunicorn the client's scheme (X-Forwarded-Proto); comma-separated.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # Django's request log (config/observability.py) writes one JSON line a request
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
