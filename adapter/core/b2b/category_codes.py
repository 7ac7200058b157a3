"""The B2B 2.0.2 category codes a seller may give an item, per domain (pure).

A B2B catalogue names an item's category by code (``items[].category_ids``, and the
provider's ``serviceability`` category): ``RET12-1029``, the domain then four hexadecimal
digits. Sellers enter their item's code with its B2B price list (``b2b_category_code`` in a
catalogue file, ``category_code`` in ``PUT /seller/v1/b2b/items/{sku}``); this table says
which codes are accepted for which domain, written here as runs of consecutive codes.

Where the runs come from (read 2026-12-07, nothing copied but the code values):

- RET10 (grocery): ONDC-RET-Specifications, branch ``release-2.0.2``,
  ``api/components/enums/category.yaml``: RET10-1000 ... RET10-105F, each with its name
  (the retail names the adapter maps are in ``adapter.core.b2b.categories``). The only
  domain the contract publishes codes for.
- The other domains: the codes ONDC's B2B verifier knows (ONDC-Official/
  reference-implementations, ``utilities/logistics-b2b/log-verification-utility``,
  ``utils/b2b/categories/*.js``: the attribute rules it applies per code, keyed by code
  alone). Any code outside them is reported there as "Invalid category_id", and the
  verifier's serviceability rule wants the code of the search's domain. The verifier gives
  no names, so a seller takes its code from its buyer app or ONDC's category list.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

__all__ = ["CODE_RUNS", "category_code_problem", "code_domain", "is_known_code"]

_FORM: Final = re.compile(r"(RET1[0-9A-D])-([0-9A-F]{4})")

# Domain -> runs of codes, each "first-last" (hexadecimal) or one code.
CODE_RUNS: Final = MappingProxyType({
    "RET10": ("1000-105F",),
    "RET12": ("1011-1012", "1015-1020", "1024-1048", "106D", "106F-1072", "1075-1076",
              "1078", "107C-107D", "1081-1083", "1086-108B", "108D", "1091", "1094",
              "1097-109F", "1100-1112", "1114-1117"),
    "RET13": ("1000", "1003", "100F", "101A", "1034", "104D", "105C", "1061-1062", "1065",
              "1071", "107A", "1098", "1101", "1104", "1110", "1118", "111A", "1123", "112C",
              "1134", "1142", "114F", "115A", "116B", "1181", "118E"),
    "RET14": ("102B-102C", "1056-1057", "1059", "1067", "106F", "110D"),
    "RET15": ("1002-1004", "1008-100A", "1011", "101A-101B", "101F", "1021", "1023-1024",
              "1026-1028", "102A-102B", "102D", "1033", "1036", "103A-103C", "103F-1044",
              "104D-104E", "1052-1053", "1055", "1057-1058", "1061", "1065", "1067-106A",
              "106E", "1078", "107B", "107D", "1080", "1082", "1088", "1090", "1093", "109B",
              "109D", "1101-1103", "1105-1108", "110A"),
    "RET16": ("104C", "106E", "107A", "109C", "110E", "112C", "1131-1132", "1136", "1159"),
    "RET18": ("1010-1011", "1110", "1112", "1210", "1310", "1410-1411", "1510"),
    "RET1A": ("1000-10DB",),
    "RET1B": ("1000-10FC",),
    "RET1C": ("1000-10B0",),
    "RET1D": ("1000-1042",),
})  # fmt: skip
"""Domain (without ``ONDC:``) -> the runs of its accepted B2B category codes."""


def _in_run(number: int, run: str) -> bool:
    first, _, last = run.partition("-")
    return int(first, 16) <= number <= int(last or first, 16)


def code_domain(code: str) -> str | None:
    """The domain a well-formed code names (``RET12`` for ``RET12-1029``), else ``None``."""
    found = _FORM.fullmatch(code)
    return found.group(1) if found else None


def is_known_code(code: str) -> bool:
    """Whether ``code`` is one of the accepted codes of the domain it names."""
    found = _FORM.fullmatch(code)
    if found is None:
        return False
    number = int(found.group(2), 16)
    return any(_in_run(number, run) for run in CODE_RUNS.get(found.group(1), ()))


def category_code_problem(code: str, domain: str | None = None) -> str | None:
    """Why ``code`` cannot be an item's B2B category code (in ``domain``, ``ONDC:`` prefix
    optional, when given), or ``None``."""
    named = code_domain(code)
    if named is None:
        return (
            f"{code!r} is not a B2B category code: the domain, a dash and four hexadecimal "
            "digits (RET12-1029)"
        )
    if not is_known_code(code):
        return f"{code} is not a {named} code accepted by ONDC's B2B contract or verifier"
    wanted = domain.removeprefix("ONDC:") if domain else None
    if wanted and wanted != named:
        return f"{code} is a code of ONDC:{named}, not of the item's domain ONDC:{wanted}"
    return None
