"""A real generation batch end to end: 1,000 accounts, a 2-page template, the `generate` queue worked on one core.

    .venv/bin/python -m bench.generation_batch [--accounts 1000] [--json results.json]

It builds a private world the way the tests do (a migrated SQLite database, a private Azurite, the local
Redis): a tenant, a two-page template uploaded and indexed through the app, its fields bound to account
data, a contract, and the accounts as its eligible candidates. It then creates the batch through the API
(`POST /batches`) and, in a child process pinned to one CPU, delivers every `generate` message to the
queue function exactly as the host would: values, fill, codes on every page, the PDF into Azurite and
the Document and Generation rows into the database, then the batch settled. It reports documents per
second over the whole drain and the worker process's peak resident memory (VmHWM), which includes the
app itself. `bench/generation.py` measures composing alone (no storage, no database).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path


def _environment(workdir: Path, storage: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "PACT_DATABASE_URL": f"sqlite:///{workdir / 'pact.db'}",
        "PACT_REDIS_URL": os.environ.get("PACT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "AzureWebJobsStorage": storage,
        "PACT_LOCAL_SETTINGS": "/nonexistent/local.settings.json",
        "PACT_JWT_KEYS": f"bench:{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "PACT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PACT_CODE_KEYS": "B:" + uuid.uuid4().hex + uuid.uuid4().hex,
        "PACT_RATE_LIMIT_PER_IP": "1000000000",
        "PACT_RATE_LIMIT_PER_USER": "1000000000",
        "PACT_LOG_LEVEL": "WARNING",
    }


def _drain(batch_id: str, result: multiprocessing.Queue) -> None:
    """The worker: one CPU, every message of the batch delivered in turn."""
    from shared_code.core.bootstrap import reset_container
    from shared_code.core.runtime import started_container
    from tests.generation.conftest import deliver, take_messages

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    reset_container()  # its own connections, not the parent's
    app = started_container()
    started = time.perf_counter()
    messages = take_messages(app, batch_id)
    for message in messages:
        deliver(message)
        app.queues.delete("generate", message)
    elapsed = time.perf_counter() - started
    peak_kib = next(
        int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")
    )
    result.put({"messages": len(messages), "seconds": elapsed, "peak_rss_mib": round(peak_kib / 1024, 1)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    from shared_code.core import migrate
    from shared_code.core.bootstrap import reset_container
    from shared_code.core.runtime import started_container
    from shared_code.generation.models import Generation
    from tests.generation.conftest import make_world
    from tests.support.api import caller, seed_tenant
    from tests.support.services import start_azurite

    workdir = Path(tempfile.mkdtemp(prefix="pact-bench-generation-"))
    azurite = start_azurite(workdir / "azurite")
    try:
        os.environ.update(_environment(workdir, azurite.connection_string))
        migrate.upgrade(os.environ["PACT_DATABASE_URL"])
        reset_container()
        app = started_container()
        tenant = seed_tenant(app)
        started = time.perf_counter()
        accounts = {f"Account {i:05}": {"contact_name": f"Contact {i}"} for i in range(args.accounts)}
        world = make_world(app, tenant, accounts=accounts)
        print(
            f"world: {args.accounts} accounts, template indexed, in {time.perf_counter() - started:.1f} s", flush=True
        )
        manager = caller(app, tenant.users["Manager"])
        reply = manager.post(
            "/batches",
            {
                "template_id": world.template_id,
                "contract_id": str(world.contract_id),
                "candidates": {"status": "eligible"},
                "delivery": "print",
            },
        )
        assert reply.status == 202, reply.body
        batch_id = reply.data["id"]

        context = multiprocessing.get_context("fork")
        result = context.Queue()
        worker = context.Process(target=_drain, args=(batch_id, result))
        worker.start()
        figures = result.get(timeout=3600)
        worker.join()
        detail = manager.get(f"/batches/{batch_id}").data
        with app.unit_of_work(tenant_id=tenant.id) as uow:
            import sqlalchemy as sa

            made = uow.session.scalar(
                sa.select(sa.func.count()).select_from(Generation).where(Generation.status == "generated")
            )
        figures.update(
            documents=made, status=detail["status"], documents_per_second=round(made / figures["seconds"], 1)
        )
        print(json.dumps(figures), flush=True)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
    finally:
        azurite.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
