"""Times scipy's LSODA on a reactions network (the JSON of section 1 of the model doc).

Called by bench/simulator.js, which writes the expanded network to a temp file and reads the
trajectories back for the accuracy metric. No Jacobian is given (LSODA builds one by finite
differences), as is usual with solve_ivp. Two right-hand sides:
- `loop`: the way a scientist writes it, a loop over reactions with numpy arrays;
- `vectorised`: the same maths as whole-array numpy (gathered products, stoichiometry
  matrix), to show how much of LSODA's time is the Python right-hand side.

Usage: python3 bench/scipy_lsoda.py NETWORK.json OUT_DIR --t-end 6000 --step 1 \
           --rtol 1e-8 --run loop:1e-6 --run loop:1e-10 --run vectorised:1e-10 --repeats 3
Prints one JSON line: {"scipy": version, "numpy": version, "runs": [{"rhs", "rtol", "atol",
"seconds": [...], "nfev", "njev", "nlu", "status", "message", "rows", "trajectory": path to
float64 little-endian, row-major times x species}]}.
"""

import argparse
import json
import os
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp


def make_rhs(net):
    """dy/dt of a reactions network: mass action, divided by a saturable pool's denominator."""
    names = [s["name"] for s in net["species"]]
    index = {name: i for i, name in enumerate(names)}
    pools = {
        pool: [(index[species], 1.0 / km) for species, km in members.items()]
        for pool, members in net.get("pools", {}).items()
    }
    reactions = [
        (
            np.array([index[s] for s in r["reactants"]], dtype=int),
            np.array([index[s] for s in r["products"]], dtype=int),
            r["k"],
            r.get("kr", 0.0),
            r.get("pool"),
        )
        for r in net["reactions"]
    ]

    def rhs(t, y):
        dydt = np.zeros_like(y)
        denominator = {}
        for pool, members in pools.items():
            denominator[pool] = 1.0 + sum(max(y[j], 0.0) * inv_km for j, inv_km in members)
        for reactants, products, k, kr, pool in reactions:
            v = k * np.prod(y[reactants]) - kr * np.prod(y[products])
            if pool is not None:
                v /= denominator[pool]
            for j in reactants:
                dydt[j] -= v
            for j in products:
                dydt[j] += v
        return dydt

    return rhs


def make_vectorised_rhs(net):
    """The same dy/dt as make_rhs, as whole-array numpy operations."""
    names = [s["name"] for s in net["species"]]
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    reactions = net["reactions"]
    pool_names = list(net.get("pools", {}))
    # Species lists padded with index n, which points at a constant 1.0 appended to y.
    width = max(1, max(max(len(r["reactants"]), len(r["products"])) for r in reactions))
    reactant_idx = np.full((len(reactions), width), n, dtype=int)
    product_idx = np.full((len(reactions), width), n, dtype=int)
    stoichiometry = np.zeros((n, len(reactions)))
    for r_i, r in enumerate(reactions):
        for a, s in enumerate(r["reactants"]):
            reactant_idx[r_i, a] = index[s]
            stoichiometry[index[s], r_i] -= 1
        for a, s in enumerate(r["products"]):
            product_idx[r_i, a] = index[s]
            stoichiometry[index[s], r_i] += 1
    k = np.array([r["k"] for r in reactions])
    kr = np.array([r.get("kr", 0.0) for r in reactions])
    inv_km = np.zeros((len(pool_names), n))
    for q, pool in enumerate(pool_names):
        for s, km in net["pools"][pool].items():
            inv_km[q, index[s]] = 1.0 / km
    # Reactions without a pool divide by the extra denominator 1.0 at position len(pool_names).
    pool_of = np.array([pool_names.index(r["pool"]) if "pool" in r else len(pool_names) for r in reactions])

    def rhs(t, y):
        yy = np.append(y, 1.0)
        v = k * np.prod(yy[reactant_idx], axis=1) - kr * np.prod(yy[product_idx], axis=1)
        denominator = np.append(1.0 + inv_km @ np.maximum(y, 0.0), 1.0)
        return stoichiometry @ (v / denominator[pool_of])

    return rhs


RIGHT_HAND_SIDES = {"loop": make_rhs, "vectorised": make_vectorised_rhs}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("network")
    parser.add_argument("out_dir")
    parser.add_argument("--t-end", type=float, default=6000.0)
    parser.add_argument("--step", type=float, default=1.0)
    parser.add_argument("--rtol", type=float, default=1e-8)
    parser.add_argument("--run", action="append", help="RHS:ATOL, RHS one of loop, vectorised")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with open(args.network) as f:
        net = json.load(f)
    y0 = np.array([s.get("initial", 0.0) for s in net["species"]], dtype=float)
    count = int(np.floor(args.t_end / args.step + 1e-9)) + 1
    t_eval = np.arange(count) * args.step
    runs = []
    for spec in args.run or ["loop:1e-6"]:
        kind, atol = spec.split(":")
        atol = float(atol)
        rhs = RIGHT_HAND_SIDES[kind](net)
        seconds = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            sol = solve_ivp(rhs, (0.0, t_eval[-1]), y0, method="LSODA", t_eval=t_eval, rtol=args.rtol, atol=atol)
            seconds.append(time.perf_counter() - start)
        path = os.path.join(args.out_dir, f"lsoda-{kind}-rtol{args.rtol:g}-atol{atol:g}.bin")
        np.ascontiguousarray(sol.y.T, dtype="<f8").tofile(path)
        runs.append(
            {
                "rhs": kind,
                "rtol": args.rtol,
                "atol": atol,
                "seconds": seconds,
                "nfev": int(sol.nfev),
                "njev": int(sol.njev),
                "nlu": int(sol.nlu),
                "status": int(sol.status),
                "message": sol.message,
                "rows": int(sol.y.shape[1]),
                "trajectory": path,
            }
        )
    print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "runs": runs}))


if __name__ == "__main__":
    main()
