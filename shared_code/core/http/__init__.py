"""HTTP conventions shared by every route: request, envelope, errors, list parameters, registry, OpenAPI."""
