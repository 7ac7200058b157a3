"""Issue and grievance management, IGM 1.0.0: the issue and its four bodies.

IGM has its own version (``context.core_version`` ``"1.0.0"``) but the retail context and
the same request/callback pattern: ``issue``, ``on_issue``, ``issue_status``,
``on_issue_status``. For a retail issue the seller app is the respondent: the buyer app
raises an ``issue`` (category ``ORDER``/``ITEM``/``FULFILLMENT``/``AGENT``/``PAYMENT``/
``TRANSACTION``, sub-category such as ``ITM02``, ``issue_type`` ``ISSUE``/``GRIEVANCE``/
``DISPUTE``), we answer with respondent actions (``PROCESSING``, ``CASCADED``,
``RESOLVED``, ``NEED-MORE-INFO``), a ``resolution`` and who resolved it
(``resolution_provider``), and the complainant closes it (``status`` ``CLOSED``, a
``rating``).
"""

from __future__ import annotations

from schemas._base import Count, DecimalValue, WireModel
from schemas._descriptor import MediaFile
from schemas._payloads import Callback, Request
from schemas._person import Contact, Person
from schemas._time import Timestamp


class IssueOrg(WireModel):
    """An organisation named in an issue (IGM 1.0.0 ``org``): ``name`` is
    ``"<subscriber id>::<domain>"``."""

    name: str | None = None


class IssueActor(WireModel):
    """Who acted on an issue (IGM 1.0.0 ``updated_by``, ``respondent_info.organization``):
    the organisation, a contact and a person."""

    org: IssueOrg | None = None
    contact: Contact | None = None
    person: Person | None = None


class Complainant(WireModel):
    """The person who raised the issue (IGM 1.0.0 ``complainant_info``)."""

    person: Person | None = None
    contact: Contact | None = None


class IssueOrderItem(WireModel):
    """An order line an issue is about (IGM 1.0.0 ``order_details.items[]``)."""

    id: str | None = None
    quantity: Count | None = None


class IssueOrderFulfillment(WireModel):
    """A fulfilment an issue is about (IGM 1.0.0 ``order_details.fulfillments[]``);
    ``state`` is the fulfilment state code, e.g. ``Order-delivered``."""

    id: str | None = None
    state: str | None = None


class IssueOrderDetails(WireModel):
    """The order an issue is about (IGM 1.0.0 ``order_details``)."""

    id: str | None = None
    state: str | None = None
    items: list[IssueOrderItem] | None = None
    fulfillments: list[IssueOrderFulfillment] | None = None
    provider_id: str | None = None
    merchant_order_id: str | None = None


class IssueDescription(WireModel):
    """What went wrong, in the complainant's words and images (IGM 1.0.0 ``description``)."""

    short_desc: str | None = None
    long_desc: str | None = None
    additional_desc: MediaFile | None = None
    images: list[str] | None = None


class IssueSource(WireModel):
    """Who raised the issue (IGM 1.0.0 ``source``): ``network_participant_id`` and
    ``type`` ``CONSUMER``/``SELLER``/``INTERFACING-NP``."""

    network_participant_id: str | None = None
    type: str | None = None


class ExpectedTime(WireModel):
    """A promised time (IGM 1.0.0 ``expected_response_time``,
    ``expected_resolution_time``): an ISO 8601 ``duration``."""

    duration: str | None = None


class ComplainantAction(WireModel):
    """A complainant's step (IGM 1.0.0): ``OPEN``, ``ESCALATE`` or ``CLOSE``."""

    complainant_action: str | None = None
    short_desc: str | None = None
    updated_at: Timestamp | None = None
    updated_by: IssueActor | None = None


class RespondentAction(WireModel):
    """A respondent's step (IGM 1.0.0): ``PROCESSING``, ``CASCADED``, ``RESOLVED`` or
    ``NEED-MORE-INFO``; ``cascaded_level`` counts hops to the party that acted."""

    respondent_action: str | None = None
    short_desc: str | None = None
    updated_at: Timestamp | None = None
    updated_by: IssueActor | None = None
    cascaded_level: Count | None = None


