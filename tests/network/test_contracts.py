"""Which contract family serves a request: chosen by the version its context names."""

from __future__ import annotations

import re
from types import MappingProxyType

import orjson
import pytest

import schemas
from adapter.core.context_rules import ContextError, check_context
from adapter.core.contract_table import (
    IGM_1_0_0,
    IGM_2_0_0,
    RETAIL_1_2_0,
    RETAIL_1_2_5,
    RETAIL_FAMILIES,
    default_table,
    table_for,
)
from adapter.core.contracts import Contract, ContractTable, peek_version
from adapter.settings import RETAIL_CORE_VERSIONS


def _body(action: str, **context: str) -> bytes:
    return orjson.dumps({"context": {"action": action, **context}, "message": {}})


def test_retail_request_is_served_by_retail_1_2_0() -> None:
    contract, request = default_table().parse_request(
        "search", _body("search", core_version="1.2.0")
    )
    assert contract is RETAIL_1_2_0
    assert isinstance(request, schemas.SearchRequest)


def test_version_field_beckn_1_1_spelling_selects_too() -> None:
    contract, _ = default_table().parse_request("status", _body("status", version="1.2.0"))
    assert contract is RETAIL_1_2_0


def test_unserved_version_is_a_context_error_naming_the_field_and_the_versions() -> None:
    with pytest.raises(ContextError) as refused:
        default_table().parse_request("search", _body("search", core_version="1.1.0"))
    assert refused.value.path == "context.core_version"
    assert "'1.1.0'" in str(refused.value)
    assert "1.2.0" in str(refused.value)


def test_missing_version_is_named_missing() -> None:
    with pytest.raises(ContextError, match=re.escape("context.core_version is missing")):
        default_table().parse_request("select", _body("select"))


def test_igm_issue_at_core_version_1_0_0_is_served_by_igm_1_0_0() -> None:
    contract, request = default_table().parse_request("issue", _body("issue", core_version="1.0.0"))
    assert contract is IGM_1_0_0
    assert isinstance(request, schemas.IssueRequest)
    assert contract.answers("issue")
    assert contract.answers("issue_status")


@pytest.mark.parametrize(
    ("field", "version"),
    [("core_version", "1.2.0"), ("core_version", "1.2.5"), ("version", "2.0.0")],
)
def test_igm_issue_in_a_retail_transaction_is_served_by_igm_2_0_0(field: str, version: str) -> None:
    contract, request = default_table().parse_request("issue", _body("issue", **{field: version}))
    assert contract.name == IGM_2_0_0.name
    assert isinstance(request, schemas.IssueRequestV2)
    assert contract.answers("issue")


def test_igm_issue_at_an_unserved_version_names_the_served_ones() -> None:
    with pytest.raises(ContextError, match=re.escape("served here at 1.0.0, 1.2.0, 1.2.5, 2.0.0")):
        default_table().parse_request("issue", _body("issue", core_version="1.1.0"))


def _other_family() -> Contract:
    return Contract(
        name="other 9.9.9",
        version="9.9.9",
        version_field="version",
        requests=MappingProxyType({"search": schemas.StatusRequest}),
        callbacks=MappingProxyType({}),
        replies=MappingProxyType({}),
        check_context=check_context,
    )


def test_families_with_their_own_models_are_told_apart_before_parsing() -> None:
    other = _other_family()
    table = ContractTable([RETAIL_1_2_0, other])
    assert table.shared_model("search") is None
    assert table.shared_model("select") is schemas.SelectRequest
    contract, request = table.parse_request("search", _body("search", version="9.9.9"))
    assert contract is other
    assert isinstance(request, schemas.StatusRequest)
    contract, request = table.parse_request("search", _body("search", core_version="1.2.0"))
    assert contract is RETAIL_1_2_0
    assert isinstance(request, schemas.SearchRequest)
    with pytest.raises(ContextError, match=re.escape("1.2.0, 9.9.9")):
        table.parse_request("search", _body("search", core_version="2.0.0"))


@pytest.mark.parametrize(
    "body",
    [
        # A version spelt in the message before the context: the guess is wrong, the
        # context's version chooses.
        b'{"message": {"core_version": "9.9.9"}, "context": {"action": "search",'
        b' "core_version": "1.2.0"}}',
        # A version the guess cannot read (escaped): the careful way reads it.
        b'{"context": {"action": "search", "core_version": "1\\u002e2.0"}, "message": {}}',
        # Only a version in the message that no family serves, the context's is read.
        b'{"message": {"tags": [{"version": "0.0.1"}]}, "context": {"action": "search",'
        b' "core_version": "1.2.0"}}',
    ],
)
def test_a_misleading_version_elsewhere_in_the_body_does_not_choose_the_family(body: bytes) -> None:
    table = ContractTable([RETAIL_1_2_0, _other_family()])
    contract, request = table.parse_request("search", body)
    assert contract is RETAIL_1_2_0
    assert isinstance(request, schemas.SearchRequest)


