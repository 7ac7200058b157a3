"""The B2B price list's category code and the seller's minimum order value (migration
0020), and its minimum order values by domain and export licence (migration 0027), on each
backend: written, read back, cleared, and a downgrade and upgrade again."""

from __future__ import annotations

from alembic import command

from adapter.core.b2b.price_list import PriceList, PriceSlab, SellerTerms
from adapter.core.clock import FixedClock
from adapter.storage import Database, upgrade
from adapter.storage.b2b_terms import B2BTermsStore
from adapter.storage.migrate import alembic_config


async def test_category_code_and_minimum_order_value_round_trip_and_survive_a_downgrade(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    terms = B2BTermsStore(database)
    coded = PriceList("odopkinnaur", "odopkinnaur02", (PriceSlab(1, None, 1_950_000),),
                      category_code="RET12-1029")  # fmt: skip
    try:
        await terms.put_price_list(coded, now=clock.now())
        await terms.put_seller_terms(
            SellerTerms("odopkinnaur", min_order_value_paise=5_000_000), now=clock.now()
        )
        assert (await terms.price_lists("odopkinnaur"))["odopkinnaur02"] == coded
        found = await terms.seller_terms("odopkinnaur")
        assert found is not None
        assert found.min_order_value_paise == 5_000_000
        # Set again without them: none.
        await terms.put_price_list(
            PriceList("odopkinnaur", "odopkinnaur02", coded.slabs), now=clock.now()
        )
        await terms.put_seller_terms(SellerTerms("odopkinnaur"), now=clock.now())
        assert (await terms.price_lists("odopkinnaur"))["odopkinnaur02"].category_code is None
        again = await terms.seller_terms("odopkinnaur")
        assert again is not None
        assert again.min_order_value_paise is None
    finally:
        await database.dispose()
    command.downgrade(alembic_config(database_url), "0019")
    upgrade(database_url)
    database = Database.connect(database_url)
    try:
        kept = await B2BTermsStore(database).price_lists("odopkinnaur")
        assert kept["odopkinnaur02"].slabs == coded.slabs
    finally:
        await database.dispose()


async def test_minimum_order_values_by_domain_and_export_licence_round_trip(
    database_url: str, clock: FixedClock
) -> None:
    database = Database.connect(database_url)
    by_domain = {"ONDC:RET12": 2_500_000, "ONDC:RET10": 1_000_000}
    try:
        terms = B2BTermsStore(database)
        await terms.put_seller_terms(
            SellerTerms("odopkinnaur", min_order_value_paise=1_500_000,
                        min_order_values_paise=by_domain, export_licence="IEC-0512345678",
                        export_licence_url="https://dgft.example/verify/IEC-0512345678"),
            now=clock.now(),
        )  # fmt: skip
        found = await terms.seller_terms("odopkinnaur")
        assert found is not None
        assert dict(found.min_order_values_paise) == by_domain
        assert found.minimum_order("ONDC:RET12") == 2_500_000
        assert found.minimum_order("ONDC:RET16") == 1_500_000  # the seller's own
        assert (found.export_licence, found.export_licence_url) == (
            "IEC-0512345678",
            "https://dgft.example/verify/IEC-0512345678",
        )
        await terms.put_seller_terms(SellerTerms("odopkinnaur"), now=clock.now())
        cleared = await terms.seller_terms("odopkinnaur")
        assert cleared is not None
        assert dict(cleared.min_order_values_paise) == {}
        assert cleared.minimum_order("ONDC:RET12") is None
        assert cleared.export_licence is None
    finally:
        await database.dispose()
    command.downgrade(alembic_config(database_url), "0026")
    upgrade(database_url)
    database = Database.connect(database_url)
    try:
        kept = await B2BTermsStore(database).seller_terms("odopkinnaur")
        assert kept is not None
        assert dict(kept.min_order_values_paise) == {}
    finally:
        await database.dispose()
