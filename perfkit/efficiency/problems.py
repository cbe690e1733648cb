"""Problems and code samples for efficiency scoring: the ENAMEL CSV and sample-file formats.

A :class:`Problem` carries everything a worker needs to build its tests and judge a sample: the prompt, the
expert reference (a body continuing the prompt's function), the input generator's source (a function
``generate_input(size, lid, cid)`` returning the argument tuple), one input size per level, and the checker's
source (``__check(input, answer, output) -> bool``). Loading is kept apart from scoring: any list of
``Problem`` values can be evaluated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from perfkit.errors import InvalidArgument

ENAMEL_HELPERS = "enam.datautils"
"""The module whose functions (``rand_parens``, ``rand_primality``...) ENAMEL's generators call (PyPI ``enam``)."""

ENAMEL_EXCLUDED = frozenset(
    {2, 23, 41, 45, 53, 60, 71, 92, 97, 99, 102, 123, 124, 135, 137, 138, 144, 148, 156, 157, 159, 160}
)
"""HumanEval ids that ENAMEL leaves out of its efficiency score (142 of 164 problems remain)."""

DEFAULT_CHECKER = "def __check(input, answer, output):\n    return type(output) == type(answer) and output == answer\n"
_COLUMNS = ("task_id", "prompt", "entry_point", "input_generator", "input_levels", "reference_solution", "checker")


@dataclass(frozen=True)
class Problem:
    """One problem. ``index`` takes part in the test seeds (ENAMEL: the row number in its CSV)."""

    task_id: str
    prompt: str
    entry_point: str
    generator: str
    levels: tuple[int, ...]
    reference: str
    checker: str = DEFAULT_CHECKER
    index: int = 0
    helpers: str | None = None

    def to_payload(self) -> dict[str, object]:
        """A plain dict for a worker process."""
        return {
            "task_id": self.task_id,
            "prompt": self.prompt,
            "entry_point": self.entry_point,
            "generator": self.generator,
            "levels": list(self.levels),
            "reference": self.reference,
            "checker": self.checker,
            "index": self.index,
            "helpers": self.helpers,
        }


def load_problems(
    path: str | Path, *, helpers: str | None = ENAMEL_HELPERS, exclude: Collection[int] | None = None
) -> list[Problem]:
    """Read an ENAMEL-style CSV (one row per problem) into :class:`Problem` values.

    ``helpers`` names a module whose globals the input generators may use (None: only ``random``, ``string``
    and ``time``); ``exclude`` drops rows whose HumanEval-style number (``.../N``, else the row number) is listed,
    e.g. :data:`ENAMEL_EXCLUDED`.
    """
    import pandas as pd

    file = Path(path)
    if not file.is_file():
        raise InvalidArgument("problems", str(path), "pass the path of an ENAMEL-style CSV file (e.g. enamel.csv)")
    try:
        table = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument("problems", str(path), f"pass a readable CSV file ({exc})") from None
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise InvalidArgument("problems", str(path), f"the CSV needs the columns {', '.join(missing)}")
    dropped = set() if exclude is None else {int(i) for i in exclude}
    problems = []
    for row, record in enumerate(table.to_dict("records")):
        if problem_number(record["task_id"], row) in dropped:
            continue
        try:
            levels = tuple(int(x) for x in record["input_levels"].split())
        except ValueError:
            raise InvalidArgument(
                "problems", str(path), f"row {row}: input_levels must be integers separated by spaces"
            ) from None
        problems.append(
            Problem(
                task_id=record["task_id"],
                prompt=record["prompt"],
                entry_point=record["entry_point"],
                generator=record["input_generator"],
                levels=levels,
                reference=record["reference_solution"],
                checker=record["checker"] or DEFAULT_CHECKER,
                index=row,
                helpers=helpers,
            )
        )
    return problems


def problem_number(task_id: str, row: int) -> int:
    """The number in ``HumanEval/N`` (any ``.../N`` id), else the row number."""
    match = re.search(r"(\d+)$", task_id)
    return int(match.group(1)) if match else row


def load_samples(path: str | Path, problems: Sequence[Problem]) -> list[list[str]]:
    """Read a samples file and align it with ``problems``: one list of code strings per problem.

    Accepted JSON: a list with one list of code strings per CSV row (ENAMEL's files), or an object mapping a
    row number or a task id to its list. Problems absent from the file get no samples (an error at evaluate).
    """
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidArgument("samples", str(path), "pass an existing JSON file of code samples") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgument("samples", str(path), f"pass a valid JSON file ({exc})") from None
    return align_samples(data, problems, name=str(path))


def align_samples(data: object, problems: Sequence[Problem], *, name: str = "samples") -> list[list[str]]:
    """One list of code strings per problem, from a per-row list or a {row or task_id: codes} mapping."""
    fix = "pass a JSON list (one list of code strings per problem row) or an object {row or task_id: [code, ...]}"
    if isinstance(data, Mapping):
        keyed = {str(k): v for k, v in data.items()}
        picked = [keyed.get(p.task_id, keyed.get(str(p.index))) for p in problems]
    elif isinstance(data, list):
        picked = [data[p.index] if p.index < len(data) else None for p in problems]
    else:
        raise InvalidArgument("samples", name, fix)
    out = []
    for problem, codes in zip(problems, picked, strict=True):
        if codes is None:
            codes = []
        if not (isinstance(codes, list) and all(isinstance(c, str) for c in codes)):
            raise InvalidArgument("samples", name, f"{problem.task_id}: {fix}")
        out.append(list(codes))
    return out