class IssueActions(WireModel):
    """The issue's history (IGM 1.0.0 ``issue_actions``), each side's steps in order."""

    complainant_actions: list[ComplainantAction] | None = None
    respondent_actions: list[RespondentAction] | None = None


class Resolution(WireModel):
    """How the issue was resolved (IGM 1.0.0 ``resolution``): ``action_triggered``
    ``REFUND``/``REPLACEMENT``/``CANCEL``/``NO-ACTION``, with ``refund_amount``."""

    short_desc: str | None = None
    long_desc: str | None = None
    action_triggered: str | None = None
    refund_amount: DecimalValue | None = None


class GrievanceOfficer(WireModel):
    """A grievance redressal officer (IGM 1.0.0 ``gros[]``); ``gro_type`` e.g.
    ``TRANSACTION-COUNTERPARTY-NP-GRO``."""

    person: Person | None = None
    contact: Contact | None = None
    gro_type: str | None = None


class ResolutionSupport(WireModel):
    """Where the complainant gets help (IGM 1.0.0 ``resolution_support``)."""

    chat_link: str | None = None
    contact: Contact | None = None
    gros: list[GrievanceOfficer] | None = None


class RespondentInfo(WireModel):
    """The resolving party (IGM 1.0.0 ``respondent_info``); ``type`` e.g.
    ``TRANSACTION-COUNTERPARTY-NP``."""

    type: str | None = None
    organization: IssueActor | None = None
    resolution_support: ResolutionSupport | None = None


class ResolutionProvider(WireModel):
    """Who provided the resolution (IGM 1.0.0 ``resolution_provider``)."""

    respondent_info: RespondentInfo | None = None


class Issue(WireModel):
    """A complaint about an order (IGM 1.0.0 ``Issue``).

    ``/issue`` carries the full issue; ``/on_issue`` and ``/on_issue_status`` carry its
    ``id``, the respondent's ``issue_actions`` and, once resolved, ``resolution`` and
    ``resolution_provider``; a closing ``/issue`` sets ``status`` ``CLOSED`` and
    ``rating`` ``THUMBS-UP``/``THUMBS-DOWN``.
    """

    id: str | None = None
    category: str | None = None
    sub_category: str | None = None
    complainant_info: Complainant | None = None
    order_details: IssueOrderDetails | None = None
    description: IssueDescription | None = None
    source: IssueSource | None = None
    expected_response_time: ExpectedTime | None = None
    expected_resolution_time: ExpectedTime | None = None
    status: str | None = None
    issue_type: str | None = None
    issue_actions: IssueActions | None = None
    rating: str | None = None
    resolution: Resolution | None = None
    resolution_provider: ResolutionProvider | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class IssueMessage(WireModel):
    """``{"issue": ...}``: the message of ``/issue``, ``/on_issue`` and
    ``/on_issue_status`` (IGM 1.0.0)."""

    issue: Issue | None = None


class IssueStatusMessage(WireModel):
    """``/issue_status`` (IGM 1.0.0): ``{"issue_id": ...}``."""

    issue_id: str | None = None


class IssueRequest(Request[IssueMessage]):
    """``/issue`` (IGM 1.0.0): the buyer app raises, escalates or closes an issue."""


class OnIssueCallback(Callback[IssueMessage]):
    """``/on_issue`` (IGM 1.0.0): the respondent's first answer (``PROCESSING`` ...)."""


class IssueStatusRequest(Request[IssueStatusMessage]):
    """``/issue_status`` (IGM 1.0.0): the buyer app asks for an issue's state."""


class OnIssueStatusCallback(Callback[IssueMessage]):
    """``/on_issue_status`` (IGM 1.0.0): the issue's state and resolution; also sent
    unsolicited when the respondent acts."""
