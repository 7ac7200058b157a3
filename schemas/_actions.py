"""The protocol's actions as data: which model each body is, and which callback answers it.

One table, so the network edge needs one route factory and no per-action handler code:
``request_model, callback_action, callback_model = ACTIONS[Action.SELECT]``. Differences
between actions live here, not in copied classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final, NamedTuple

from schemas._igm import (
    IssueRequest,
    IssueStatusRequest,
    OnIssueCallback,
    OnIssueStatusCallback,
)
from schemas._payloads import (
    CancelRequest,
    CatalogRejectionRequest,
    ConfirmRequest,
    Envelope,
    InitRequest,
    OnCancelCallback,
    OnConfirmCallback,
    OnInitCallback,
    OnRatingCallback,
    OnSearchCallback,
    OnSelectCallback,
    OnStatusCallback,
    OnSupportCallback,
    OnTrackCallback,
    OnUpdateCallback,
    RatingRequest,
    SearchRequest,
    SelectRequest,
    StatusRequest,
    SupportRequest,
    TrackRequest,
    UpdateRequest,
)


class Action(StrEnum):
    """``context.action`` values we send or receive (ONDC retail 1.2.0, IGM 1.0.0).

    A buyer app calls ``search`` ... ``support``, ``catalog_rejection``, ``issue`` and
    ``issue_status`` on us; we answer with the ``on_*`` actions.
    """

    SEARCH = "search"
    SELECT = "select"
    INIT = "init"
    CONFIRM = "confirm"
    STATUS = "status"
    TRACK = "track"
    CANCEL = "cancel"
    UPDATE = "update"
    RATING = "rating"
    SUPPORT = "support"
    ON_SEARCH = "on_search"
    ON_SELECT = "on_select"
    ON_INIT = "on_init"
    ON_CONFIRM = "on_confirm"
    ON_STATUS = "on_status"
    ON_TRACK = "on_track"
    ON_CANCEL = "on_cancel"
    ON_UPDATE = "on_update"
    ON_RATING = "on_rating"
    ON_SUPPORT = "on_support"
    CATALOG_REJECTION = "catalog_rejection"
    ISSUE = "issue"
    ON_ISSUE = "on_issue"
    ISSUE_STATUS = "issue_status"
    ON_ISSUE_STATUS = "on_issue_status"


class ActionSpec(NamedTuple):
    """What an inbound action is: its body's model and the callback that answers it.

    ``callback_action``/``callback`` are ``None`` for ``catalog_rejection``, which ONDC
    retail 1.2.0 defines without a callback.
    """

    request: type[Envelope]
    callback_action: Action | None
    callback: type[Envelope] | None


ACTIONS: Final[Mapping[Action, ActionSpec]] = MappingProxyType(
    {
        Action.SEARCH: ActionSpec(SearchRequest, Action.ON_SEARCH, OnSearchCallback),
        Action.SELECT: ActionSpec(SelectRequest, Action.ON_SELECT, OnSelectCallback),
        Action.INIT: ActionSpec(InitRequest, Action.ON_INIT, OnInitCallback),
        Action.CONFIRM: ActionSpec(ConfirmRequest, Action.ON_CONFIRM, OnConfirmCallback),
        Action.STATUS: ActionSpec(StatusRequest, Action.ON_STATUS, OnStatusCallback),
        Action.TRACK: ActionSpec(TrackRequest, Action.ON_TRACK, OnTrackCallback),
        Action.CANCEL: ActionSpec(CancelRequest, Action.ON_CANCEL, OnCancelCallback),
        Action.UPDATE: ActionSpec(UpdateRequest, Action.ON_UPDATE, OnUpdateCallback),
        Action.RATING: ActionSpec(RatingRequest, Action.ON_RATING, OnRatingCallback),
        Action.SUPPORT: ActionSpec(SupportRequest, Action.ON_SUPPORT, OnSupportCallback),
        Action.CATALOG_REJECTION: ActionSpec(CatalogRejectionRequest, None, None),
        Action.ISSUE: ActionSpec(IssueRequest, Action.ON_ISSUE, OnIssueCallback),
        Action.ISSUE_STATUS: ActionSpec(
            IssueStatusRequest, Action.ON_ISSUE_STATUS, OnIssueStatusCallback
        ),
    }
)
"""Inbound action -> (request model, callback action, callback model)."""


def _payload_models() -> dict[str, type[Envelope]]:
    models: dict[str, type[Envelope]] = {}
    for action, spec in ACTIONS.items():
        models[action] = spec.request
        if spec.callback_action is not None and spec.callback is not None:
            models[spec.callback_action] = spec.callback
    return models


PAYLOAD_MODELS: Final[Mapping[str, type[Envelope]]] = MappingProxyType(_payload_models())
"""``context.action`` -> the model of a body with that action, for every ``Action``.

Keys are ``Action`` members, which compare and hash as their strings, so
``PAYLOAD_MODELS[body_action]`` works with the plain string from the URL or the body.
"""
