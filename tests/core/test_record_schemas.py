"""Record input: trimmed, but never longer than the schema says as sent (the fuzz run found the gap)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared_code.accounts.schemas import ContractCreate, ContractUpdate


@pytest.mark.parametrize("model", [ContractCreate, ContractUpdate])
def test_text_over_the_limit_is_refused_even_when_trimming_would_fit_it(model) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate({"name": " " + "x" * 200, "number": "C-1"})
    assert [(error["loc"], error["type"]) for error in caught.value.errors()] == [(("name",), "string_too_long")]


def test_text_within_the_limit_is_trimmed() -> None:
    contract = ContractCreate.model_validate({"name": "  " + "x" * 198, "number": " C-1 "})
    assert (contract.name, contract.number) == ("x" * 198, "C-1")
