"""ONDC's official Node SDK as an outside judge of our signatures.

``scripts/services`` installs ``ondc-crypto-sdk-nodejs`` (pinned) under ``.cache/ondc-sdk``;
:func:`sdk_verifies` hands it headers and the exact bytes they sign, and returns what its
``isHeaderValid`` says of each. A missing Node.js or SDK is an error that names the set-up
step, never a skip.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import orjson

from tests.fixtures import REPO_ROOT, subprocess_env

SDK_MODULES = REPO_ROOT / ".cache" / "ondc-sdk" / "node_modules"
_SCRIPT = Path(__file__).with_name("verify.cjs")


def sdk_verifies(signed: Sequence[tuple[str, bytes]], public_key: str) -> list[bool]:
    """The SDK's ``isHeaderValid`` for each (Authorization header, body) under ``public_key``
    (base64)."""
    node = shutil.which("node")
    if node is None or not (SDK_MODULES / "ondc-crypto-sdk-nodejs").is_dir():
        raise AssertionError(
            "ONDC's official Node SDK is not installed: run scripts/services "
            f"(it needs node on PATH and {SDK_MODULES}/ondc-crypto-sdk-nodejs)"
        )
    items = [
        {"header": header, "body": base64.b64encode(body).decode(), "publicKey": public_key}
        for header, body in signed
    ]
    done = subprocess.run(
        [node, str(_SCRIPT)],
        input=orjson.dumps(items),
        capture_output=True,
        env=subprocess_env({"NODE_PATH": SDK_MODULES}),
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the official SDK failed: {done.stderr.decode()[-2000:]}")
    answers = orjson.loads(done.stdout)
    assert isinstance(answers, list)
    assert len(answers) == len(items)
    return [answer is True for answer in answers]
