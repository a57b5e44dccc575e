from rest_framework import serializers

from ...models import AttendanceFigure, Event, EventCompany, EventOrganizer, EventParticipant
from ..fields import BriefRelatedField
from .base import SelfUrlField
from .provenance import CitedSerializer


class EventOrganizerSerializer(CitedSerializer):
    """An organising body's role: exactly one of `organizer` or `company`."""

    class Meta:
        model = EventOrganizer
        fields = ["id", "role", "organizer", "company", "note", "citations"]


class EventParticipantSerializer(CitedSerializer):
    class Meta:
        model = EventParticipant
        fields = ["id", "person", "role", "talk_title", "position_stated", "citations"]


class EventCompanySerializer(CitedSerializer):
    class Meta:
        model = EventCompany
        fields = ["id", "company", "role", "award", "citations"]


class AttendanceFigureSerializer(CitedSerializer):
    class Meta:
        model = AttendanceFigure
        fields = ["id", "audience", "count", "qualifier", "stated", "citations"]


class EventSerializer(CitedSerializer):
    url = SelfUrlField()
    when = serializers.CharField(read_only=True, help_text="The dates at the precision the source states.")
    sub_events = BriefRelatedField(many=True, read_only=True)
    organizers = EventOrganizerSerializer(source="organizer_roles", many=True, required=False)
    participants = EventParticipantSerializer(many=True, required=False)
    companies = EventCompanySerializer(many=True, required=False)
    attendance = AttendanceFigureSerializer(many=True, required=False)
    deals = BriefRelatedField(many=True, read_only=True)
    rankings = BriefRelatedField(many=True, read_only=True, help_text="Ranking lists released at the event.")
    reports = BriefRelatedField(many=True, read_only=True, help_text="Reports released at the event.")

    class Meta(CitedSerializer.Meta):
        model = Event
        fields = [
            "id",
            "url",
            "display",
            "name",
            "slug",
            "kind",
            "parent",
            "sub_events",
            "edition",
            "when",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "date_stated",
            "city",
            "district",
            "venue",
            "park",
            "theme",
            "summary",
            "description",
            "organizers",
            "participants",
            "companies",
            "attendance",
            "deals",
            "rankings",
            "reports",
            "citations",
        ]
