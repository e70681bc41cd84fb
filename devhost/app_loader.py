"""Load a Python v2 function app as Core Tools and the Python worker do, and index its functions."""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import re
import sys
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import azure.functions as func

log = logging.getLogger("devhost")

TRIGGER_KINDS = {"httptrigger": "http", "blobtrigger": "blob", "queuetrigger": "queue", "timertrigger": "timer"}
# The host resolves %Setting% in these binding properties (they are [AutoResolve] in the extensions).
_AUTO_RESOLVED = ("queueName", "path", "schedule")
_QUEUE_NAME = re.compile(r"^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")


class AppLoadError(RuntimeError):
    """function_app.py cannot be imported or indexed."""


@dataclass(frozen=True)
class FunctionSpec:
    """One indexed function: its trigger binding as the worker reports it to the host."""

    name: str
    kind: str  # http | blob | queue | timer
    binding: dict[str, Any]
    func: Callable[..., Any]
    wants_context: bool
    directory: str

    @property
    def param(self) -> str:
        return self.binding["name"]

    @property
    def function_id(self) -> str:
        """The host's id for the function, used in blob receipts and poison messages."""
        return f"Host.Functions.{self.name}"

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.func)


def load_local_settings(app_dir: Path, environ: MutableMapping[str, str]) -> list[str]:
    """Copy `local.settings.json` Values into the environment; variables already set win (Core Tools)."""
    path = app_dir / "local.settings.json"
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AppLoadError(f"cannot read {path}: {exc}") from exc
    if data.get("IsEncrypted"):
        raise AppLoadError(f"{path} is encrypted; devhost reads plain Values only (func settings decrypt)")
    applied = []
    for key, value in (data.get("Values") or {}).items():
        if key not in environ and value is not None:
            environ[key] = value if isinstance(value, str) else json.dumps(value)
            applied.append(key)
    return applied


def resolve_settings(text: str, environ: MutableMapping[str, str]) -> str:
    """Replace `%Name%` with the app setting, as the host's name resolver does."""

    def setting(match: re.Match[str]) -> str:
        name = match[1]
        if name not in environ:
            raise AppLoadError(f"'%{name}%' does not resolve to a value (no app setting {name})")
        return environ[name]

    return re.sub(r"%([^%]+)%", setting, text)


def load_app(app_dir: Path, environ: MutableMapping[str, str]) -> func.FunctionRegister:
    """Import the script (PYTHON_SCRIPT_FILE_NAME, default function_app.py) and return its one app object."""
    script = environ.get("PYTHON_SCRIPT_FILE_NAME", "function_app.py")
    if not (app_dir / script).exists():
        raise AppLoadError(f"{app_dir / script} not found")
    if str(app_dir) not in sys.path:
        sys.path.insert(0, str(app_dir))  # the worker puts the script root on sys.path
    try:
        module = importlib.import_module(Path(script).stem)
    except Exception as exc:
        raise AppLoadError(f"importing {script} failed: {exc!r}") from exc
    apps = [value for value in vars(module).values() if isinstance(value, func.FunctionRegister)]
    if not apps:
        raise AppLoadError(f"no FunctionApp instance at the top level of {script}")
    if len(apps) > 1:
        raise AppLoadError(f"more than one FunctionApp instance at the top level of {script}")
    return apps[0]


def index_functions(app: func.FunctionRegister, app_dir: Path, environ: MutableMapping[str, str]) -> list[FunctionSpec]:
    """Call `get_functions()` once (a second call raises) and keep the functions devhost can trigger."""
    try:
        functions = app.get_functions()
    except Exception as exc:
        raise AppLoadError(f"indexing failed: {exc}") from exc
    specs = []
    for function in functions:
        name = function.get_function_name()
        bindings = [json.loads(raw) for raw in function.get_raw_bindings()]
        trigger = next((b for b in bindings if str(b.get("type", "")).lower().endswith("trigger")), None)
        kind = TRIGGER_KINDS.get(str(trigger and trigger["type"]).lower())
        if trigger is None or kind is None:
            log.warning("skipping %s: trigger %s is not supported by devhost", name, trigger and trigger["type"])
            continue
        try:
            binding = _resolved(trigger, environ)
        except AppLoadError as exc:
            log.error("skipping %s: %s", name, exc)
            continue
        if kind == "queue" and not _QUEUE_NAME.match(binding.get("queueName", "")):
            log.error("skipping %s: invalid queue name %r", name, binding.get("queueName"))
            continue
        user_function = function.get_user_function()
        specs.append(FunctionSpec(name, kind, binding, user_function, _wants_context(user_function), str(app_dir)))
    return specs


def _resolved(binding: dict[str, Any], environ: MutableMapping[str, str]) -> dict[str, Any]:
    resolved = dict(binding)
    for key in _AUTO_RESOLVED:
        if isinstance(resolved.get(key), str):
            resolved[key] = resolve_settings(resolved[key], environ)
    return resolved


def _wants_context(user_function: Callable[..., Any]) -> bool:
    """The worker passes a func.Context to a function with a parameter named `context`."""
    return "context" in inspect.signature(user_function).parameters


def describe(spec: FunctionSpec, base_url: str, route_prefix: str) -> str:
    """One line of the Core Tools style function listing."""
    binding = spec.binding
    if spec.kind == "http":
        methods = ",".join(binding.get("methods") or []) or "GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS"
        route = "/".join(p for p in (route_prefix, binding.get("route", "")) if p)
        return f"{spec.name}: [{methods}] {base_url}/{route}"
    detail = {"blob": "path", "queue": "queueName", "timer": "schedule"}[spec.kind]
    return f"{spec.name}: {binding['type']} ({detail}: {binding.get(detail)})"
