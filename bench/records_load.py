"""The accounts API under load: 100,000 accounts and 20,000 documents in PostgreSQL, 100 concurrent clients.

    .venv/bin/python -m bench.records_load [--accounts 100000] [--documents 20000] [--clients 1,10,100]
        [--duration 20] [--warmup 3] [--think 0] [--runs 50] [--json results.json] [--keep]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/0]

It creates a scratch database, migrates it, bulk-loads one tenant's accounts (names, member numbers,
GLN/HIN/DEA, cities and states, health-system hierarchy) and document rows (no files) with COPY, then
VACUUM ANALYZE. First it times each query in-process (the use case alone: database round trips,
the ORM and the API model), with EXPLAIN ANALYZE of the statements it sends; then it starts the real
app under devhost (with Azurite and the local Redis) and drives it with closed-loop clients (each
sends its next request when the last answer arrives; `--think` adds pauses) over four scenarios in
turn: list, filter, search and get. `--clients 1,10,100` runs each scenario at each level. It reports
throughput, latency percentiles and the CPU each part used. Results go to docs/PERFORMANCE.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import shutil
import statistics
import string
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

SEARCH_TERMS = ("mercy", "omaha", "pediatrics", "M-00042", "lincoln", "pharmacy", "st. luke", "cardiology")
SCENARIOS: dict[str, Callable[[random.Random, list[str]], str]] = {
    "list": lambda rng, ids: "/accounts?page_size=50&sort=name",
    "filter": lambda rng, ids: "/accounts?status=inactive&state=NE",
    "search": lambda rng, ids: f"/accounts?q={rng.choice(SEARCH_TERMS).replace(' ', '+')}",
    "get": lambda rng, ids: f"/accounts/{rng.choice(ids)}",
}
DOCUMENT_STATUSES = (("completed", 60), ("uploaded", 15), ("review", 10), ("archived", 10), ("failed", 5))
ACCOUNT_STATUSES = (("active", 80), ("inactive", 12), ("prospect", 8))


# -- data ----------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def account_rows(tenant_id: uuid.UUID, count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Accounts as a group purchasing organisation holds them: one in fifty a health system, a third
    of the rest under one of those, the others independent."""
    from shared_code.accounts import demo_catalogue as words

    now = datetime.now(UTC)
    systems: list[uuid.UUID] = []
    for i in range(count):
        city = rng.choice(words.CITIES)
        last, street = rng.choice(words.LAST_NAMES), rng.choice(words.STREETS)
        if i % 50 == 0:
            kind, name, parent = "health_system", f"{last} {city.name} Health System", None
        else:
            kind, pattern = rng.choice(words.INDEPENDENT_PATTERNS + words.SITE_PATTERNS)
            if rng.random() < 0.3:
                kind, pattern = "hospital", rng.choice(words.HOSPITAL_PATTERNS)
            name = pattern.format(system=last, saint=rng.choice(words.SAINTS), city=city.name, short=last,
                                  place=street.split()[0], last=last, last2=rng.choice(words.LAST_NAMES),
                                  street=street.split()[0])
            parent = rng.choice(systems) if systems and rng.random() < 0.35 else None
        created = now - timedelta(days=rng.uniform(0, 3 * 365))
        row_id = uuid.uuid4()
        if kind == "health_system":
            systems.append(row_id)
        first = rng.choice(words.FIRST_NAMES)
        yield {
            "id": row_id, "tenantId": tenant_id, "name": name[:200], "number": f"M-{i:07d}",
            "gln": f"0614141{i:06d}", "hin": "".join(rng.choices(string.ascii_uppercase + string.digits, k=9)),
            "dea": f"B{last[0]}{rng.randrange(10**7):07d}" if kind in ("pharmacy", "hospital") else None,
            "accountType": kind, "status": _weighted(rng, ACCOUNT_STATUSES), "parentId": parent,
            "addressLine1": f"{rng.randint(1, 9999)} {street}", "addressLine2": None, "city": city.name,
            "state": city.state, "postalCode": city.postal_code, "country": "US",
            "contactName": f"{first} {last}", "contactEmail": f"{first.lower()}.{last.lower()}@example.org",
            "phone": f"({city.area_code}) 555-01{rng.randint(0, 99):02d}",
            "createdAt": created, "updatedAt": created + timedelta(days=rng.uniform(0, 30)),
            "createdBy": None, "updatedBy": None, "deletedAt": None, "deletedBy": None, "version": 1,
        }


