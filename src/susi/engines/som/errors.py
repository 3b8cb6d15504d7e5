"""Errors the SØM engine raises on bad input: each names the field and says what is wrong, in two languages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field of a case. `field` is a dotted path such as ``outcomes[0].success_rate``."""

    field: str
    message: str
    message_da: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class SomInputError(ValueError):
    """A case that cannot be calculated. Carries every problem found, the first one as `field`/`message`."""

    def __init__(self, problems: list[FieldProblem] | tuple[FieldProblem, ...]):
        if not problems:
            raise ValueError("SomInputError needs at least one problem")
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        first = self.problems[0]
        self.field = first.field
        self.message = first.message
        self.message_da = first.message_da
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str, message_da: str) -> SomInputError:
        return cls([FieldProblem(field, message, message_da)])
