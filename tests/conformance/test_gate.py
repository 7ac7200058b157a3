"""The gate fails where ONDC's workbench would: a callback broken one field at a time is
refused by the right rule, naming the payload and the JSON path."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.catalog.importer import read_document
from adapter.core.replies import Identity, Storefront, on_search_catalog
from adapter.sandbox.conformance import check, check_callback, check_folder
from adapter.sandbox.conformance_rules import FIELD_RULES
from adapter.sandbox.flowcheck import write_flow_logs
from catalog_sync.transform import provider_payload
from tests.fixtures import REPO_ROOT

NOW = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)
DEMO = orjson.loads((REPO_ROOT / "config" / "demo" / "odop-catalogue.json").read_bytes())
IDENTITY = Identity("odop-seller.example", "https://odop-seller.example/ondc")


def _on_search(domain: str) -> dict[str, Any]:
    """A full catalogue of the demo's sellers in ``domain``, as the adapter answers it."""
    accepted, report = read_document(DEMO)
    assert not report.problems
    assert not report.held
    providers = []
    for seller, location, goods in accepted:
        mine = [item for item in goods if item.domain == domain]
        if mine:
            providers.append(provider_payload(seller, location, mine, now=NOW))
    return {
        "context": {
            "domain": domain, "action": "on_search", "country": "IND", "city": "std:0177",
            "core_version": "1.2.0", "bap_id": "buyer.example", "bap_uri": "https://buyer.example",
            "bpp_id": IDENTITY.subscriber_id, "bpp_uri": IDENTITY.subscriber_url,
            "transaction_id": "3f1c6a8e-2b4d-4f6a-9c1e-7d5b8a9e0f12",
            "message_id": "8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d",
            "timestamp": "2026-11-23T10:00:00.123Z", "ttl": "PT30S",
        },
        "message": {"catalog": on_search_catalog(IDENTITY, providers, Storefront())},
    }  # fmt: skip


def _rules_broken(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(v.rule, v.path) for v in check_callback("on_search_full_catalog_refresh", body)}


@pytest.mark.parametrize("domain", ["ONDC:RET10", "ONDC:RET12", "ONDC:RET16"])
def test_the_demo_catalogue_passes_every_catalogue_rule(domain: str) -> None:
    body = _on_search(domain)
    assert body["message"]["catalog"]["bpp/providers"], "the demo sells in every domain"
    assert check_callback("on_search_full_catalog_refresh", body) == []


@pytest.mark.parametrize("domain", ["ONDC:RET10", "ONDC:RET12", "ONDC:RET16"])
def test_a_descriptor_without_short_desc_fails_by_name(domain: str) -> None:
    body = _on_search(domain)
    del body["message"]["catalog"]["bpp/descriptor"]["short_desc"]
    assert _rules_broken(body) == {
        ("BPP_DESCRIPTOR_SHORT_DESC", "$.message.catalog['bpp/descriptor'].short_desc")
    }


def test_a_hyphen_in_a_ret16_id_fails_but_not_in_ret12() -> None:
    home = _on_search("ONDC:RET16")
    home["message"]["catalog"]["bpp/providers"][0]["items"][0]["id"] = "odop-chamba-01"
    assert _rules_broken(home) == {
        ("ITEMS_ID", "$.message.catalog['bpp/providers'][0].items[0].id")
    }
    fashion = _on_search("ONDC:RET12")
    fashion["message"]["catalog"]["bpp/providers"][0]["items"][0]["id"] = "odop-kinnaur-01"
    assert _rules_broken(fashion) == set()


def test_a_custom_tag_group_in_grocery_fails() -> None:
    body = _on_search("ONDC:RET10")
    item = body["message"]["catalog"]["bpp/providers"][0]["items"][0]
    item["tags"].append({"code": "odop", "list": [{"code": "district", "value": "Kangra"}]})
    index = len(item["tags"]) - 1
    assert _rules_broken(body) == {
        (
            "TAGS_BPP_ITEMS_VALID_TAGS",
            f"$.message.catalog['bpp/providers'][0].items[0].tags[{index}].code",
        )
    }


