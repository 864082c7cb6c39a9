"""The shape of each record in geodata/ files, as pydantic models.

These models check form (required fields, types, vocabularies, year range, slugs); the checks that
need more than one record (unique ids, geometry inside the district, evidence text) live in
`validate.py`.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app import vocab

Slug = Annotated[
    str, StringConstraints(pattern=vocab.SLUG_PATTERN, max_length=vocab.SLUG_MAX_LENGTH)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Year = Annotated[int, Field(ge=vocab.YEAR_MIN, le=vocab.YEAR_MAX, strict=True)]
Status = Literal["planned", "under_construction", "completed", "in_service"]
Category = Literal[vocab.CATEGORIES]  # type: ignore[valid-type]
Stage = Literal[vocab.PROGRAMME_STAGES]  # type: ignore[valid-type]
BoundaryQuality = Literal[vocab.BOUNDARY_QUALITIES]  # type: ignore[valid-type]
Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvidenceRef(Record):
    document: Slug
    start: Annotated[int, Field(ge=0, strict=True)]
    end: Annotated[int, Field(gt=0, strict=True)]

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: int, info: Any) -> int:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise ValueError(f"evidence end ({end}) must be after start ({start})")
        return end


class DocumentRecord(Record):
    id: Slug
    title: Name
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
    file_name: str | None = None
    sha256: Hex64
    publisher: str | None = None


class StatusEventRecord(Record):
    year: Year
    status: Status
    milestone: str | None = None
    evidence: EvidenceRef


class TargetRecord(Record):
    year: Year
    status: Status
    evidence: EvidenceRef


class PublicName(Record):
    """A name public reporting or later reports use for the project (北京艺术中心 for the
    sub-centre theatre), with where it was found: publication, date, address."""

    name: Name
    source: Name


class ProjectProperties(Record):
    name: Name
    aliases: list[Name] = []  # other names the source documents use
    public_names: list[PublicName] = []
    category: Category
    geometry_quality: Literal["surveyed", "approximate", "schematic", "unplaced"]
    placement: str | None = None  # English
    placement_zh: str | None = None  # Chinese; the loader requires it wherever placement is
    description: str = ""  # English
    description_zh: str = ""  # Chinese; the loader requires it of every catalogue project
    cross_border: bool = False
    townships: list[Name] = []
    programmes: list[Slug] = []
    events: list[StatusEventRecord] = []
    targets: list[TargetRecord] = []
    # Where a document names the project without giving it a stage (no status follows).
    mentions: list[EvidenceRef] = []

    @property
    def names(self) -> list[str]:
        """Every name of the project: its own, the documents' aliases and its public names."""
        return [self.name, *self.aliases, *(p.name for p in self.public_names)]


class TownshipProperties(Record):
    code: Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
    name: Name
    kind: Literal["街道", "镇", "乡"]
    boundary_quality: BoundaryQuality
    seat: tuple[float, float] | None = None


class DistrictProperties(Record):
    code: Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
    name: Name
    boundary_quality: BoundaryQuality
    source: str | None = None


class ProgrammeTarget(Record):
    count: Annotated[float, Field(gt=0)]
    year: Year
    evidence: EvidenceRef


class ProgrammeProgressRecord(Record):
    year: Year
    kind: Literal["actual", "target"]
    count: Annotated[float, Field(ge=0)]
    note: str | None = None
    evidence: EvidenceRef


class ProgrammeRecord(Record):
    id: Slug
    name: Name
    aliases: list[Name] = []
    category: Category
    description: str = ""
    unit: str | None = None
    stage: Stage  # what its target and figures count: started, completed or in service
    target: ProgrammeTarget | None = None
    progress: list[ProgrammeProgressRecord] = []


class IndicatorValueRecord(Record):
    year: Year
    kind: Literal["baseline", "actual", "estimate", "target"]
    value: float
    qualifier: Literal["about", "at_least", "at_most"] | None = None
    note: str | None = None
    evidence: EvidenceRef


class IndicatorRecord(Record):
    id: Slug
    name: Name
    aliases: list[Name] = []
    unit: str | None = None
    description: str = ""
    values: list[IndicatorValueRecord] = []


# --- what an edit in the app sends: the same fields, checked by the same models -------------


class FileEvidenceRef(Record):
    """A whole uploaded file (photo, PDF) as evidence; its id comes from POST /uploads."""

    document: Slug


class StatusEventEdit(StatusEventRecord):
    evidence: EvidenceRef | FileEvidenceRef  # type: ignore[assignment]
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class TargetEdit(TargetRecord):
    evidence: EvidenceRef | FileEvidenceRef  # type: ignore[assignment]
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class GeometryEdit(Record):
    geometry: dict[str, Any] | None
    geometry_quality: Literal["surveyed", "approximate", "schematic", "unplaced"]
    placement: Name
    # The note in the other language, when the editor gives one; else the page shows `placement`
    # in both (never the note of the old position).
    placement_zh: str | None = None
    cross_border: bool = False


class ProjectCreate(Record):
    id: Slug
    name: Name
    aliases: list[Name] = []
    category: Category
    description: str = ""
    description_zh: str = ""
    programmes: list[Slug] = []
    geometry: dict[str, Any] | None = None
    geometry_quality: Literal["surveyed", "approximate", "schematic", "unplaced"] = "unplaced"
    placement: str | None = None
    placement_zh: str | None = None
    cross_border: bool = False


class RetireEdit(Record):
    reason: Name


class ProgrammeFigureEdit(ProgrammeProgressRecord):
    programme: Slug


class IndicatorFigureEdit(IndicatorValueRecord):
    indicator: Slug
