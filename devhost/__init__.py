"""devhost: a small, faithful local Azure Functions host for the Python v2 programming model.

For machines without Azure Functions Core Tools: it loads function_app.py as the Python worker does
and runs HTTP, blob, queue and timer triggers against Azurite. See docs/DEVHOST.md.
"""