def test_missing_provider_ttl_and_statutory_block_fail() -> None:
    body = _on_search("ONDC:RET12")
    provider = body["message"]["catalog"]["bpp/providers"][0]
    del provider["ttl"]
    del provider["items"][0]["@ondc/org/statutory_reqs_packaged_commodities"]
    rules = {rule for rule, _ in _rules_broken(body)}
    assert rules == {
        "PROVIDERS_TTL",
        "MANUFACTURER_OR_PACKER_NAME",
        "MANUFACTURER_OR_PACKER_ADDRESS",
        "COMMON_OR_GENERIC_NAME_OF_COMMODITY",
        "MONTH_YEAR_OF_MANUFACTURE_PACKING_IMPORT",
    }


def test_an_incremental_catalogue_is_held_to_its_own_rules() -> None:
    body = _on_search("ONDC:RET16")
    body["context"]["city"] = "*"
    catalog = body["message"]["catalog"]
    catalog["bpp/providers"] = [
        {"id": p["id"], "items": p["items"]} for p in catalog["bpp/providers"]
    ]
    del catalog["bpp/descriptor"]
    assert _rules_broken(body) == set(), "no descriptor needed in an incremental push"
    body["message"]["catalog"]["bpp/providers"][0]["id"] = "odop-chamba"
    assert {rule for rule, _ in _rules_broken(body)} == {"PROVIDERS_ID"}


def test_an_echoed_exchange_code_in_on_update_fails() -> None:
    on_update = {
        "context": {"domain": "ONDC:RET12", "action": "on_update"},
        "message": {
            "order": {
                "fulfillments": [
                    {
                        "type": "Return",
                        "tags": [
                            {
                                "code": "return_request",
                                "list": [
                                    {"code": "id", "value": "R1"},
                                    {"code": "exchange", "value": "no"},
                                ],
                            }
                        ],
                    }
                ]
            }
        },
    }
    found = [v for v in check_callback("on_update_approval", on_update) if v.rule.islower()]
    assert [(v.rule, v.path) for v in found] == [
        (
            "return_request_codes",
            "$.message.order.fulfillments[0].tags[0].list[1].code",
        )
    ]


def test_buyer_messages_are_not_ours_to_fix() -> None:
    body = _on_search("ONDC:RET16")
    body["context"]["action"] = "search"
    body["message"]["catalog"]["bpp/providers"][0]["id"] = "odop-chamba"
    payloads = {"search_full_catalog_refresh": body}
    assert all(v.rule == "required_keys" for v in check(1, payloads))


def test_a_folder_report_names_rule_file_and_path(tmp_path: Path) -> None:
    body = _on_search("ONDC:RET16")
    broken = copy.deepcopy(body)
    broken["message"]["catalog"]["bpp/providers"][0]["id"] = "odop-chamba"
    write_flow_logs(tmp_path / "flow8", {"on_search_full_catalog_refresh": broken})
    problems = [p for p in check_folder(tmp_path / "flow8") if p.rule == "PROVIDERS_ID"]
    assert [(p.key, p.path) for p in problems] == [
        (
            str(tmp_path / "flow8" / "on_search_full_catalog_refresh.json"),
            "$.message.catalog['bpp/providers'][0].id",
        )
    ]


def test_every_rule_names_a_seller_callback() -> None:
    callbacks = {"on_search", "on_select", "on_init", "on_confirm", "on_status"}
    callbacks |= {"on_cancel", "on_update", "on_track"}
    assert all(rule.actions <= callbacks for rule in FIELD_RULES)
    assert len(FIELD_RULES) > 200


@pytest.mark.parametrize(("domain", "refused"), [("ONDC:RET16", True), ("ONDC:RET12", False)])
def test_a_hyphen_in_a_ret16_order_id_fails(domain: str, refused: bool) -> None:
    on_confirm = {
        "context": {"domain": domain, "action": "on_confirm"},
        "message": {
            "order": {
                "id": "ODOP-2678270EA0",
                "payment": {"params": {"transaction_id": "PAYODOP2678270EA0"}},
            }
        },
    }
    found = {
        (v.rule, v.path)
        for v in check_callback("on_confirm", on_confirm)
        if v.rule in ("ORDER_ID", "PAYMENT_PARAMS_TRANSACTION_ID")
    }
    assert found == ({("ORDER_ID", "$.message.order.id")} if refused else set())
