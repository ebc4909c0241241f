"""Benchmark: the training-plan optimiser on a province-sized instance (docs/domain.md §13.5).

    .venv/bin/python bench/optimiser.py [--needs 10000] [--classes 300] [--programmes 25] [--runs 3] [--seed 1]
                                        [--time-limit 30] [--real-weights] [--write instance.json]

Generates a deterministic instance: programmes with skewed popularity; people with 1 (55 %), 2 (30 %) or 3 (15 %)
needs of weight 3, 2 or 1 (high, normal, low priority; --real-weights: any in 0,5–5) until --needs needs;
candidate classes shared out by demand (at least 2 per programme), 30–60 seats, minimum 40 % of capacity, fixed cost
60–200 million VND, 1,5–4 million per learner, 5–60 days between January and December; a budget of 30 % of what
opening every class full would cost, so that it binds. Each run times the greedy plan alone and `solve` (greedy +
integer programme, --time-limit seconds) and checks the plan against every rule. Prints each run and the medians.
Goal: proven optimal or gap ≤ 1 % within 30 s. Needs no database.
"""
import argparse
import datetime
import json
import random
import statistics
import time

import common  # noqa: F401  (puts the repository on sys.path)

from dtbd.plans.optimiser import parse, solve
from dtbd.plans.optimiser.check import violations
from dtbd.plans.optimiser.greedy import greedy


def generate(needs=10_000, classes=300, programmes=25, seed=1, real_weights=False):
    """The JSON data of a deterministic instance (see the module docstring); `real_weights`: each weight drawn
    uniformly in 0,5–5 with two decimals instead of the three priority levels."""
    rng = random.Random(seed)
    codes = [f"CT{i + 1:02d}" for i in range(programmes)]
    popularity = [1 / (i + 1) ** 0.8 for i in range(programmes)]
    need_rows, person = [], 0
    while len(need_rows) < needs:
        person += 1
        count = min(rng.choices([1, 2, 3], [55, 30, 15])[0], needs - len(need_rows))
        chosen = set()
        while len(chosen) < count:
            chosen.add(rng.choices(codes, popularity)[0])
        for code in sorted(chosen):
            weight = round(rng.uniform(0.5, 5), 2) if real_weights else rng.choices([3, 2, 1], [25, 50, 25])[0]
            need_rows.append({"person": f"CB{person:06d}", "programme": code, "weight": weight})
    demand = {code: 0 for code in codes}
    for row in need_rows:
        demand[row["programme"]] += 1
    share = {code: 2 for code in codes}
    extra = classes - 2 * programmes
    total = sum(demand.values())
    for code in codes:
        share[code] += int(extra * demand[code] / total)
    for code in sorted(codes, key=lambda c: -demand[c])[: classes - sum(share.values())]:
        share[code] += 1
    class_rows, year_start = [], datetime.date(2027, 1, 4)
    for code in codes:
        for _ in range(share[code]):
            capacity = rng.choice([30, 40, 50, 60])
            start = year_start + datetime.timedelta(days=rng.randint(0, 330))
            end = start + datetime.timedelta(days=rng.randint(5, 60))
            class_rows.append({
                "id": f"K{len(class_rows) + 1:04d}", "programme": code, "capacity": capacity,
                "min_size": round(capacity * 0.4), "fixed_cost": rng.randint(60, 200) * 1_000_000,
                "cost_per_person": rng.randint(15, 40) * 100_000, "start": start.isoformat(),
                "end": min(end, datetime.date(2027, 12, 31)).isoformat(),
            })
    full = sum(c["fixed_cost"] + c["capacity"] * c["cost_per_person"] for c in class_rows)
    return {"budget": int(full * 0.3) // 1_000_000 * 1_000_000, "max_classes_per_person": 2,
            "programmes": codes, "needs": need_rows, "classes": class_rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--classes", type=int, default=300)
    parser.add_argument("--programmes", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--real-weights", action="store_true", help="weights drawn in 0,5–5 instead of 3 levels")
    parser.add_argument("--write", help="also write the instance to this JSON file")
    args = parser.parse_args()

    data = generate(args.needs, args.classes, args.programmes, args.seed, args.real_weights)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
    instance = parse(data)
    people = len({n.person for n in instance.needs})
    print(f"instance: {len(instance.needs)} needs of {people} people, {len(instance.classes)} classes, "
          f"{args.programmes} programmes, budget {instance.budget:,} VND, k = {instance.max_classes_per_person}")
    rows = []
    for run in range(1, args.runs + 1):
        start = time.perf_counter()
        plan = greedy(instance)
        greedy_seconds = time.perf_counter() - start
        greedy_value = plan.objective()
        result = solve(instance, args.time_limit)
        problems = violations(instance, result.opened, result.placements)
        rows.append((result, greedy_seconds, greedy_value, problems))
        print(f"run {run}: {result.status}, objective {result.objective:,.0f}, bound {result.bound:,.1f}, "
              f"gap {result.gap:.4%}, {result.seconds:.1f} s, {len(result.opened)} classes, "
              f"{len(result.placements)} placements, cost {result.cost:,} | greedy {greedy_value:,.0f} in "
              f"{greedy_seconds:.2f} s, MIP / greedy {result.objective / greedy_value:.4f} | "
              f"check: {'ok' if not problems else problems[:3]}"
              f"{' | ' + '; '.join(result.notes) if result.notes else ''}")
    seconds = statistics.median(r[0].seconds for r in rows)
    gap = statistics.median(r[0].gap for r in rows)
    ratio = statistics.median(r[0].objective / r[2] for r in rows)
    greedy_seconds = statistics.median(r[1] for r in rows)
    print(f"median of {args.runs}: solve {seconds:.1f} s, gap {gap:.4%}, MIP / greedy {ratio:.4f}, "
          f"greedy {greedy_seconds:.2f} s; statuses {[r[0].status for r in rows]}; "
          f"all feasible: {all(not r[3] for r in rows)}")
    goal = all(not r[3] and r[0].seconds < 30 and (r[0].status == 'optimal' or r[0].gap <= 0.01) for r in rows)
    print("goal (optimal or gap ≤ 1 % in < 30 s, feasible):", "met" if goal else "NOT met")
    return 0 if goal else 1


if __name__ == "__main__":
    raise SystemExit(main())
