"""The production profile on this machine, for tests (docs/deploying.md, issue 19).

`production_profile(database_url)` brings up, each on a free loopback port with its own
temporary directory, what a city runs on several machines:

- Redis (Debian's `redis-server`): database 0 the cache, sessions and rate limits, database 1
  the task queue;
- an S3-compatible server (moto's server mode) with the public and the private bucket;
- an SMTP sink (aiosmtpd, in this process) that keeps every message it is given;
- `web` gunicorn processes, each its own master (as on separate machines), configured only from
  the environment, behind Debian's nginx running `deploy/nginx/sharehub.conf` with TLS (a
  self-signed certificate made here), so the documented configuration is the tested one;
- `workers` RQ workers (`manage.py rqworker`, django-tasks-rq's job class).

Everything is stopped when the block ends, also on failure. The database is the caller's: a
PostgreSQL test database whose rows the test commits (`django_db(transaction=True)`).
Reusable: `with production_profile(url) as stack:`, or the `production_stack` fixture, then
`stack.session()` (requests through nginx), `stack.manage(...)`, `stack.stop(name)`,
`stack.start_worker(name)`, `stack.wait_for(...)`.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from sharehub.core.tests.smtp import CollectingHandler, free_port

ROOT = Path(__file__).resolve().parents[3]
NGINX_SITE = ROOT / "deploy" / "nginx" / "sharehub.conf"
HOST = "sharehub.example.org"
START_SECONDS = 180  # a loaded 2-core machine starts Django slowly (kiwipiepy, every app)
PUBLIC_BUCKET = "sharehub-media"
PRIVATE_BUCKET = "sharehub-private"


def binary(name: str, *places: str) -> str | None:
    return shutil.which(name) or next((p for p in places if Path(p).exists()), None)


def require_binaries() -> dict[str, str]:
    """redis-server and nginx (`make prod-sysdeps` installs them): skip, saying so, without."""
    found = {
        "redis-server": binary("redis-server", "/usr/bin/redis-server"),
        "nginx": binary("nginx", "/usr/sbin/nginx"),
    }
    missing = [name for name, path in found.items() if path is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (make prod-sysdeps installs them)")
    return {name: str(path) for name, path in found.items()}


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for HOST, valid one day (the proxy's TLS is real, its trust is not)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def render_site(
    *, upstreams: list[int], http_port: int, https_port: int, cert: Path, key: Path, static: Path
) -> str:
    """deploy/nginx/sharehub.conf with this machine's ports and paths, nothing else changed."""
    text = NGINX_SITE.read_text()
    replacements = [
        (r"\n\s*listen \[::\]:\d+[^;]*;", ""),  # loopback only
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"ssl_certificate \S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};"),
        (r"alias /srv/sharehub/staticfiles/;", f"alias {static}/;"),
        (r"root /var/www/letsencrypt;", f"root {static};"),
    ]
    for pattern, new in replacements:
        text, count = re.subn(pattern, new, text)
        assert count, f"deploy/nginx/sharehub.conf no longer has {pattern!r}"
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams)
    text, count = re.subn(r"(    server 127\.0\.0\.1:\d+;\n)+", servers, text)
    assert count == 1, "deploy/nginx/sharehub.conf: the upstream's servers were not found"
    return text


def nginx_main(site: Path, tmp: Path) -> str:
    """The few lines /etc/nginx/nginx.conf gives a site, pointed at the temporary directory."""
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"  access_log {tmp}/access.log;\n"
        f"  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;\n"
        f"  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;\n"
        f"  include {site};\n"
        "}\n"
    )


