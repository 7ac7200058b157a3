"""ONDC's IGM 2.0.0 examples (the contract's retail flows, and the issue exchanges of the
retail 1.2.5 automation flows) parse into the IGM 2.0.0 family's models, chosen by the
contract table from their context, and dump to the same JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

import schemas
from adapter.core.contract_table import IGM_2_0_0, default_table
from tests.fixtures import REPO_ROOT
from tests.schemas.examples import assert_same_json, load

FOLDER = REPO_ROOT / "tests" / "fixtures" / "igm-2.0.0"
FILES = sorted(
    str(p.relative_to(FOLDER)) for p in FOLDER.rglob("*.json") if p.name != "_flows.json"
)


def test_the_examples_are_there() -> None:
    assert len(FILES) >= 80


@pytest.mark.parametrize("name", FILES)
def test_igm_2_0_0_example_parses_into_its_family_model_and_dumps_to_the_same_json(
    name: str,
) -> None:
    raw = (FOLDER / name).read_bytes()
    original = load(raw)
    action = original["context"]["action"]
    table = default_table()
    if action.startswith("on_"):
        contract = table.select(action.removeprefix("on_"), schemas_version(original))
        body = schemas.parse(contract.callbacks[action], raw)
    else:
        contract, body = table.parse_request(action, raw)
    assert contract.name == IGM_2_0_0.name
    assert_same_json(load(schemas.dump(body)), original)


def schemas_version(body: dict[str, object]) -> str | None:
    context = body["context"]
    assert isinstance(context, dict)
    found = context.get("core_version") or context.get("version")
    return found if isinstance(found, str) else None


def test_every_example_flow_file_is_listed_in_the_contract_flows() -> None:
    flows = load((FOLDER / "contract" / "_flows.json").read_bytes())
    listed = {name for files in flows.values() for name in files}
    here = {str(Path(f).relative_to("contract")) for f in FILES if f.startswith("contract/")}
    assert here <= listed
