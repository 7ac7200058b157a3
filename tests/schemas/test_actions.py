"""The action table: every action's model, and which callback answers which request."""

from __future__ import annotations

import pytest

import schemas
from schemas import Action


def test_each_request_is_answered_by_its_on_callback() -> None:
    request_model, callback_action, callback_model = schemas.ACTIONS[Action.SELECT]

    assert request_model is schemas.SelectRequest
    assert callback_action is Action.ON_SELECT
    assert callback_model is schemas.OnSelectCallback


@pytest.mark.parametrize("action", list(schemas.ACTIONS), ids=str)
def test_a_callback_action_is_the_request_action_with_on_prefixed(action: Action) -> None:
    spec = schemas.ACTIONS[action]
    if spec.callback_action is None:
        assert action is Action.CATALOG_REJECTION
        assert spec.callback is None
    else:
        assert spec.callback_action == f"on_{action}"
        assert schemas.PAYLOAD_MODELS[spec.callback_action] is spec.callback


def test_every_action_has_a_payload_model_reachable_by_its_plain_string() -> None:
    assert set(schemas.PAYLOAD_MODELS) == set(Action)
    for action in Action:
        model = schemas.PAYLOAD_MODELS[str(action.value)]
        assert issubclass(model, schemas.Envelope)


def test_requests_need_a_message_and_callbacks_may_carry_an_error_instead() -> None:
    for spec in schemas.ACTIONS.values():
        if spec.request is not schemas.CatalogRejectionRequest:
            assert spec.request.model_fields["message"].is_required()
        if spec.callback is not None:
            assert not spec.callback.model_fields["message"].is_required()
            assert "error" in spec.callback.model_fields
