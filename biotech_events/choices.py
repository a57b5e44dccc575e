"""Closed vocabularies of the catalogue, shared by models, admin, API and fixtures."""

from django.db import models


class DatePrecision(models.TextChoices):
    """How much of a stored date the source actually states."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class EventKind(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    FORUM = "forum", "Forum"
    SUMMIT = "summit", "Summit"
    WEEK = "week", "Industry week"
    SEMINAR = "seminar", "Seminar"
    OPENING_CEREMONY = "opening_ceremony", "Opening ceremony"
    BRANCH_SESSION = "branch_session", "Branch session or sub-forum"
    PANEL = "panel", "Panel or round table"
    SIDE_MEETING = "side_meeting", "Side meeting"
    SIGNING_CEREMONY = "signing_ceremony", "Signing ceremony"
    PRESS_CONFERENCE = "press_conference", "Press conference"
    EXHIBITION = "exhibition", "Exhibition"
    AWARD_CEREMONY = "award_ceremony", "Award ceremony"
    LAUNCH = "launch", "Launch or unveiling"
    SUPPORTING_ACTIVITY = "supporting_activity", "Supporting activity"
    OTHER = "other", "Other"


class OrganizerKind(models.TextChoices):
    GOVERNMENT = "government", "Government body or commission"
    AGENCY = "agency", "Regulatory or public agency"
    CENTRE = "centre", "Public centre"
    ASSOCIATION = "association", "Association or federation"
    ALLIANCE = "alliance", "Alliance"
    ACADEMY = "academy", "Academy of sciences or engineering"
    RESEARCH_INSTITUTE = "research_institute", "Research institute or laboratory"
    UNIVERSITY = "university", "University"
    HOSPITAL = "hospital", "Hospital"
    PARK_ADMINISTRATION = "park_administration", "Park or zone administration"
    MEDIA = "media", "Public media centre"
    OTHER = "other", "Other"


class CompanyKind(models.TextChoices):
    PHARMA = "pharma", "Pharmaceutical"
    BIOTECH = "biotech", "Biotechnology"
    MEDICAL_DEVICES = "medical_devices", "Medical devices"
    CRO_CDMO = "cro_cdmo", "CRO / CDMO"
    DIAGNOSTICS = "diagnostics", "Diagnostics"
    INVESTMENT = "investment", "Investment firm"
    PUBLISHER = "publisher", "Publisher"
    EQUIPMENT = "equipment", "Equipment and manufacturing technology"
    DIGITAL_HEALTH = "digital_health", "Digital health and AI"
    DEVELOPER = "developer", "Park developer or operator"
    CONGLOMERATE = "conglomerate", "Conglomerate"
    OTHER = "other", "Other"


class HostRole(models.TextChoices):
    """The part an organising body (or a co-hosting company) plays in an event."""

    GUIDANCE = "guidance", "Guidance"
    HOST = "host", "Host"
    CO_HOST = "co_host", "Co-host"
    ORGANISER = "organiser", "Organiser"
    CO_ORGANISER = "co_organiser", "Co-organiser"
    SUPPORTING = "supporting", "Supporting"
    EDITOR = "editor", "Editor of released material"


class CompanyRole(models.TextChoices):
    ATTENDEE = "attendee", "Attendee"
    EXHIBITOR = "exhibitor", "Exhibitor"
    AWARDEE = "awardee", "Awardee"
    SIGNATORY = "signatory", "Signatory"
    SPEAKER = "speaker", "Presenting company"


class PersonRole(models.TextChoices):
    KEYNOTE = "keynote", "Keynote speaker"
    SPEAKER = "speaker", "Speaker"
    MODERATOR = "moderator", "Moderator"
    PANELIST = "panelist", "Panelist"
    GUEST = "guest", "Guest"


class NameOrder(models.TextChoices):
    FAMILY_FIRST = "family_first", "Family name first"
    GIVEN_FIRST = "given_first", "Given name first"


class HonourKind(models.TextChoices):
    ACADEMICIAN = "academician", "Academician"
    FOREIGN_MEMBER = "foreign_member", "Foreign member of an academy"
    FELLOW = "fellow", "Fellow of a learned society"
    PRIZE = "prize", "Prize"
    OTHER = "other", "Other"


class DealKind(models.TextChoices):
    LICENSING = "licensing", "Licensing agreement"
    INVESTMENT = "investment", "Investment project"
    INDUSTRIAL_PROJECT = "industrial_project", "Industrial project signing"
    COOPERATION = "cooperation", "Cooperation agreement"
    JOINT_LABORATORY = "joint_laboratory", "Joint laboratory"
    BUNDLE = "bundle", "Bundle of projects"


class DealRole(models.TextChoices):
    LICENSOR = "licensor", "Licensor"
    LICENSEE = "licensee", "Licensee"
    INVESTOR = "investor", "Investor"
    PROJECT_OWNER = "project_owner", "Project owner"
    HOST_ZONE = "host_zone", "Host zone or district"
    PARTNER = "partner", "Partner"
    SIGNATORY = "signatory", "Signatory"


class AmountQualifier(models.TextChoices):
    """How the source qualifies a stated amount or count."""

    EXACT = "exact", "Exact"
    APPROXIMATELY = "approximately", "Approximately"
    NEARLY = "nearly", "Nearly"
    OVER = "over", "Over / more than"
    UP_TO = "up_to", "Up to"
    IN_TOTAL = "in_total", "In total"


class ParkKind(models.TextChoices):
    HIGH_TECH_ZONE = "high_tech_zone", "High-tech zone"
    INDUSTRIAL_PARK = "industrial_park", "Industrial park"
    DEMONSTRATION_ZONE = "demonstration_zone", "Demonstration zone"
    ECONOMIC_DEVELOPMENT_ZONE = "economic_development_zone", "Economic development zone"
    SCIENCE_PARK = "science_park", "Science park"
    BIOTECH_CITY = "biotech_city", "Biotech city or base"
    OTHER = "other", "Other"


class RankingCategory(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "Comprehensive"
    INDIVIDUAL = "individual", "Individual dimension"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh", "Chinese"


class AliasKind(models.TextChoices):
    SPELLING = "spelling", "Other spelling or word order"
    ABBREVIATION = "abbreviation", "Abbreviation"
    TRANSLITERATION = "transliteration", "Transliteration"
    FULL_NAME = "full_name", "Full legal name"
    CHINESE = "chinese", "Chinese name"
    FORMER = "former", "Former name"


# Active ISO 4217 currency codes: the only values Deal.currency accepts.
CURRENCY_CODES = [
    "AED",
    "AFN",
    "ALL",
    "AMD",
    "ANG",
    "AOA",
    "ARS",
    "AUD",
    "AWG",
    "AZN",
    "BAM",
    "BBD",
    "BDT",
    "BGN",
    "BHD",
    "BIF",
    "BMD",
    "BND",
    "BOB",
    "BRL",
    "BSD",
    "BTN",
    "BWP",
    "BYN",
    "BZD",
    "CAD",
    "CDF",
    "CHF",
    "CLP",
    "CNY",
    "COP",
    "CRC",
    "CUP",
    "CVE",
    "CZK",
    "DJF",
    "DKK",
    "DOP",
    "DZD",
    "EGP",
    "ERN",
    "ETB",
    "EUR",
    "FJD",
    "FKP",
    "GBP",
    "GEL",
    "GHS",
    "GIP",
    "GMD",
    "GNF",
    "GTQ",
    "GYD",
    "HKD",
    "HNL",
    "HTG",
    "HUF",
    "IDR",
    "ILS",
    "INR",
    "IQD",
    "IRR",
    "ISK",
    "JMD",
    "JOD",
    "JPY",
    "KES",
    "KGS",
    "KHR",
    "KMF",
    "KPW",
    "KRW",
    "KWD",
    "KYD",
    "KZT",
    "LAK",
    "LBP",
    "LKR",
    "LRD",
    "LSL",
    "LYD",
    "MAD",
    "MDL",
    "MGA",
    "MKD",
    "MMK",
    "MNT",
    "MOP",
    "MRU",
    "MUR",
    "MVR",
    "MWK",
    "MXN",
    "MYR",
    "MZN",
    "NAD",
    "NGN",
    "NIO",
    "NOK",
    "NPR",
    "NZD",
    "OMR",
    "PAB",
    "PEN",
    "PGK",
    "PHP",
    "PKR",
    "PLN",
    "PYG",
    "QAR",
    "RON",
    "RSD",
    "RUB",
    "RWF",
    "SAR",
    "SBD",
    "SCR",
    "SDG",
    "SEK",
    "SGD",
    "SHP",
    "SLE",
    "SOS",
    "SRD",
    "SSP",
    "STN",
    "SVC",
    "SYP",
    "SZL",
    "THB",
    "TJS",
    "TMT",
    "TND",
    "TOP",
    "TRY",
    "TTD",
    "TWD",
    "TZS",
    "UAH",
    "UGX",
    "USD",
    "UYU",
    "UZS",
    "VES",
    "VND",
    "VUV",
    "WST",
    "XAF",
    "XCD",
    "XCG",
    "XOF",
    "XPF",
    "YER",
    "ZAR",
    "ZMW",
    "ZWG",
]
