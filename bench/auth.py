"""Authentication costs: a sign-in (password check + session + tokens) and the per-request check of
a protected route (token verification, revocation look-up and rate limit in Redis, permission).

    .venv/bin/python -m bench.auth [--logins 30] [--requests 5000] [--redis redis://127.0.0.1:6379/0]

It runs the real services in-process on a temporary SQLite database and the given Redis.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=30)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    from shared_code.auth.authn import RequestAuthorizer
    from shared_code.auth.passwords import hash_password, verify_password
    from shared_code.auth.sessions import Client, login
    from shared_code.core import migrate
    from shared_code.core.bootstrap import Container
    from shared_code.core.http.request import ApiRequest, Headers
    from shared_code.core.seed import seed_defaults

    workdir = Path(tempfile.mkdtemp(prefix="pact-bench-"))
    database = f"sqlite:///{workdir / 'pact.db'}"
    migrate.upgrade(database)
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "correct horse battery staple 42"
    app = Container.from_environ(
        {
            "AzureWebJobsStorage": "UseDevelopmentStorage=true",
            "PACT_DATABASE_URL": database,
            "PACT_REDIS_URL": args.redis,
            "PACT_JWT_KEYS": f"bench:{uuid.uuid4().hex}{uuid.uuid4().hex}",
            "PACT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "PACT_ADMIN_EMAIL": email,
            "PACT_ADMIN_PASSWORD": password,
            "PACT_LOGIN_RATE_LIMIT_PER_IP": "1000000",
            "PACT_RATE_LIMIT_PER_USER": "1000000",
            "PACT_RATE_LIMIT_PER_IP": "1000000",
        }
    )
    seed_defaults(app, app.settings)
    with app.unit_of_work() as uow:  # the bench user signs in without MFA
        from shared_code.auth.models import Tenant

        for tenant in uow.session.query(Tenant):
            tenant.settings = {**tenant.settings, "mfa_required_roles": []}
        uow.commit()

    stored = hash_password(password)
    verify_samples = []
    for _ in range(args.logins):
        started = time.perf_counter()
        verify_password(password, stored)
        verify_samples.append(time.perf_counter() - started)

    login_samples, token = [], None
    for i in range(args.logins):
        started = time.perf_counter()
        pair = login(app, email=email, password=password, client=Client(ip=f"10.0.0.{i % 250}"))
        login_samples.append(time.perf_counter() - started)
        token = pair.access_token

    authorize = RequestAuthorizer(app)
    request = ApiRequest(
        "GET",
        "http://localhost/api/v1/accounts",
        Headers({"Authorization": f"Bearer {token}", "X-Forwarded-For": "10.1.1.1"}),
    )
    for _ in range(200):  # warm the connection pool and caches
        authorize(request, "accounts:read")
    auth_samples = []
    for _ in range(args.requests):
        started = time.perf_counter()
        authorize(request, "accounts:read")
        auth_samples.append(time.perf_counter() - started)
    app.close()

    def line(name: str, samples: list[float]) -> str:
        return (
            f"{name:<34} median {statistics.median(samples) * 1000:8.3f} ms   "
            f"p95 {_percentile(samples, 0.95) * 1000:8.3f} ms   n={len(samples)}"
        )

    print(line("argon2id verify alone", verify_samples))
    print(line("login (verify + session + tokens)", login_samples))
    print(line("authenticate + authorise request", auth_samples))


if __name__ == "__main__":
    main()