def document_rows(tenant_id: uuid.UUID, accounts: list[tuple[uuid.UUID, str]], count: int,
                  rng: random.Random) -> Iterator[dict[str, Any]]:
    from shared_code.core.reference import DOCUMENT_TYPES

    now = datetime.now(UTC)
    for _ in range(count):
        account_id, number = rng.choice(accounts)
        kind = rng.choice(DOCUMENT_TYPES)
        row_id, created = uuid.uuid4(), now - timedelta(days=rng.uniform(0, 2 * 365))
        yield {
            "id": row_id, "tenantId": tenant_id, "title": f"{kind.name} {number}",
            "fileName": f"{kind.code}_{number}.pdf", "container": "documents", "blobName": f"{tenant_id}/{row_id}.pdf",
            "contentType": "application/pdf", "sizeBytes": rng.randint(40_000, 4_000_000),
            "sha256": hashlib.sha256(row_id.bytes).hexdigest(), "pageCount": rng.randint(1, 12),
            "status": _weighted(rng, DOCUMENT_STATUSES), "documentType": kind.code, "accountId": account_id,
            "contractId": None, "templateId": None, "generationId": None, "thumbnailBlob": None,
            "description": None, "attributes": "{}", "createdAt": created, "updatedAt": created,
            "createdBy": None, "updatedBy": None, "deletedAt": None, "deletedBy": None, "version": 1,
        }


def copy_rows(engine, table, rows: Iterator[dict[str, Any]]) -> int:
    """COPY `rows` into `table` (one transaction); returns how many."""
    columns = [column.name for column in table.columns]
    target = f'"{table.schema}"."{table.name}"'
    names = ", ".join(f'"{name}"' for name in columns)
    count = 0
    with contextlib.closing(engine.raw_connection()) as raw:
        connection = raw.driver_connection
        with connection.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
                count += 1
        connection.commit()
    return count


# -- the database alone ----------------------------------------------------------------------------


@dataclass
class InProcess:
    scenario: str
    median_ms: float
    p95_ms: float
    database_ms: float  # median time inside cursor.execute (round trips included), per call
    statements: int
    explain: list[dict[str, Any]] = field(default_factory=list)  # per statement: execution ms, plan


def measure_in_process(app, tenant_id: uuid.UUID, actor_id: uuid.UUID, ids: list[str], *, runs: int,
                       rng: random.Random) -> list[InProcess]:
    """Each scenario's use case called directly, `runs` times in a row (one thread, no HTTP, no auth)."""
    from sqlalchemy import event

    from shared_code.accounts.resources import ACCOUNTS
    from shared_code.core.resources import get_record, list_records

    captured: list[tuple[str, Any, float]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters, time.perf_counter() - conn.info.pop("bench_started")))

    event.listen(app.engine, "before_cursor_execute", before)
    event.listen(app.engine, "after_cursor_execute", after)
    results = []
    try:
        for scenario, path_for in SCENARIOS.items():
            totals, database, last = [], [], []
            for _ in range(runs):
                path = path_for(rng, ids)
                captured.clear()
                started = time.perf_counter()
                with app.unit_of_work(tenant_id=tenant_id, actor_id=actor_id) as uow:
                    if scenario == "get":
                        rows = [get_record(uow.session, ACCOUNTS, uuid.UUID(path.rsplit("/", 1)[1]))]
                    else:
                        query = ACCOUNTS.query.model_validate(_query_of(path))
                        rows, _ = list_records(uow.session, ACCOUNTS, query)
                    [ACCOUNTS.public.model_validate(row, from_attributes=True).model_dump_json() for row in rows]
                totals.append(time.perf_counter() - started)
                database.append(sum(seconds for _, _, seconds in captured))
                last = list(captured)
            explain = [_explain(app.engine, statement, parameters) for statement, parameters, _ in last
                       if statement.lstrip().upper().startswith("SELECT")]
            results.append(InProcess(scenario, _ms(statistics.median(totals)), _ms(_percentile(totals, 0.95)),
                                     _ms(statistics.median(database)), len(last), explain))
    finally:
        event.remove(app.engine, "before_cursor_execute", before)
        event.remove(app.engine, "after_cursor_execute", after)
    return results


def _query_of(path: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(path).query))


def _explain(engine, statement: str, parameters: Any) -> dict[str, Any]:
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters).scalar()
    top = plan[0]
    return {"sql": " ".join(statement.split())[:160], "execution_ms": round(top["Execution Time"], 2),
            "plan": sorted(set(_plan_nodes(top["Plan"])))}


def _plan_nodes(node: dict[str, Any]) -> Iterator[str]:
    label = node["Node Type"]
    if "Index Name" in node:
        label += f" {node['Index Name']}"
    elif "Relation Name" in node:
        label += f" {node['Relation Name']}"
    yield label
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


# -- over HTTP -----------------------------------------------------------------------------------


