"""`pact functions`: what function_app.py indexes, as the Functions host would see it."""

from __future__ import annotations

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("functions", help="list the functions function_app.py indexes, with their triggers")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=_list_functions)


def describe_functions() -> list[dict[str, str]]:
    """Name, trigger type and target (route, schedule, queue or blob path) of every indexed function."""
    import function_app

    rows = []
    for function in function_app.build_app().get_functions():
        trigger = function.get_trigger().get_dict_repr()
        target = (
            trigger.get("route") or trigger.get("schedule") or trigger.get("queueName") or trigger.get("path") or ""
        )
        methods = ",".join(str(getattr(m, "value", m)).upper() for m in trigger.get("methods") or [])
        rows.append(
            {"name": function.get_function_name(), "trigger": trigger["type"], "target": target, "methods": methods}
        )
    return sorted(rows, key=lambda row: (row["trigger"], row["name"]))


def _list_functions(args: argparse.Namespace) -> int:
    rows = describe_functions()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        detail = f"{row['methods']} {row['target']}".strip()
        print(f"{row['name']:<{width}}  {row['trigger']:<13}  {detail}")
    return 0
