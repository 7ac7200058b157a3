"""The full catalogue as a signed downloadable file (``catalog_full`` ``payload_type`` link,
ONDC retail 1.2.0 and 1.2.5)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

import schemas
from adapter.catalog.download import SignedCatalogueLinks
from adapter.core.catalog_link import linked_providers, payload_type
from adapter.core.clock import FixedClock
from tests.catalog.test_incremental import _publish
from tests.network.peers import context, edge, signed
from tests.schemas.examples import EXAMPLES_DIR

_OFFICIAL_LINK_SEARCH = (
    EXAMPLES_DIR / "spec-1.2.0" / "search" / "search_by_city_response_as_downloadable_link.json"
)


def _search(clock: FixedClock, kind: str, version: str = "1.2.5") -> bytes:
    tags = [{"code": "catalog_full", "list": [{"code": "payload_type", "value": kind}]}]
    return orjson.dumps(
        {
            "context": context(
                "search", clock, city="std:01902", domain="ONDC:RET12", core_version=version
            ),
            "message": {"intent": {"tags": tags}},
        }
    )


def test_payload_type_reads_the_catalog_full_tag_and_names_a_bad_value() -> None:
    def search(value: str | None) -> schemas.SearchRequest:
        tags = (
            []
            if value is None
            else [{"code": "catalog_full", "list": [{"code": "payload_type", "value": value}]}]
        )
        body = {"context": {"action": "search"}, "message": {"intent": {"tags": tags}}}
        return schemas.parse(schemas.SearchRequest, orjson.dumps(body))

    assert payload_type(search(None)) == "inline"
    assert payload_type(search("inline")) == "inline"
    assert payload_type(search("link")) == "link"
    with pytest.raises(ValueError, match=r"catalog_full\].payload_type"):
        payload_type(search("zip"))


def test_a_linked_provider_loses_its_items_and_points_at_a_signed_file(
    clock: FixedClock,
) -> None:
    links = SignedCatalogueLinks("https://seller.odop.example/ondc", "k" * 40)
    provider: dict[str, Any] = {
        "id": "P1",
        "items": [{"id": "I1"}],
        "tags": [{"code": "timing", "list": []}, {"code": "catalog_link", "list": []}],
    }
    [linked] = linked_providers([provider], "ONDC:RET12", links, now=clock.now())
    assert "items" not in linked
    assert [t["code"] for t in linked["tags"]] == ["timing", "catalog_link"]
    entries = {e["code"]: e["value"] for e in linked["tags"][1]["list"]}
    assert entries["type"] == "link"
    assert entries["type_validity"] == "PT24H"
    assert entries["last_update"] == schemas.format_timestamp(clock.now())
    url = urlsplit(entries["type_value"])
    assert url.netloc == "seller.odop.example"
    assert url.path == "/catalogue/v1/P1/ONDC:RET12.zip"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    expires = int(query["expires"])
    assert links.valid("P1", "ONDC:RET12", expires, query["sig"], now=clock.now())
    assert not links.valid("P2", "ONDC:RET12", expires, query["sig"], now=clock.now())
    assert not links.valid("P1", "ONDC:RET12", expires + 3600, query["sig"], now=clock.now())
    clock.advance(24 * 3600 + 1)
    assert not links.valid("P1", "ONDC:RET12", expires, query["sig"], now=clock.now())


@pytest.mark.parametrize("version", ["1.2.5", "1.2.0"])
async def test_a_link_search_is_answered_with_links_whose_file_holds_the_items(
    tmp_path: Path, clock: FixedClock, version: str
) -> None:
    async with edge(tmp_path, clock) as net:
        _, item = await _publish(net, clock)
        inline = _search(clock, "inline", version)
        assert (await net.post("search", inline, signed(inline, clock))).status_code == 200
        link = _search(clock, "link", version)
        assert (await net.post("search", link, signed(link, clock))).status_code == 200
        assert await net.dispatch() == 2
        answers = [orjson.loads(r.content) for r in net.received]
        by_message = {a["context"]["message_id"]: a for a in answers}
        [inline_provider] = by_message[orjson.loads(inline)["context"]["message_id"]]["message"][
            "catalog"
        ]["bpp/providers"]
        [linked] = by_message[orjson.loads(link)["context"]["message_id"]]["message"]["catalog"][
            "bpp/providers"
        ]
        assert "items" not in linked
        [tag] = [t for t in linked["tags"] if t["code"] == "catalog_link"]
        url = next(e["value"] for e in tag["list"] if e["code"] == "type_value")
        parts = urlsplit(url)
        download = await net.client.get(f"{parts.path}?{parts.query}")
        assert download.status_code == 200, download.text
        assert download.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
            assert archive.namelist() == [f"{linked['id']}.json"]
            items = orjson.loads(archive.read(f"{linked['id']}.json"))
        assert [i["id"] for i in items] == [i["id"] for i in inline_provider["items"]]
        assert any(i["id"] == item["sku"] or item["sku"] in str(i) for i in items)
        forged = parts.query.replace("sig=", "sig=0")[: len(parts.query)]
        assert (await net.client.get(f"{parts.path}?{forged}")).status_code == 404
        other = parts.path.replace(linked["id"], "SOMEONE-ELSE")
        assert (await net.client.get(f"{other}?{parts.query}")).status_code == 404
        clock.advance(24 * 3600 + 5)
        assert (await net.client.get(f"{parts.path}?{parts.query}")).status_code == 404


async def test_a_search_asking_an_unknown_payload_type_is_nacked_naming_the_tag(
    tmp_path: Path, clock: FixedClock
) -> None:
    async with edge(tmp_path, clock) as net:
        body = _search(clock, "zip")
        response = await net.post("search", body, signed(body, clock))
        answer = response.json()
        assert answer["message"]["ack"]["status"] == "NACK"
        assert "catalog_full" in answer["error"]["message"]
        assert await net.dispatch() == 0


def test_the_official_link_search_asks_for_a_link() -> None:
    request = schemas.parse(schemas.SearchRequest, _OFFICIAL_LINK_SEARCH.read_bytes())
    assert payload_type(request) == "link"
