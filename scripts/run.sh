#!/usr/bin/env bash
# Set up and run PACT locally: Azurite (data under .pact/), the SQLite database migrated and seeded
# with an admin and demo data, and devhost serving the Functions app and the web UI on one origin.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh run
[ -f local.settings.json ] || { cp local.settings.example.json local.settings.json; echo "run: wrote local.settings.json"; }
# Local secrets: generated once into local.settings.json (never committed), so sign-in sessions and
# MFA secrets survive restarts.
.venv/bin/python - <<'PY'
import base64, json, secrets
path = "local.settings.json"
settings = json.load(open(path))
values = settings.setdefault("Values", {})
changed = False
if not values.get("PACT_JWT_KEYS"):
    values["PACT_JWT_KEYS"] = f"local-{secrets.token_hex(3)}:{secrets.token_urlsafe(48)}"
    changed = True
if not values.get("PACT_ENCRYPTION_KEY"):
    values["PACT_ENCRYPTION_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    changed = True
if not values.get("PACT_CODE_KEYS"):  # the kid is one character, printed in every page code
    values["PACT_CODE_KEYS"] = f"{secrets.choice('0123456789ABCDEFGHJKMNPQRSTVWXYZ')}:{secrets.token_urlsafe(48)}"
    changed = True
if changed:
    with open(path, "w") as handle:
        json.dump(settings, handle, indent=2)
    print("run: generated local signing and encryption keys in local.settings.json")
PY
mkdir -p .pact/azurite

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

children=()
cleanup() { for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if port_open 10000 && port_open 10001; then
  echo "run: using the Azurite already listening on 10000/10001"
else
  echo "run: starting Azurite (data in .pact/azurite, log in .pact/azurite.log)"
  node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --location .pact/azurite \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .pact/azurite.log 2>&1 &
  children+=($!)
  for _ in $(seq 100); do port_open 10000 && port_open 10001 && break; sleep 0.1; done
fi

# Large uploads go from the browser straight to Azurite: allow the web's origin to PUT there (CORS).
port=${PACT_PORT:-7071}
.venv/bin/pact storage cors --origin "http://127.0.0.1:${port}" --origin "http://localhost:${port}"

# Redis is optional (an in-process fallback exists) but the default settings use the local server.
if grep -q '"PACT_REDIS_URL": "redis://127.0.0.1:6379' local.settings.json && ! port_open 6379; then
  command -v redis-server >/dev/null && scripts/services.sh >/dev/null || echo "run: Redis is not running; rate limits fall back to in-process"
fi

.venv/bin/pact db upgrade
seed_output=$(.venv/bin/pact seed --demo)
echo "$seed_output"
# A generated admin password is printed once by `pact seed`; keep it (owner-only) so every later
# `make run` can show it again. Setting PACT_ADMIN_PASSWORD avoids generating one.
generated=$(printf '%s\n' "$seed_output" | sed -n 's/^admin password: //p')
if [ -n "$generated" ]; then
  (umask 077; printf '%s\n' "$generated" > .pact/admin-password)
fi
admin_email=$(printf '%s\n' "$seed_output" | sed -n 's/^admin: \([^ ]*\).*/\1/p')
if [ -f .pact/admin-password ]; then
  admin_password=$(cat .pact/admin-password)
else
  admin_password="(PACT_ADMIN_PASSWORD in local.settings.json)"
fi

echo
echo "PACT is starting on http://127.0.0.1:${port}/  (API: http://127.0.0.1:${port}/api/v1/health)"
echo "Sign in as ${admin_email} with password ${admin_password}"
echo
.venv/bin/python -m devhost --port "$port" &
children+=($!)
wait "${children[-1]}"
