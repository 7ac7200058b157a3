"""Issue and grievance management, IGM 2.0.0: one issue object, sent whole every time.

IGM 2.0.0 rides in the retail transaction it complains about: its context is the retail
context (``core_version`` of that transaction, ``city``), and only the message differs from
IGM 1.0.0. Both sides send ``/issue`` (buyer app) and ``/on_issue`` (seller app) with the
*whole* issue, in which ``actions[]`` is an append-only log (each action: ``id``,
``descriptor.code``, ``action_by`` an actor id, ``updated_at``, optional ``ref_id`` and
``ref_type``); ``message.update_target`` says what the sender changed, normally
``[{"path": "issue.actions", "action": "APPENDED"}]``.

The parties are ``actors[]`` (``CONSUMER``, ``INTERFACING_NP``, ``COUNTERPARTY_NP``,
``PROVIDER``, and the grievance officers ``*_GRO``), named by id in ``source_id``,
``complainant_id``, ``respondent_ids`` and ``resolver_ids``. ``refs[]`` point at the order,
provider, fulfilment and items; ``resolutions[]`` hold what was proposed (``REFUND``,
``REPLACEMENT``, ``RETURN``, ``CANCEL``, ``NO_ACTION`` ...). ``status`` is ``OPEN``,
``PROCESSING``, ``RESOLVED`` or ``CLOSED``; ``level`` ``ISSUE``, ``GRIEVANCE`` or
``DISPUTE``.
"""

from __future__ import annotations

import builtins

from schemas._base import WireModel
from schemas._descriptor import MediaFile, TagGroup
from schemas._igm import ExpectedTime, IssueOrg
from schemas._payloads import Callback, Request
from schemas._person import Contact, Person
from schemas._time import Timestamp


class IssueImage(WireModel):
    """An image of an issue (IGM 2.0.0 ``descriptor.images[]``): ``url``, ``size_type``."""

    url: str | None = None
    size_type: str | None = None


class IssueDescriptor(WireModel):
    """Names an issue, an action or a resolution (IGM 2.0.0 ``descriptor``): ``code`` is
    the sub-category (``ITM004``), the action code (``PROCESSING``) or the resolution
    (``REFUND``)."""

    code: str | None = None
    name: str | None = None
    short_desc: str | None = None
    long_desc: str | None = None
    additional_desc: MediaFile | None = None
    images: builtins.list[IssueImage] | None = None
    media: builtins.list[MediaFile] | None = None


class ActorInfo(WireModel):
    """An actor's organisation (``"<subscriber id>::<domain>"``), contact and person."""

    org: IssueOrg | None = None
    contact: Contact | None = None
    person: Person | None = None


class IssueParty(WireModel):
    """A party to an issue (IGM 2.0.0 ``actors[]``): ``id``, ``type``, ``info``."""

    id: str | None = None
    type: str | None = None
    info: ActorInfo | None = None


class IssueRef(WireModel):
    """What an issue is about (IGM 2.0.0 ``refs[]``): ``ref_type`` ``ORDER``,
    ``PROVIDER``, ``FULFILLMENT``, ``ITEM`` ... and its ``ref_id``."""

    ref_id: str | None = None
    ref_type: str | None = None
    tags: builtins.list[TagGroup] | None = None


class IssueAction(WireModel):
    """One entry of the issue's log (IGM 2.0.0 ``actions[]``)."""

    id: str | None = None
    descriptor: IssueDescriptor | None = None
    updated_at: Timestamp | None = None
    action_by: str | None = None
    actor_details: Person | None = None
    ref_id: str | None = None
    ref_type: str | None = None
    tags: builtins.list[TagGroup] | None = None


class IssueResolution(WireModel):
    """A resolution proposed on an issue (IGM 2.0.0 ``resolutions[]``): ``descriptor.code``
    says what (``REFUND``), ``tags`` carry its terms (``refund_amount``)."""

    id: str | None = None
    ref_id: str | None = None
    ref_type: str | None = None
    descriptor: IssueDescriptor | None = None
    updated_at: Timestamp | None = None
    proposed_by: str | None = None
    tags: builtins.list[TagGroup] | None = None


class IssueV2(WireModel):
    """The issue (IGM 2.0.0 ``Issue``), whole, as both sides send it."""

    id: str | None = None
    status: str | None = None
    level: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    expected_response_time: ExpectedTime | None = None
    expected_resolution_time: ExpectedTime | None = None
    refs: builtins.list[IssueRef] | None = None
    actors: builtins.list[IssueParty] | None = None
    source_id: str | None = None
    complainant_id: str | None = None
    respondent_ids: builtins.list[str] | None = None
    resolver_ids: builtins.list[str] | None = None
    descriptor: IssueDescriptor | None = None
    last_action_id: str | None = None
    actions: builtins.list[IssueAction] | None = None
    resolutions: builtins.list[IssueResolution] | None = None
    tags: builtins.list[TagGroup] | None = None


class UpdateTarget(WireModel):
    """What the sender changed (IGM 2.0.0 ``update_target[]``): ``path`` and ``action``
    (``APPENDED``...)."""

    path: str | None = None
    action: str | None = None


class IssueMessageV2(WireModel):
    """The message of ``/issue`` and ``/on_issue`` (IGM 2.0.0)."""

    issue: IssueV2 | None = None
    update_target: builtins.list[UpdateTarget] | None = None


class IssueStatusMessageV2(WireModel):
    """``/issue_status`` (IGM 2.0.0): ``{"issue_id": ...}``."""

    issue_id: str | None = None


class IssueRequestV2(Request[IssueMessageV2]):
    """``/issue`` (IGM 2.0.0): the buyer app opens an issue or adds to its log."""


class OnIssueCallbackV2(Callback[IssueMessageV2]):
    """``/on_issue`` (IGM 2.0.0): the seller app's answer, solicited or not, with the whole
    issue."""


class IssueStatusRequestV2(Request[IssueStatusMessageV2]):
    """``/issue_status`` (IGM 2.0.0): the buyer app asks for the issue as it stands."""


class OnIssueStatusCallbackV2(Callback[IssueMessageV2]):
    """``/on_issue_status`` (IGM 2.0.0): the whole issue as it stands."""
