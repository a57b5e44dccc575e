from .deals import DealSerializer
from .events import EventSerializer
from .organizations import CompanySerializer, OrganizerSerializer
from .people import PersonSerializer
from .provenance import SourceDocumentSerializer
from .rankings import ParkRankingSerializer, ParkSerializer, RankingListSerializer, ReportSerializer

__all__ = [
    "CompanySerializer",
    "DealSerializer",
    "EventSerializer",
    "OrganizerSerializer",
    "ParkRankingSerializer",
    "ParkSerializer",
    "PersonSerializer",
    "RankingListSerializer",
    "ReportSerializer",
    "SourceDocumentSerializer",
]
