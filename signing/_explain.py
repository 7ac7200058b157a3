"""A step-by-step account of a signature check, for integrators chasing a 401.

:func:`explain` never raises: it records each step (parse, algorithm, time window, digest,
signature) with what it saw, so a person can see which check failed and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from signing._errors import SignatureError
from signing._header import SignatureParams, parse_header
from signing._keys import PublicKey
from signing._signature import check_time_window, digest, signing_string

__all__ = ["Explanation", "Step", "explain"]


@dataclass(frozen=True, slots=True)
class Step:
    """One check: its name, whether it passed, and what it saw."""

    name: str
    ok: bool
    detail: str


@dataclass(slots=True)
class Explanation:
    """Everything :func:`explain` found out about one body and header."""

    body_length: int
    digest: str
    steps: list[Step] = field(default_factory=list)
    params: SignatureParams | None = None
    signing_string: str | None = None

    @property
    def ok(self) -> bool:
        """True when every step passed and the signature itself was checked."""
        return (
            bool(self.steps)
            and all(step.ok for step in self.steps)
            and any(step.name == "signature" for step in self.steps)
        )

    @property
    def failed_step(self) -> Step | None:
        """The first step that failed, if any."""
        return next((step for step in self.steps if not step.ok), None)


def _utc(seconds: int) -> str:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return "out of range"


def explain(
    body: bytes,
    header: str,
    public_key: PublicKey | None,
    *,
    now: int,
    skew: int = 5,
) -> Explanation:
    """Run every check on ``header`` and ``body`` and report each outcome."""
    result = Explanation(body_length=len(body), digest=digest(body))
    try:
        params = parse_header(header)
    except SignatureError as exc:
        result.steps.append(Step("header", ok=False, detail=str(exc)))
        return result
    result.params = params
    result.signing_string = signing_string(body, params.created, params.expires)
    result.steps.append(
        Step("header", ok=True, detail=f"keyId {params.key_id}, algorithm {params.algorithm}")
    )
    window = (
        f"created {params.created} ({_utc(params.created)}), "
        f"expires {params.expires} ({_utc(params.expires)}), "
        f"now {now} ({_utc(now)}), allowed skew {skew} s"
    )
    try:
        check_time_window(params, now=now, skew=skew)
    except SignatureError as exc:
        result.steps.append(Step("time window", ok=False, detail=f"{exc}; {window}"))
    else:
        result.steps.append(Step("time window", ok=True, detail=window))
    if public_key is None:
        result.steps.append(
            Step("signature", ok=False, detail="no public key given: cannot check the signature")
        )
        return result
    if public_key.verifies(result.signing_string.encode("utf-8"), params.signature):
        result.steps.append(Step("signature", ok=True, detail="Ed25519 signature verifies"))
    else:
        result.steps.append(
            Step(
                "signature",
                ok=False,
                detail=(
                    "Ed25519 signature does not verify: the body bytes differ from those "
                    "signed (re-serialised JSON, \\u-escapes, a trailing newline), or the "
                    "key is not the sender's"
                ),
            )
        )
    return result
