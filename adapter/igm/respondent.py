"""Who answers grievances for us, read from the settings."""

from __future__ import annotations

from adapter.igm.issue2 import Respondent
from adapter.settings import Settings

__all__ = ["respondent"]


def respondent(settings: Settings) -> Respondent:
    """The grievance desk and officer the settings name (``ONDC_GRIEVANCE_DESK_*``,
    ``ONDC_GRO_*``)."""
    return Respondent(
        subscriber_id=settings.subscriber_id,
        name=settings.grievance_desk_name,
        phone=settings.grievance_desk_phone,
        email=settings.grievance_desk_email,
        gro_name=settings.gro_name,
        gro_phone=settings.gro_phone,
        gro_email=settings.gro_email,
    )
