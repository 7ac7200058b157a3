"""The letters register's JSON comes in pages of 400 letters, newest first, over HTTP;
a page that is not a whole number from 1 is refused with a 422 that names ``page``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from adapter.core.clock import FixedClock
from adapter.storage import Database
from adapter.storage.loi_tables import loi_letters
from tests.network.peers import edge
from tests.network.test_seller_api import ADMIN

LETTERS = 450  # a first page of 400 and a second of 50


async def test_the_letters_register_pages_over_http_and_names_a_bad_page(
    tmp_path: Path, clock: FixedClock
) -> None:
    url = f"sqlite:///{tmp_path}/edge.db"
    async with edge(tmp_path, clock, database_url=url) as net:
        database = Database.connect(url)
        now = datetime(2026, 11, 20, tzinfo=UTC)
        async with database.transaction() as connection:
            await connection.execute(
                sa.insert(loi_letters),
                [
                    {
                        "reference": f"HIM-LOI-{number:04d}",
                        "buyer_name": f"खरीदार {number}",
                        "district": "Kullu",
                        "product": "Kullu Shawl",
                        "value_paise": 100_000 + number,
                        # One letter a day: letter 0 is the newest.
                        "signed_on": date(2026, 11, 20) - timedelta(days=number),
                        "demo": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for number in range(LETTERS)
                ],
            )
        await database.dispose()
        client = net.client
        made = await client.post(
            "/admin/v1/dashboard/credentials", json={"role": "viewer"}, headers=ADMIN
        )
        viewer = {"Authorization": f"Bearer {made.json()['token']}"}
        pages = "/dashboard/api/tables/letters?days=365"
        first = (await client.get(pages, headers=viewer)).json()
        second = (await client.get(f"{pages}&page=2", headers=viewer)).json()
        assert (first["page"], first["total"], len(first["rows"])) == (1, LETTERS, 400)
        assert (second["page"], second["total"], len(second["rows"])) == (2, LETTERS, 50)
        assert first["rows"][0]["buyer"] == "खरीदार 0"
        assert second["rows"][0]["buyer"] == "खरीदार 400"
        assert second["rows"][-1]["buyer"] == f"खरीदार {LETTERS - 1}"
        shown = {r["buyer"] for r in first["rows"]} | {r["buyer"] for r in second["rows"]}
        assert len(shown) == LETTERS  # no letter on both pages, none missing
        beyond = (await client.get(f"{pages}&page=3", headers=viewer)).json()
        assert (beyond["page"], beyond["rows"]) == (3, [])
        for bad in ("0", "-1", "two", "1.5"):
            answer = await client.get(f"{pages}&page={bad}", headers=viewer)
            assert answer.status_code == 422, (bad, answer.text)
            assert "page" in answer.text
            assert "Traceback" not in answer.text
