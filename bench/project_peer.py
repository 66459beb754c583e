#!/usr/bin/env python3
"""The peer of `cws bench-project`: the same stock-and-flow model (docs/definitions.md §7,
crates/project/src/model.rs) written as vectorised NumPy over every run and area at once,
on the inputs cws measured (`--inputs-out`), for the same horizon and runs.

Each year, on arrays of shape (runs, areas, groups, bands, tiers):
  1. leavers ~ Binomial(n, leave), then retirements ~ Binomial(n - leavers, retire / (1 - leave))
     (competing chances, normalised when they sum over 1);
  4. ageing: Binomial(n, 1 / width) of each band move up one (the oldest band stays);
  5. joiners ~ Poisson(mean) a group, spread over its profile's cells (multinomial);
  6. agency FTE = the group's agency share x its employed FTE.
Each run first draws its rates from Beta(mean x evidence, (1 - mean) x evidence) and its
joiners a year from Gamma(mean x years + 1/2, 1 / years), as cws does. Moves between role
groups, training places and agency conversion are not used by the benchmark's scenario (cws
measures no moves; the levers are as now), and the peer checks that.

Usage: project_peer.py INPUTS.json [--chunk RUNS]
Prints the seconds taken, the peak memory, and England's P50 supply each year beside cws's.
"""

import json
import resource
import sys
import time

import numpy as np

BANDS, TIERS = 11, 4
WIDTH = np.array([4.0] + [5.0] * 9 + [np.inf])


def main() -> None:
    path = sys.argv[1]
    chunk = int(sys.argv[sys.argv.index("--chunk") + 1]) if "--chunk" in sys.argv else 100
    with open(path) as f:
        data = json.load(f)
    areas = data["areas"]
    runs, horizon = data["runs"], data["horizon"]
    started = time.perf_counter()
    a_n = len(areas)
    g_n = len(areas[0]["groups"])
    base = areas[0]["base_year"]
    years = horizon - base + 1

    def field(name, shape, key=None):
        values = [[(x[key] if key else x) for x in a[name]] for a in areas]
        return np.asarray(values, dtype=np.float64).reshape((a_n,) + shape)

    stock = field("stock", (g_n, BANDS, TIERS))
    fte_per_head = field("fte_per_head", (g_n, BANDS))
    leave_mean = field("leave", (g_n, BANDS), "mean")
    leave_ev = field("leave", (g_n, BANDS), "evidence")
    retire_mean = field("retire", (g_n, BANDS), "mean")
    retire_ev = field("retire", (g_n, BANDS), "evidence")
    join_mean = field("joiners", (g_n,), "mean")
    join_years = field("joiners", (g_n,), "years")
    profile = field("joiner_profile", (g_n, BANDS * TIERS))
    agency = field("agency_share", (g_n,))
    moves = np.asarray([a["moves"] for a in areas])
    assert not moves.any(), "the peer models no moves between role groups"

    rng = np.random.default_rng(1)
    totals = np.empty((runs, years))

    def draw_rates(mean, evidence, r):
        shape = (r,) + mean.shape
        ok = (evidence > 0) & (mean > 0) & (mean < 1)
        a = np.where(ok, mean * evidence, 1.0)
        b = np.where(ok, (1 - mean) * evidence, 1.0)
        return np.where(ok, rng.beta(a, b, size=shape), np.clip(mean, 0, 1))

    # profiles normalised where a group has joiners (they sum to 1 by construction)
    psum = profile.sum(axis=-1, keepdims=True)
    pvals = np.where(psum > 0, profile / np.where(psum > 0, psum, 1), 1.0 / (BANDS * TIERS))
    for start in range(0, runs, chunk):
        r = min(chunk, runs - start)
        leave = draw_rates(leave_mean, leave_ev, r)
        retire = draw_rates(retire_mean, retire_ev, r)
        ok = (join_years > 0) & (join_mean > 0)
        shape = np.where(ok, join_mean * join_years + 0.5, 1.0)
        scale = np.where(ok, 1.0 / np.where(join_years > 0, join_years, 1), 1.0)
        joiners = np.where(ok, rng.gamma(shape, scale, size=(r,) + join_mean.shape), np.maximum(join_mean, 0))
        both = leave + retire
        over = both > 1
        with np.errstate(divide="ignore", invalid="ignore"):
            leave = np.where(over, leave / both, leave)
            retire = np.where(over, retire / both, retire)
        # the chance of retiring among those who did not leave
        with np.errstate(divide="ignore", invalid="ignore"):
            retire_left = np.where(leave < 1, retire / np.where(leave < 1, 1 - leave, 1), 0.0)
        # rounding can leave a chance a hair outside [0, 1]
        leave = np.clip(np.nan_to_num(leave), 0.0, 1.0)
        retire_left = np.clip(np.nan_to_num(retire_left), 0.0, 1.0)
        heads = np.broadcast_to(stock, (r,) + stock.shape).astype(np.int64)

        def supply(h):
            fte = (h.sum(axis=-1) * fte_per_head).sum(axis=-1)  # (r, a, g)
            return (fte * (1 + agency)).sum(axis=(1, 2))

        totals[start:start + r, 0] = supply(heads)
        for y in range(1, years):
            leavers = rng.binomial(heads, leave[..., None])
            retired = rng.binomial(heads - leavers, retire_left[..., None])
            staying = heads - leavers - retired
            older = rng.binomial(staying, (1.0 / WIDTH)[None, None, None, :, None])
            staying = staying - older
            staying[:, :, :, 1:, :] += older[:, :, :, :-1, :]
            n = rng.poisson(joiners)  # (r, a, g)
            arrived = rng.multinomial(n, pvals)  # (r, a, g, bands * tiers)
            heads = staying + arrived.reshape(staying.shape)
            totals[start:start + r, y] = supply(heads)
    p50 = np.quantile(totals, 0.5, axis=0)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worst = max(abs(a - b) / b for a, b in zip(p50, data["p50"]))
    print(f"NumPy {np.__version__}: {a_n} areas, {runs} runs, {years - 1} years ahead in {seconds:.2f} s (model only, after reading the inputs), peak RSS {peak:.0f} MB")
    print("year  cws P50  NumPy P50  difference")
    for year, ours, theirs in zip(range(base, horizon + 1), data["p50"], p50):
        print(f"{year}  {ours:9.1f}  {theirs:9.1f}  {100 * (theirs - ours) / ours:+.2f}%")
    print(f"largest difference at P50: {100 * worst:.2f}%")


if __name__ == "__main__":
    main()
