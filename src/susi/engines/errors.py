"""The one error shape of the engines: a code, the field at fault, and a `Text` saying what is wrong.

Every engine (phases, som, evidence, evaluation) raises `EngineError` (or a subclass named after the engine, so a
caller may catch just that engine's errors) for bad input. Nothing has been changed when one is raised. The web
layer shows `message` in the request's language; the API answers 422 with ``{"detail": [{field, message}]}``.
An error may carry several problems (the SØM engine reports every problem of a case at once); the first one is
also `code`/`field`/`message`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from susi.engines.text import Text


@dataclass(frozen=True)
class Problem:
    """One problem with one field. `field` may be a dotted path such as ``outcomes[0].success_rate``."""

    code: str
    field: str
    message: Text

    def __str__(self) -> str:
        return f"{self.field}: {self.message.en}" if self.field else self.message.en


class EngineError(ValueError):
    """Bad input to an engine: `code` (stable, for programs), `field`, `message` (a `Text`) and `problems`."""

    def __init__(self, field: str, message: Text, code: str = "invalid", *, row: int | None = None) -> None:
        self._carry((Problem(code, field, message),), row)

    def _carry(self, problems: Sequence[Problem], row: int | None) -> None:
        if not problems:
            raise ValueError(f"{type(self).__name__} needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.row = row
        ValueError.__init__(self, "; ".join(str(p) for p in self.problems))

    @classmethod
    def from_problems(cls, problems: Sequence[Problem], *, row: int | None = None) -> EngineError:
        """An error carrying several problems at once (at least one)."""
        error = cls.__new__(cls)
        error._carry(problems, row)
        return error

    @property
    def code(self) -> str:
        return self.problems[0].code

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def message(self) -> Text:
        return self.problems[0].message

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)


def join_field(base: str, below: str) -> str:
    """The path of `below` inside `base`: ``join_field("outcomes[0]", "sd")`` is ``outcomes[0].sd``, and an
    index or key (``[2]``) is written without a dot."""
    if not below:
        return base
    if not base:
        return below[1:] if below.startswith(".") else below
    return base + below if below[0] in ".[" else f"{base}.{below}"


def schema_path(loc: Sequence[int | str]) -> str:
    """A schema error's location as a field path: ``("outcomes", 0, "success_rate")`` → ``outcomes[0].success_rate``."""
    path = ""
    for part in loc:
        path = join_field(path, f"[{part}]" if isinstance(part, int) else str(part))
    return path


def problems_from_schema(errors: Sequence[Mapping[str, Any]], prefix: str = "") -> list[Problem]:
    """The problems of a pydantic validation (its `errors()` list), each at its field path below `prefix`.

    A validator that raised an `EngineError` keeps its own problems (field and `Text`), placed under the
    location where it was raised; any other schema error keeps pydantic's English sentence in both languages.
    A misspelt key comes first: the value it was meant to set may be what the other problems are about.
    """
    problems: list[Problem] = []
    for error in errors:
        where = join_field(prefix, schema_path(error.get("loc", ())))
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, EngineError):
            problems += [Problem(p.code, join_field(where, p.field), p.message) for p in cause.problems]
        else:
            message = str(error.get("msg", ""))
            problems.append(Problem(str(error.get("type", "invalid")), where, Text(message, message)))
    return sorted(problems, key=lambda p: p.code != "unknown_key")