@dataclass
class Stack:
    tmp: Path
    env: dict[str, str]
    https_port: int
    http_port: int
    redis_url: str
    s3_endpoint: str
    mail: CollectingHandler
    web_ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def session(self) -> Any:
        """A requests session to the proxy over TLS, as a browser at https://HOST: it trusts
        the proxy's certificate and nothing from the environment (no proxy, no CA bundle)."""
        import requests

        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.tmp / "cert.pem")
        session.headers.update({"Host": HOST, "Accept-Language": "en"})
        return session

    def s3(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        with (self.tmp / f"{name}.log").open("ab") as log:
            # A session of its own: when a process must be killed, its children go with it (a
            # gunicorn master killed alone left its worker running, holding the test database).
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def manage(self, *args: str, timeout: float = 180) -> str:
        """manage.py with the production environment (a shell command on a machine of the city)."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start_web(self, name: str) -> None:
        """A gunicorn master; started again under its name, it takes its old port (nginx's)."""
        port = self.web_ports.get(name) or free_port()
        self.web_ports[name] = port
        self.spawn(
            name,
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "sharehub.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                # As deploy/systemd runs it: idle connections outlive nginx's (60 s), or nginx reuses
                # one gunicorn just closed and takes the reset for a dead upstream (a 502 storm).
                "--keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
        )

    def start_worker(self, name: str) -> None:
        self.spawn(
            name,
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "default",
                "--job-class",
                "django_tasks_rq.Job",
                "--name",
                name,
            ],
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _kill_group(process)

    def stop_all(self) -> None:
        """The proxy first (its kept-alive connections would hold gunicorn's graceful stop), then
        everything else at once."""
        self.stop("nginx")
        running = [(name, self.processes.pop(name)) for name in reversed(list(self.processes))]
        for name, process in running:
            if process.poll() is None:
                # gunicorn's quick shutdown (SIGTERM waits up to its graceful timeout); RQ's warm
                # shutdown, which a second signal turns cold (the test's jobs are done by now).
                process.send_signal(signal.SIGINT if name.startswith("web") else signal.SIGTERM)
        for name, process in running:
            if name.startswith("worker") and process.poll() is None:
                time.sleep(1)
                process.send_signal(signal.SIGTERM)
        for _, process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill_group(process)

    def wait_for(self, ready: Callable[[], Any], what: str, timeout: float = START_SECONDS) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(f"{name} exited ({process.returncode}):\n{self.log(name)}")
            try:
                if value := ready():
                    return value
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {timeout:.0f} s")
            time.sleep(0.2)

    def web_ready(self, port: int) -> bool:
        answer = self.session().get(
            f"http://127.0.0.1:{port}/health/",
            headers={"Host": HOST, "X-Forwarded-Proto": "https"},
            timeout=5,
        )
        return answer.status_code == 200

    def workers_ready(self, count: int) -> bool:
        from redis import Redis
        from rq import Worker

        return len(Worker.all(connection=Redis.from_url(self.env["SHAREHUB_RQ_URL"]))) >= count


def child_env(
    tmp: Path, *, database_url: str, redis_port: int, s3_port: int, smtp_port: int
) -> dict[str, str]:
    """The production profile, configured only from the environment (deploy/systemd/sharehub.env)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SHAREHUB_", "DATABASE_URL", "REDIS_URL", "AWS_", "PYTEST"))
    }
    # The replica is the primary under another name: the router's choices are what is tested.
    replica = (
        f"{database_url}{'&' if '?' in database_url else '?'}application_name=sharehub-replica"
    )
    env.update(
        DJANGO_SETTINGS_MODULE="sharehub.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database_url,
        SHAREHUB_DATABASE_REPLICA_URLS=replica,
        SHAREHUB_SECRET_KEY="production-profile-test-secret-key-not-for-any-real-use",
        SHAREHUB_ALLOWED_HOSTS=HOST,
        SHAREHUB_CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        SHAREHUB_SITE_URL=f"https://{HOST}",
        SHAREHUB_HTTPS="1",
        SHAREHUB_VAR_DIR=str(tmp / "var"),
        SHAREHUB_STATIC_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        SHAREHUB_TASKS_BACKEND="django_tasks_rq.RQBackend",
        SHAREHUB_RQ_URL=f"redis://127.0.0.1:{redis_port}/1",
        SHAREHUB_S3_BUCKET=PUBLIC_BUCKET,
        SHAREHUB_S3_PRIVATE_BUCKET=PRIVATE_BUCKET,
        SHAREHUB_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
        SHAREHUB_S3_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        SHAREHUB_SMTP_HOST="127.0.0.1",
        SHAREHUB_SMTP_PORT=str(smtp_port),
        SHAREHUB_SMTP_TLS="0",
        SHAREHUB_NEWSLETTER_RATE="0",
        SHAREHUB_LOG_LEVEL="WARNING",
    )
    return env


@contextmanager
def production_profile(database_url: str, *, web: int = 2, workers: int = 2) -> Iterator[Stack]:
    binaries = require_binaries()
    with ExitStack() as cleanup:
        tmp = Path(cleanup.enter_context(_temporary_directory()))
        mail = CollectingHandler()
        smtp = Controller(mail, hostname="127.0.0.1", port=free_port())
        smtp.start()
        cleanup.callback(smtp.stop)
        redis_port, s3_port = free_port(), free_port()
        stack = Stack(
            tmp=tmp,
            env=child_env(
                tmp,
                database_url=database_url,
                redis_port=redis_port,
                s3_port=s3_port,
                smtp_port=smtp.port,
            ),
            https_port=free_port(),
            http_port=free_port(),
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
            s3_endpoint=f"http://127.0.0.1:{s3_port}",
            mail=mail,
        )
        cleanup.callback(stack.stop_all)
        (tmp / "redis").mkdir()
        stack.spawn(
            "redis",
            [
                binaries["redis-server"],
                "--bind",
                "127.0.0.1",
                "--port",
                str(redis_port),
                "--dir",
                str(tmp / "redis"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        stack.spawn(
            "s3",
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
        )
        for n in range(1, web + 1):
            stack.start_web(f"web{n}")
        for n in range(1, workers + 1):
            stack.start_worker(f"worker{n}")
        stack.wait_for(lambda: _s3_ready(stack), "the S3 server")
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            stack.s3().create_bucket(Bucket=bucket)
        static = tmp / "static"
        static.mkdir()
        cert, key = self_signed(tmp)
        site = tmp / "sharehub.conf"
        site.write_text(
            render_site(
                upstreams=list(stack.web_ports.values()),
                http_port=stack.http_port,
                https_port=stack.https_port,
                cert=cert,
                key=key,
                static=static,
            )
        )
        (tmp / "nginx.conf").write_text(nginx_main(site, tmp))
        stack.spawn(
            "nginx",
            [binaries["nginx"], "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
        )
        for port in stack.web_ports.values():
            stack.wait_for(lambda port=port: stack.web_ready(port), f"gunicorn on {port}")
        stack.wait_for(lambda: stack.workers_ready(workers), f"{workers} RQ workers")
        yield stack


def _kill_group(process: subprocess.Popen) -> None:
    """Kill a process that would not stop, with every process it started (its session)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@contextmanager
def _temporary_directory() -> Iterator[str]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sharehub-production-") as tmp:
        os.chmod(tmp, 0o755)
        yield tmp


def _s3_ready(stack: Stack) -> bool:
    from botocore.exceptions import BotoCoreError

    try:
        stack.s3().list_buckets()
    except BotoCoreError:
        return False
    return True


@pytest.fixture(scope="module")
def production_stack(django_db_setup, django_db_blocker) -> Iterator[Stack]:
    """The profile on the test run's PostgreSQL database, once per module (its tests commit their
    rows: `django_db(transaction=True)`). Skipped on SQLite: one file cannot be the database of
    several machines."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("the production profile runs on PostgreSQL")
        settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
        f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    with production_profile(url) as stack:
        yield stack
