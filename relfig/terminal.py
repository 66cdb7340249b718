"""Terminal helpers shared by the commands: progress bars on stderr and number formatting."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def progress_bar(console: Console) -> Progress:
    """A progress display on ``console`` (stderr); plain lines only when it is not a terminal."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False, disable=not console.is_terminal,
    )  # fmt: skip


def number(value: float | None) -> str:
    """A score with three decimals, or n/a."""
    return "n/a" if value is None else f"{value:.3f}"