@dataclass
class LoadResult:
    scenario: str
    clients: int
    seconds: float
    requests: int
    errors: int
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    cpu: dict[str, float]  # cores each part used while measuring (2.0 = both of this machine's)
    database_connections: int  # PostgreSQL backends of the app seen while measuring (pool churn shows here)


async def drive(base: str, token: str, ids: list[str], *, clients: int, duration: float, warmup: float,
                think: float, seed: int, meter: Meter) -> list[LoadResult]:
    """Each scenario in turn: `clients` clients, each on its own keep-alive connection (opened once, for
    every scenario), a warm-up, then `duration` measured seconds. A client sends its next request when
    the last answer arrives, after a random pause averaging `think` seconds (0: none, the most load)."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=clients)
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    async with aiohttp.ClientSession(base_url=base, connector=connector, headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=60)) as session:
        for scenario, path_for in SCENARIOS.items():
            await _clients(session, path_for, ids, clients=clients, seconds=warmup, think=think, seed=seed)
            meter.start()
            started = time.perf_counter()
            latencies, errors = await _clients(session, path_for, ids, clients=clients, seconds=duration, think=think,
                                               seed=seed)
            elapsed = time.perf_counter() - started
            cpu, connections = meter.stop(elapsed)
            results.append(LoadResult(
                scenario, clients, round(elapsed, 1), len(latencies), errors, round(len(latencies) / elapsed, 1),
                _ms(_percentile(latencies, 0.50)), _ms(_percentile(latencies, 0.95)),
                _ms(_percentile(latencies, 0.99)), _ms(max(latencies)), cpu, connections))
    return results


async def _clients(session, path_for: Callable[[random.Random, list[str]], str], ids: list[str], *, clients: int,
                   seconds: float, think: float, seed: int) -> tuple[list[float], int]:
    """Run `clients` clients for `seconds`; every request's latency, and how many failed (not a 200)."""
    import aiohttp

    until = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0

    async def client(number: int) -> None:
        nonlocal errors
        rng = random.Random(seed * 1000 + number)
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                async with session.get(path_for(rng, ids).lstrip("/")) as response:
                    await response.read()
                    errors += response.status != 200
            except (aiohttp.ClientError, TimeoutError):
                errors += 1
            latencies.append(time.perf_counter() - started)
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))

    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, errors


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process, from /proc (None once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """CPU used by devhost, PostgreSQL (the app's backends), this client, and the whole machine.

    The app's connection pool closes and opens backends under load, so a thread samples them every
    0.2 s and keeps the last reading of each: a backend that exits loses at most its last 0.2 s.
    """

    def __init__(self, devhost_pid: int, backend_pids: Callable[[], list[int]]) -> None:
        import threading

        self._devhost, self._backend_pids = devhost_pid, backend_pids
        self._stop = threading.Event()
        self._thread: Any = None
        self._threading = threading

    def _sample_backends(self, first: dict[int, float], last: dict[int, float]) -> None:
        while not self._stop.is_set():
            for pid in self._backend_pids():
                seconds = _cpu_seconds(pid)
                if seconds is not None:
                    first.setdefault(pid, seconds if not last else 0.0)  # a backend born while measuring: 0
                    last[pid] = seconds
            self._stop.wait(0.2)

    def start(self) -> None:
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        for pid in self._backend_pids():  # the baseline: the backends that exist now
            seconds = _cpu_seconds(pid)
            if seconds is not None:
                self._first[pid] = self._last[pid] = seconds
        self._before = self._totals()
        self._stop.clear()
        self._thread = self._threading.Thread(target=self._sample_backends, args=(self._first, self._last),
                                              daemon=True)
        self._thread.start()

    def stop(self, elapsed: float) -> tuple[dict[str, float], int]:
        after = self._totals()
        self._stop.set()
        self._thread.join()
        used = {name: (after[name] - self._before[name]) / elapsed for name in after}
        used["postgres"] = sum(self._last[pid] - self._first[pid] for pid in self._last) / elapsed
        return {name: round(value, 2) for name, value in used.items()}, len(self._last)

    def _totals(self) -> dict[str, float]:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return {
            "devhost": _cpu_seconds(self._devhost) or 0.0,
            "client": time.process_time(),
            # everything that ran, ours included (Redis, Azurite, anything else on the machine)
            "machine": (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK"),
        }


# -- putting it together ---------------------------------------------------------------------------


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _devhost_pid() -> int:
    """The pid of the devhost this process started."""
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                if b"devhost" in (entry / "cmdline").read_bytes():
                    return int(entry.name)
    raise RuntimeError("devhost is not running")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--clients", default="1,10,100", help="concurrent clients; a comma-separated list runs each")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each scenario")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a client's requests, seconds")
    parser.add_argument("--runs", type=int, default=50, help="in-process calls per scenario")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and devhost's log")
    args = parser.parse_args()

    import sqlalchemy as sa
    from pydantic import SecretStr

    from shared_code.accounts.models import Account
    from shared_code.auth.models import User
    from shared_code.auth.permissions import ALL_CODES
    from shared_code.auth.tokens import KeyRing, issue_token
    from shared_code.core import migrate
    from shared_code.core.bootstrap import Container
    from shared_code.core.seed import seed_defaults
    from shared_code.documents.models import Document
    from tests.support.devhost import running_devhost
    from tests.support.services import start_azurite

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="pact-bench-records-"))
    name = f"pact_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = args.pg.rsplit("/", 1)[0] + f"/{name}"
    environ = {
        "PACT_DATABASE_URL": url, "PACT_REDIS_URL": args.redis, "PACT_LOG_FORMAT": "json",
        "PACT_LOCAL_SETTINGS": "/nonexistent/local.settings.json",
        "PACT_JWT_KEYS": f"bench:{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "PACT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PACT_ADMIN_EMAIL": f"bench-{uuid.uuid4().hex[:8]}@example.com",
        "PACT_ADMIN_PASSWORD": "correct horse battery staple 42",
        # 100 clients from one address and one user: the per-minute limits would answer 429.
        "PACT_RATE_LIMIT_PER_IP": "1000000000", "PACT_RATE_LIMIT_PER_USER": "1000000000",
    }
    azurite = None
    try:
        started = time.perf_counter()
        migrate.upgrade(url)
        app = Container.from_environ({**environ, "AzureWebJobsStorage": "UseDevelopmentStorage=true"})
        tenant_id = seed_defaults(app, app.settings).tenant_id
        with app.unit_of_work() as uow:
            actor_id = uow.session.scalars(sa.select(User.id).where(User.email == environ["PACT_ADMIN_EMAIL"])).one()
        print(f"migrated and seeded in {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        accounts = list(account_rows(tenant_id, args.accounts, rng))
        copy_rows(app.engine, Account.__table__, iter(accounts))
        pairs = [(row["id"], row["number"]) for row in accounts]
        copy_rows(app.engine, Document.__table__, document_rows(tenant_id, pairs, args.documents, rng))
        with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql('VACUUM (ANALYZE) acs."Account"')
            connection.exec_driver_sql('VACUUM (ANALYZE) doc."Document"')
        ids = [str(row["id"]) for row in rng.sample(accounts, min(10_000, len(accounts)))]
        print(f"loaded {len(accounts):,} accounts and {args.documents:,} documents with COPY, then VACUUM ANALYZE, "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        del accounts, pairs

        in_process = measure_in_process(app, tenant_id, actor_id, ids, runs=args.runs, rng=rng)
        for result in in_process:
            print(f"in-process {result.scenario:7} median {result.median_ms} ms (database {result.database_ms} ms, "
                  f"{result.statements} statements) p95 {result.p95_ms} ms", flush=True)
            for step in result.explain:
                print(f"    EXPLAIN ANALYZE {step['execution_ms']} ms: {', '.join(step['plan'])}", flush=True)
        app.close()

        token = issue_token(KeyRing.from_setting(SecretStr(environ["PACT_JWT_KEYS"])), user_id=actor_id,
                            tenant_id=tenant_id, ttl=timedelta(hours=2), permissions=frozenset(ALL_CODES))[0]
        azurite = start_azurite(workdir / "azurite")
        environ["AzureWebJobsStorage"] = azurite.connection_string
        postgres = sa.create_engine(args.pg, poolclass=sa.pool.NullPool)

        def backends() -> list[int]:
            with postgres.connect() as connection:
                return list(connection.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :n"),
                                               {"n": name}).scalars())

        loads: list[LoadResult] = []
        with running_devhost(environ, log_path=workdir / "devhost.log") as base:
            meter = Meter(_devhost_pid(), backends)
            for clients in (int(n) for n in args.clients.split(",")):
                for result in asyncio.run(drive(f"{base}/api/v1/", token, ids, clients=clients,
                                                duration=args.duration, warmup=args.warmup, think=args.think,
                                                seed=args.seed, meter=meter)):
                    loads.append(result)
                    print(f"{result.scenario:7} {clients:4} clients: {result.throughput:7.1f} req/s"
                          f"  p50 {result.p50_ms:7.1f}  p95 {result.p95_ms:7.1f}  p99 {result.p99_ms:7.1f} ms"
                          f"  errors {result.errors}  cpu {result.cpu}  backends {result.database_connections}",
                          flush=True)
        postgres.dispose()
        if args.json:
            args.json.write_text(json.dumps({"in_process": [asdict(r) for r in in_process],
                                             "load": [asdict(r) for r in loads]}, indent=2, default=str))
    finally:
        if azurite:
            azurite.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