def test_a_body_whose_context_names_its_version_is_parsed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = ContractTable([RETAIL_1_2_0, _other_family()])
    calls: list[type[object]] = []
    real_parse = schemas.parse

    def counted(model: type[schemas.Envelope], raw: bytes, **options: bool) -> schemas.Envelope:
        calls.append(model)
        return real_parse(model, raw, **options)

    monkeypatch.setattr(schemas, "parse", counted)
    peeked: list[bytes] = []
    monkeypatch.setattr(
        "adapter.core.contracts.peek_version", lambda body: peeked.append(body) or None
    )
    contract, _ = table.parse_request("search", _body("search", core_version="1.2.0"))
    assert contract is RETAIL_1_2_0
    assert calls == [schemas.SearchRequest]
    assert peeked == []


def test_two_families_cannot_claim_one_action_at_one_version() -> None:
    with pytest.raises(ValueError, match=re.escape("two families serve /search at version 1.2.0")):
        ContractTable([RETAIL_1_2_0, RETAIL_1_2_0])


@pytest.mark.parametrize(
    ("body", "version"),
    [
        (b'{"context": {"core_version": "1.2.0"}}', "1.2.0"),
        (b'{"message": {}, "context": {"version": "2.0.2", "x": [1]}}', "2.0.2"),
        (b'{"context": {"core_version": "1.0.0", "version": "2.0.0"}}', "1.0.0"),
        (b'{"context": 5}', None),
        (b"not json", None),
        (b"{}", None),
    ],
)
def test_peek_version(body: bytes, version: str | None) -> None:
    assert peek_version(body) == version


def test_retail_1_2_0_and_1_2_5_are_served_side_by_side() -> None:
    table = default_table()
    assert table.select("confirm", "1.2.0") is RETAIL_1_2_0
    assert table.select("confirm", "1.2.5") is RETAIL_1_2_5
    contract, request = table.parse_request("select", _body("select", core_version="1.2.5"))
    assert contract is RETAIL_1_2_5
    assert isinstance(request, schemas.SelectRequest)
    # Retail 1.2.0 and 1.2.5 share their wire models; B2B 2.0.2 has its own, so the
    # version is read before the body is parsed.
    assert RETAIL_1_2_5.requests["confirm"] is RETAIL_1_2_0.requests["confirm"]
    assert table.shared_model("confirm") is None
    assert RETAIL_1_2_5.replies["confirm"] is not RETAIL_1_2_0.replies["confirm"]
    # Where 1.2.5 changes nothing but the callback's ttl, the 1.2.0 builder answers.
    assert RETAIL_1_2_5.replies["status"].__wrapped__ is RETAIL_1_2_0.replies["status"]  # type: ignore[attr-defined]


def test_a_deployment_serving_1_2_0_only_refuses_1_2_5_naming_the_field() -> None:
    table = table_for(["1.2.0"])
    assert {(family.name, family.version) for family in table.contracts} == {
        ("retail 1.2.0", "1.2.0"),
        ("IGM 1.0.0", "1.0.0"),
        ("IGM 2.0.0", "1.2.0"),
        ("IGM 2.0.0", "2.0.0"),
        ("B2B 2.0.2", "2.0.2"),
    }
    # IGM 2.0.0 inside a 1.2.5 transaction goes with 1.2.5.
    with pytest.raises(ContextError, match=re.escape("served here at 1.0.0, 1.2.0, 2.0.0")):
        table.parse_request("issue", _body("issue", core_version="1.2.5"))
    with pytest.raises(ContextError) as refused:
        table.parse_request("select", _body("select", core_version="1.2.5"))
    assert refused.value.path == "context.core_version"
    assert "'1.2.5'" in str(refused.value)
    assert "served here at 1.2.0" in str(refused.value)
    only_125 = table_for(["1.2.5"])
    with pytest.raises(ContextError, match=re.escape("served here at 1.2.5")):
        only_125.parse_request("init", _body("init", core_version="1.2.0"))


def test_an_unknown_retail_version_cannot_be_enabled() -> None:
    with pytest.raises(ValueError, match=re.escape("1.3.0")):
        table_for(["1.2.0", "1.3.0"])


def test_the_settings_know_the_same_retail_versions_as_the_table() -> None:
    assert tuple(RETAIL_FAMILIES) == RETAIL_CORE_VERSIONS
