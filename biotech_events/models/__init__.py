from .base import NaturalKeyManager, NaturalKeyModel, SluggedModel
from .deals import Deal, DealParty
from .events import AttendanceFigure, Event, EventCompany, EventOrganizer, EventParticipant
from .merges import MergedRecord
from .organizations import Company, Organizer
from .people import Affiliation, Honour, Person
from .rankings import Park, ParkRanking, RankingList, Report
from .sources import ALIAS_TARGET_FIELDS, CITATION_TARGET_FIELDS, Alias, Citation, SourceDocument

__all__ = [
    "ALIAS_TARGET_FIELDS",
    "CITATION_TARGET_FIELDS",
    "Affiliation",
    "Alias",
    "AttendanceFigure",
    "Citation",
    "Company",
    "Deal",
    "DealParty",
    "Event",
    "EventCompany",
    "EventOrganizer",
    "EventParticipant",
    "Honour",
    "MergedRecord",
    "NaturalKeyManager",
    "NaturalKeyModel",
    "Organizer",
    "Park",
    "ParkRanking",
    "Person",
    "RankingList",
    "Report",
    "SluggedModel",
    "SourceDocument",
]
