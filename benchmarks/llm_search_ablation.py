"""What the population and novelty rejection buy the LLM refinement loop, against a SCRIPTED model.

The "model" here is not a language model: it is a deterministic script behind a local OpenAI-compatible server
(http.server on 127.0.0.1), driven through the real LLMProposer and the real verifier and timer. It mimics what
makes real models costly to search with: it often answers with a respelling of a program it was shown (other
local names: a duplicate the verifier need not see), its first try at a better idea is often wrong, and it
improves only on what the prompt shows it:

- it reads the code blocks of the prompt and finds the best rung of a three-rung ladder it can see
  (L1 a seen-set loop, L2 a comprehension with a bound ``add``, L3 ``dict.fromkeys``), and answers the next
  rung; with probability ``REPEAT`` it respells the best program it sees instead, and with probability
  ``SIDETRACK`` it offers a correct program no faster than the original (an idea that does not pay);
- its first answer at a rung is the buggy version (order lost, or nothing kept) until the prompt shows that
  buggy version failing; then it answers the correct one.

So without a population it climbs only from the programs its feedback window still shows; with one, each request
starts from a parent drawn by speedup and carries the fastest other rewrites. Without novelty, respellings are
verified (and timed) again. Printed per configuration (mean over seeds): requests and verifier calls until the
best rung (L3) was accepted (runs that never got there count as the whole budget and are listed), rounds to
it, duplicates skipped, verifier calls in all.

    .venv/bin/python benchmarks/llm_search_ablation.py [--seeds 3] [--rounds 6] [--per-round 2]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = """def first_seen(items):
    kept = []
    for item in items:
        if item not in kept:
            kept.append(item)
    return kept
