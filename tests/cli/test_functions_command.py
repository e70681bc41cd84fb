import json

from shared_code.cli import main
from tests.test_function_app import EXPECTED


def test_functions_lists_every_indexed_function_with_its_trigger(capsys):
    assert main(["functions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["name"]: row["trigger"] for row in rows} == EXPECTED
    health = next(row for row in rows if row["name"] == "health")
    assert health["target"] == "health" and health["methods"] == "GET"
    assert next(row for row in rows if row["name"] == "purge_temp")["target"] == "0 30 2 * * *"


def test_functions_table_names_each_function(capsys):
    assert main(["functions"]) == 0
    out = capsys.readouterr().out
    for name in EXPECTED:
        assert name in out
