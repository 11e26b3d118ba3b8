"""Results table and goal ratios for one `bench/run.sh` run (standard library only).

    python report.py RESULTS_TSV OUT_MD [KEY=VALUE ...]

Reads the harness's `results.tsv` (null endpoints, the Authlib peer and Charter measured in the
same run), prints a Markdown report and writes it to OUT_MD. KEY=VALUE pairs (date, commit,
database, ...) are listed as the run's context.

The goals are the shared harness README's goal table for Charter ("must"; stretch in brackets),
each a ratio within this run:

    token / Authlib peer token              >= 3x    (5x)     GOAL_TOKEN_X, STRETCH_TOKEN_X
    token p99 / Authlib peer token p99      <= 0.5   GOAL_TOKEN_P99_X
    GET bearer / Starlette null             >= 25 %  (35 %)   GOAL_BEARER_PCT, STRETCH_BEARER_PCT
    GET basic / Starlette null              >= 40 %  (60 %)   GOAL_BASIC_PCT, STRETCH_BASIC_PCT
    introspect / Authlib peer introspect    >= 3x    (5x)     GOAL_INTROSPECT_X, STRETCH_...
    every load: p99 no worse than the peer's on the same load, no non-2xx answers

Charter's own loads (messages_list, messages_create) are listed in the table but have no goal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

COLS = ["rps", "p50", "p90", "p99", "max", "requests", "non2xx", "sockerr", "secs"]
CHARTER = "charter"
SNULL = "null uvicorn+starlette"
PEER = "authlib peer"
HARNESS_LOADS = ("token", "get_bearer", "get_basic", "introspect")

Row = dict[str, Any]


def env(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def main() -> int:
    tsv, out_md, *context = sys.argv[1:]
    with open(tsv) as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    data: list[Row] = [
        dict(server=r[0], load=r[1], **dict(zip(COLS, map(float, r[2:]), strict=True)))
        for r in rows
    ]

    def get(server: str, load: str) -> Row | None:
        return next((d for d in data if d["server"] == server and d["load"] == load), None)

    def rps_ratio(a: Row | None, b: Row | None) -> float | None:
        return a["rps"] / b["rps"] if a and b and b["rps"] else None

    snull = get(SNULL, "null")
    nulls = [d for d in data if d["load"] == "null"]
    best = max(nulls, key=lambda d: d["rps"]) if nulls else None
    ours = {load: get(CHARTER, load) for load in HARNESS_LOADS}
    peer = {load: get(PEER, load) for load in HARNESS_LOADS}

    out = ["# Charter benchmark run", ""]
    for item in context:
        key, _, value = item.partition("=")
        out.append(f"- {key}: {value}")
    out += [
        "",
        "| server | load | req/s | p50 ms | p99 ms | non-2xx |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for d in data:
        out.append(
            f"| {d['server']} | {d['load']} | {d['rps']:,.0f} | {d['p50']:.2f} | "
            f"{d['p99']:.2f} | {int(d['non2xx'])} |"
        )

    # (label, value, formatter, must, stretch, higher_is_better)
    def times(v: float) -> str:
        return f"{v:.2f}×"

    def pct(v: float) -> str:
        return f"{100 * v:.1f} %"

    token_p99 = (
        ours["token"]["p99"] / peer["token"]["p99"]
        if ours["token"] and peer["token"] and peer["token"]["p99"]
        else None
    )
    goals: list[tuple[str, float | None, Callable[[float], str], float, float | None, bool]] = [
        (
            "token / peer token",
            rps_ratio(ours["token"], peer["token"]),
            times,
            env("GOAL_TOKEN_X", 3),
            env("STRETCH_TOKEN_X", 5),
            True,
        ),
        ("token p99 / peer token p99", token_p99, times, env("GOAL_TOKEN_P99_X", 0.5), None, False),
        (
            "GET bearer / Starlette null",
            rps_ratio(ours["get_bearer"], snull),
            pct,
            env("GOAL_BEARER_PCT", 25) / 100,
            env("STRETCH_BEARER_PCT", 35) / 100,
            True,
        ),
        (
            "GET basic / Starlette null",
            rps_ratio(ours["get_basic"], snull),
            pct,
            env("GOAL_BASIC_PCT", 40) / 100,
            env("STRETCH_BASIC_PCT", 60) / 100,
            True,
        ),
        (
            "introspect / peer introspect",
            rps_ratio(ours["introspect"], peer["introspect"]),
            times,
            env("GOAL_INTROSPECT_X", 3),
            env("STRETCH_INTROSPECT_X", 5),
            True,
        ),
    ]
    out += [
        "",
        "| ratio (same run) | Charter | goal (must) | stretch | verdict |",
        "|---|---:|---:|---:|---|",
    ]
    misses: list[str] = []
    for label, value, fmt, must, stretch, higher in goals:
        sign = "≥" if higher else "≤"
        if value is None:
            verdict = "not measured"
            misses.append(f"{label} not measured")
        else:
            ok = value >= must if higher else value <= must
            verdict = "PASS" if ok else "FAIL"
            if ok and stretch is not None and value >= stretch:
                verdict += " (stretch)"
            if not ok:
                misses.append(f"{label} {fmt(value)}")
        out.append(
            f"| {label} | {'-' if value is None else fmt(value)} | {sign} {fmt(must)} | "
            f"{'-' if stretch is None else '≥ ' + fmt(stretch)} | {verdict} |"
        )

    out += [
        "",
        "| load | Charter p99 / peer p99 | Charter non-2xx | peer non-2xx | Authlib peer / "
        "Starlette null | Charter / best null |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for load in HARNESS_LOADS:
        o, p = ours[load], peer[load]
        p99 = f"{o['p99'] / p['p99']:.2f}×" if o and p and p["p99"] else "-"
        if o and p and o["p99"] > p["p99"]:
            misses.append(f"{load} p99 worse than the peer's")
        if o and (o["non2xx"] or o["sockerr"]):
            misses.append(f"{load}: {int(o['non2xx'])} non-2xx, {int(o['sockerr'])} socket errors")
        peer_null = rps_ratio(p, snull)
        best_null = rps_ratio(o, best)
        out.append(
            f"| {load} | {p99} | {'-' if not o else int(o['non2xx'])} | "
            f"{'-' if not p else int(p['non2xx'])} | "
            f"{'-' if peer_null is None else pct(peer_null)} | "
            f"{'-' if best_null is None else pct(best_null)} |"
        )
    out.append("")
    if snull:
        out.append(f"Starlette null = {snull['rps']:,.0f} req/s (the goals' baseline)")
    if best:
        out.append(f"best null = {best['server']} ({best['rps']:,.0f} req/s; physical limit only)")
    verdict = "PASS" if not misses else "FAIL: " + "; ".join(misses)
    out.append(f"Goals (must, README goal table): {verdict}")
    text = "\n".join(out)
    print(text)
    with open(out_md, "w") as handle:
        handle.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
