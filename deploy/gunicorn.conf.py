"""gunicorn settings of the dtbd web server (docs/deploy.md).

    gunicorn -c deploy/gunicorn.conf.py dtbd.wsgi:application

Every value can be overridden by an environment variable of the systemd unit / env file. Defaults fit a 2-core
machine that also runs PostgreSQL (measured in docs/benchmarks.md, "Registration rush"): a few processes (Python runs
one thread at a time per process) with a few threads each (a request mostly waits for PostgreSQL)."""
import multiprocessing
import os

# nginx on the same machine talks to 127.0.0.1:8001; on a separate app server bind the private address instead.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Each thread keeps one PostgreSQL connection (CONN_MAX_AGE=60): workers × threads per app server must fit in
# PostgreSQL's max_connections together with the job workers (or put PgBouncer in between).
backlog = 2048
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))  # long exports run as background jobs, not in requests
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (memory)
max_requests_jitter = 200
# Trust X-Forwarded-* only from nginx (set DTBD_BEHIND_PROXY=1 in the env file as well).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
proc_name = "dtbd-web"
preload_app = False  # each worker opens its own database connections
