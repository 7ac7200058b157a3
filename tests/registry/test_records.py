"""Registry records in every spelling the field uses."""

from __future__ import annotations

from datetime import UTC, datetime

from adapter.registry.records import parse_records

FLAT = {
    "subscriber_id": "buyer.example",
    "status": "SUBSCRIBED",
    "ukId": "uk-1",
    "subscriber_url": "https://buyer.example/ondc",
    "country": "IND",
    "domain": "ONDC:RET10",
    "valid_from": "2022-09-23T06:32:38.021Z",
    "valid_until": "2027-09-23T06:32:38.021Z",
    "type": "BAP",
    "signing_public_key": "WLYovi12ugLZsLax/GcwqflxgUU8lHR1iD1OsprBuSM=",
    "encr_public_key": "MCowBQYDK2VuAyEANTrhxPsQ4vICGKA7Z7wX24Cf1HbpK1+NdVRqnBUx0BI=",
    "br_id": "uk-1",
}


def test_flat_v1_record_is_read() -> None:
    [record] = parse_records([FLAT])
    assert record.unique_key_id == "uk-1"
    assert record.subscriber_url == "https://buyer.example/ondc"
    assert record.valid_until == datetime(2027, 9, 23, 6, 32, 38, 21000, tzinfo=UTC)
    assert record.is_live(datetime(2026, 1, 1, tzinfo=UTC))
    assert not record.is_live(datetime(2028, 1, 1, tzinfo=UTC))
    assert not record.is_live(datetime(2021, 1, 1, tzinfo=UTC))


def test_nested_v2_record_with_unique_key_id_and_relative_url_is_read() -> None:
    raw = {
        "subscriber_id": "buyer.example",
        "unique_key_id": "uk-2",
        "signing_public_key": FLAT["signing_public_key"],
        "encryption_public_key": FLAT["encr_public_key"],
        "network_participant": [{"subscriber_url": "/ondc", "type": "buyerApp"}],
    }
    [record] = parse_records(raw)
    assert record.unique_key_id == "uk-2"
    assert record.subscriber_url == "https://buyer.example/ondc"
    assert record.encryption_public_key == FLAT["encr_public_key"]


def test_lower_case_ukid_is_read() -> None:
    raw = {**FLAT, "ukid": "uk-3"}
    del raw["ukId"]
    [record] = parse_records([raw])
    assert record.unique_key_id == "uk-3"


def test_records_without_a_signing_key_are_dropped() -> None:
    assert parse_records([{"subscriber_id": "x"}, "junk", 3]) == []
    assert parse_records({"error": "nothing"}) == []


def test_unsubscribed_record_is_not_live() -> None:
    [record] = parse_records([{**FLAT, "status": "UNSUBSCRIBED"}])
    assert not record.is_live(datetime(2026, 1, 1, tzinfo=UTC))
