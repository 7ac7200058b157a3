"""Letters of intent from a spreadsheet into the desk, with a report of every row (used by
``POST /admin/v1/loi/import`` and ``ondc-seller loi import``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapter.b2b.loi_sheet import read_letters
from adapter.storage.loi_desk import LoiDesk

__all__ = ["import_letters"]


async def import_letters(
    raw: bytes, filename: str, desk: LoiDesk, *, now: datetime
) -> dict[str, Any]:
    """Read the file and save every letter whose rows are all good and whose sellers are
    registered; the report. Raises ``FileUnusable`` when the file cannot be read at all."""
    letters, reports = read_letters(raw, filename)
    sellers = {item.seller_code for letter in letters for item in letter.record.items}
    unknown = await desk.unknown_sellers(sellers)
    saved = 0
    for letter in letters:
        missing = sorted({item.seller_code for item in letter.record.items} & unknown)
        if missing:
            for report in letter.rows:
                report.problems.append(
                    f"seller_code: no seller {', '.join(missing)} is registered here"
                )
            continue
        _, created = await desk.save(letter.record, now=now)
        saved += 1
        for report in letter.rows:
            report.status = "created" if created else "updated"
    return {
        "letters_saved": saved,
        "rows": len(reports),
        "rows_refused": sum(report.status == "refused" for report in reports),
        "report": [
            {"row": r.row, "reference": r.reference, "status": r.status, "problems": r.problems}
            for r in reports
        ],
    }
