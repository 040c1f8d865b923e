"""What an import says of each file, and of the whole run."""

from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, REJECTED)


@dataclass
class FileReport:
    path: str
    outcome: str
    messages: list[str] = field(default_factory=list)
    story: str = ""  # the slug of the story its article is in
    story_outcome: str = ""  # started, joined or stayed (articles.stories.placement)

    def as_dict(self) -> dict:
        data = {"path": self.path, "outcome": self.outcome, "messages": self.messages}
        if self.story:
            data["story"] = {"slug": self.story, "outcome": self.story_outcome}
        return data


@dataclass
class ImportSummary:
    """Counts only: per-file reports stream through ``on_file``, so memory does not grow with the tree."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    with_warnings: int = 0
    elapsed: float = 0.0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, report: FileReport) -> None:
        self.counts[report.outcome] += 1
        if report.messages and report.outcome != REJECTED:
            self.with_warnings += 1

    def line(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        counts = ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in OUTCOMES)
        return f"{verb} {self.total} files: {counts} ({self.with_warnings} with warnings) in {self.elapsed:.1f}s."
