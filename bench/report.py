"""Results table and ratios for one `bench/run.sh` run (standard library only).

    python report.py RESULTS_TSV OUT_MD [KEY=VALUE ...]

Reads the harness's `results.tsv` (peers and Charter measured in the same run), prints a Markdown
report and writes it to OUT_MD. KEY=VALUE pairs (date, commit, database, ...) are listed as the
run's context. Goals (README of the shared harness, "GET with Basic AccountSid:AuthToken"):
`GOAL_BASIC_PCT` (40) and `STRETCH_BASIC_PCT` (60) percent of the Starlette null's req/s, p99 no
worse than the Authlib peer's on the same load, no non-2xx answers.
"""

from __future__ import annotations

import os
import sys

COLS = ["rps", "p50", "p90", "p99", "max", "requests", "non2xx", "sockerr", "secs"]
CHARTER = "charter"
SNULL = "null uvicorn+starlette"
PEER = "authlib peer"


def main() -> int:
    tsv, out_md, *context = sys.argv[1:]
    with open(tsv) as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
    data = [
        dict(server=r[0], load=r[1], **dict(zip(COLS, map(float, r[2:]), strict=True)))
        for r in rows
    ]

    def get(server: str, load: str) -> dict | None:
        return next((d for d in data if d["server"] == server and d["load"] == load), None)

    def pct(a: dict | None, b: dict | None) -> float | None:
        return 100 * a["rps"] / b["rps"] if a and b and b["rps"] else None

    def fp(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f} %"

    goal = float(os.environ.get("GOAL_BASIC_PCT", "40"))
    stretch = float(os.environ.get("STRETCH_BASIC_PCT", "60"))
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

    snull, peer, ours = get(SNULL, "null"), get(PEER, "get_basic"), get(CHARTER, "get_basic")
    nulls = [d for d in data if d["load"] == "null"]
    best = max(nulls, key=lambda d: d["rps"]) if nulls else None
    r_ours, r_peer = pct(ours, snull), pct(peer, snull)
    out += [
        "",
        "| ratio (same run) | value |",
        "|---|---:|",
        f"| Charter get_basic / Starlette null | {fp(r_ours)} (goal ≥ {goal:g} %, "
        f"stretch ≥ {stretch:g} %) |",
        f"| Authlib peer get_basic / Starlette null | {fp(r_peer)} |",
        f"| Charter get_basic / best null ({best['server'] if best else '-'}) "
        f"| {fp(pct(ours, best))} |",
        "| Charter get_basic / Authlib peer get_basic | "
        + ("-" if not (ours and peer) else f"{ours['rps'] / peer['rps']:.2f}×")
        + " |",
        "| Charter p99 / Authlib peer p99 (get_basic) | "
        + ("-" if not (ours and peer) else f"{ours['p99'] / peer['p99']:.2f}×")
        + " |",
        "",
    ]
    if ours is None or snull is None:
        verdict = "INCOMPLETE (Charter or the Starlette null was not measured)"
    else:
        misses = []
        if r_ours is None or r_ours < goal:
            misses.append(f"{fp(r_ours)} of null < {goal:g} %")
        if peer and ours["p99"] > peer["p99"]:
            misses.append("p99 worse than the Authlib peer's")
        if ours["non2xx"] or ours["sockerr"]:
            misses.append(f"{int(ours['non2xx'])} non-2xx, {int(ours['sockerr'])} socket errors")
        verdict = "PASS" if not misses else "FAIL: " + "; ".join(misses)
        if not misses and r_ours is not None and r_ours >= stretch:
            verdict += " (stretch met)"
    out.append(f"Goal (GET with Basic AccountSid:AuthToken, must): {verdict}")
    text = "\n".join(out)
    print(text)
    with open(out_md, "w") as handle:
        handle.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
