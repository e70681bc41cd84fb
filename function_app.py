"""The Azure Functions entry point (Python v2 programming model).

It builds the one FunctionApp and registers a blueprint per capability. Importing it must stay cheap
and side-effect free: no settings are read and nothing connects until a function runs, because an
error at import time makes Azure drop every function silently.
"""

import azure.functions as func

from functions import account, audit, auth, documents, generation, lifecycle, records, system, templates, users

BLUEPRINTS = (
    system.bp, auth.bp, account.bp, users.bp, audit.bp, records.bp, documents.bp, templates.bp, generation.bp,
    lifecycle.bp,
)


def build_app() -> func.FunctionApp:
    """A FunctionApp with every capability's blueprint (tools that index it call this for a fresh one:
    `get_functions()` may run only once per app object)."""
    function_app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    for blueprint in BLUEPRINTS:
        function_app.register_functions(blueprint)
    return function_app


app = build_app()