"""
LADDER = (
    "def first_seen(items):\n    seen = set()\n    kept = []\n    for item in items:\n        if item not in seen:\n"
    "            seen.add(item)\n            kept.append(item)\n    return kept\n",
    "def first_seen(items):\n    seen = set()\n    add = seen.add\n"
    "    return [item for item in items if not (item in seen or add(item))]\n",
    "def first_seen(items):\n    return list(dict.fromkeys(items))\n",
)
BUGGY = (
    "def first_seen(items):\n    return sorted(set(items))\n",
    "def first_seen(items):\n    seen = set()\n    return [item for item in items if item not in seen]\n",
    "def first_seen(items):\n    return list(set(items))\n",
)
SIDETRACKS = (  # correct but no faster than the original: they crowd a feedback window
    "def first_seen(items):\n    return sorted(set(items), key=items.index)\n",
    "def first_seen(items):\n    return [item for i, item in enumerate(items) if item not in items[:i]]\n",
)
REPEAT = 0.35  # chance of answering with a respelling of the best program shown
SIDETRACK = 0.2  # chance of a correct program that is no faster (an idea that does not pay)
MISTAKE = 0.7  # chance of the buggy version at a new rung, until its failure is shown
_CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def respell(source: str, k: int) -> str:
    """The same program with other local names (``seen`` -> ``seen_k``, ...): text and plain AST differ."""
    import ast

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in ("seen", "kept", "add", "item"):
            node.id = f"{node.id}_{k}"
    return ast.unparse(tree) + "\n"


class ScriptedModel:
    """The deterministic script (see the module docstring); ``log`` keeps every answer in order."""

    def __init__(self, seed: int) -> None:
        from perfkit.optimizers.novelty import program_key

        self.key = lambda s: program_key(s, name="first_seen")
        self.rng = random.Random(seed)
        self.log: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, prompt: str) -> str:
        with self.lock:
            shown = {self.key(block) for block in _CODE.findall(prompt)}
            level = max((i + 1 for i, s in enumerate(LADDER) if self.key(s) in shown), default=0)
            draw, spelling = self.rng.random(), self.rng.randrange(1000)
            if level == len(LADDER) or draw < REPEAT:
                answer = respell(LADDER[level - 1] if level else TARGET, spelling)
            elif draw < REPEAT + SIDETRACK:
                answer = respell(SIDETRACKS[spelling % len(SIDETRACKS)], spelling)
            else:
                failed = self.key(BUGGY[level]) in shown and "fail" in prompt
                wrong = not failed and draw < REPEAT + SIDETRACK + (1 - REPEAT - SIDETRACK) * MISTAKE
                answer = BUGGY[level] if wrong else respell(LADDER[level], spelling)
            self.log.append(answer)
            return f"Here it is:\n```python\n{answer}```\n"


def serve(model: ScriptedModel) -> tuple[ThreadingHTTPServer, str]:
    """A minimal OpenAI-compatible server: GET /v1/models, POST /v1/chat/completions answered by ``model``."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._send({"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "bench"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            text = model(body["messages"][-1]["content"])
            self._send(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "scripted"),
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            )

        def _send(self, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1"


def run(func: Any, *, seed: int, population: int, novelty: bool, rounds: int, per_round: int) -> dict[str, Any]:
    from perfkit.optimizers import loop
    from perfkit.optimizers.llm import LLMProposer
    from perfkit.optimizers.novelty import program_key

    model = ScriptedModel(seed)
    httpd, url = serve(model)
    verified: list[str] = []
    real = loop.behaves_like

    def counting(original: Any, candidate: Any, inputs: Any, **kwargs: Any) -> Any:
        verified.append(candidate.source)
        return real(original, candidate, inputs, **kwargs)

    loop.behaves_like = counting  # type: ignore[assignment]
    try:
        llm = LLMProposer(model="scripted", base_url=url, api_key="unused", seed=seed)
        big, small = [(i * 7919) % 1500 for i in range(3000)], [(i * 31) % 301 for i in range(300)]
        stress: list[Any] = [((big,), {}), ((small,), {})]
        result = loop.optimize_function(
            func,
            stress_inputs=stress,
            proposers=[llm],
            rounds=rounds,
            candidates_per_round=per_round,
            examples=40,
            measure_rounds=2,
            max_sizes=1,
            population=population,
            novelty=novelty,
        )
    finally:
        loop.behaves_like = real  # type: ignore[assignment]
        httpd.shutdown()
        httpd.server_close()
    best = program_key(LADDER[-1], name="first_seen")
    reached = next(
        (a for a in result.history if a.verdict == "accepted" and program_key(a.source, name="first_seen") == best),
        None,
    )
    requests = len(model.log)
    return {
        "reached": reached is not None,
        "requests": model.log.index(reached.source) + 1 if reached else requests,
        "verified_to_best": verified.index(reached.source) + 1 if reached else len(verified),
        "rounds": reached.round if reached else rounds,
        "duplicates": result.duplicates,
        "verified": len(verified),
        "requests_all": requests,
        "best": max((a.speedup or 0.0) for a in result.history if a.verdict == "accepted") if result.winner else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--per-round", type=int, default=2)
    args = parser.parse_args()
    import importlib
    import os

    folder = Path(tempfile.mkdtemp(prefix="perfkit-ablation-"))
    (folder / "ablation_target.py").write_text(TARGET)
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(folder), str(ROOT), os.environ.get("PYTHONPATH", "")])
    func = importlib.import_module("ablation_target").first_seen
    configs = [("population + novelty", 8, True), ("population only", 8, False)]
    configs += [("novelty only", 0, True), ("neither (feedback only)", 0, False)]
    print("SCRIPTED model (deterministic, not an LLM): see this file's docstring for what it does.")
    print(f"seeds {args.seeds}, budget {args.rounds} rounds x {args.per_round} requests per function\n")
    header = f"{'configuration':26} {'reached':>8} {'requests':>9} {'verif. to best':>15} {'rounds':>7}"
    print(header + f" {'duplicates':>11} {'verif. all':>11} {'best x':>8}")
    for label, population, novelty in configs:
        rows = [
            run(func, seed=s, population=population, novelty=novelty, rounds=args.rounds, per_round=args.per_round)
            for s in range(args.seeds)
        ]

        def mean(key: str, found: list[dict[str, Any]] = rows) -> float:
            return statistics.fmean(float(r[key]) for r in found)

        reached = sum(r["reached"] for r in rows)
        print(
            f"{label:26} {reached:>5}/{len(rows):<2} {mean('requests'):>9.1f} {mean('verified_to_best'):>15.1f} "
            f"{mean('rounds'):>7.1f} {mean('duplicates'):>11.1f} {mean('verified'):>11.1f} {mean('best'):>8.1f}"
        )
        sys.stdout.flush()
    print("\nrequests / verif. to best: until the best rung (L3) was accepted; a run that never got there counts its")
    print("whole budget. duplicates: answers skipped as a program met before (normalised AST, or identical AST).")


if __name__ == "__main__":
    main()
