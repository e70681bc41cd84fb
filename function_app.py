"""The Azure Functions entry point (Python v2 programming model).

It builds the one FunctionApp and registers a blueprint per capability. Importing it must stay cheap
and side-effect free: no settings are read and nothing connects until a function runs, because an
error at import time makes Azure drop every function silently.
"""

import azure.functions as func

from functions import lifecycle, system

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for blueprint in (system.bp, lifecycle.bp):
    app.register_functions(blueprint)
