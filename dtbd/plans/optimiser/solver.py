"""`solve(instance, time_limit)`: the best plan found within the time limit and a proven upper bound
(docs/domain.md §13.5).

1. A greedy plan (greedy.py): feasible at once, the fallback and the integer programme's first incumbent.
2. The integer programme (model.py) with HiGHS in the time left: people with one need, grouped by identical needs,
   modelled exactly; the needs of people with several needs first pooled by (programme, weight) — a relaxation.
3. Counts back to people: groups of alike people by `assign_group`, need pools by `assign_needs`. If every seat is
   named, the plan reaches the model's optimum, which bounds every plan: done. Otherwise the plan is repaired
   (undersized classes closed, free seats topped up) and kept if better, the people of the pools that fell short
   are modelled one by one (a group that could not be split among its people too), and the model solved again
   while time remains.
   When the model would be too large for its LP to finish in time (many distinct weights: FIRST_COLUMNS), the seat
   model (model.seat_model) bounds instead, and its classes and sizes are filled by weight (greedy.fill_seats).
4. The plan returned is checked against every rule (check.py); its objective and cost are recomputed from the
   placements. The bound is the smallest of HiGHS's dual bounds (each model is a relaxation of the problem) and the
   sum over people of their k heaviest needs that a usable class offers; with whole weights it is rounded down.
"""
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .check import cost as total_cost
from .check import objective as total_weight
from .check import violations
from .greedy import Schedule, fill_seats, greedy
from .model import (PlanModel, assign_group, assign_needs, column_count, mixed_groups, seat_model,
                    usable_classes)

OPTIMAL_GAP = 1e-4
DEFAULT_TIME_LIMIT = 60.0
FIRST_COLUMNS = 30_000  # beyond, the first model's LP alone may outlast the time limit: seat_model instead
REFINED_COLUMNS = 15_000  # a refined model larger than this is not solved again: its LP alone takes too long


@dataclass
class Result:
    status: str  # optimal | feasible | infeasible_budget
    objective: float
    bound: float
    gap: float
    cost: int
    opened: list
    placements: list  # [(person, class id)]
    seconds: float
    greedy_objective: float = 0.0
    notes: list = field(default_factory=list)

    def to_json(self):
        """The result file of docs/domain.md §13.5."""
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "cost": self.cost,
            "opened": list(self.opened),
            "placements": [{"person": p, "class": c} for p, c in self.placements],
            "seconds": round(self.seconds, 3),
        }


def gap_of(objective, bound):
    """(bound − objective) / bound, 0 when the bound is 0."""
    return (bound - objective) / bound if bound > 0 else 0.0


def simple_bound(instance, classes):
    """Σ over people of their max_classes_per_person heaviest needs whose programme a usable class offers."""
    offered = {k.programme for k in classes}
    weights = defaultdict(list)
    for need in instance.needs:
        if need.programme in offered:
            weights[need.person].append(need.weight)
    k = instance.max_classes_per_person
    return math.fsum(w for ws in weights.values() for w in sorted(ws, reverse=True)[:k])


def _name_people(instance, groups, solution, deadline):
    """(plan, keys of the groups that could not be split among their people, {(pool, class): seats left empty}) of
    a model's solution; a plan that fell short is repaired: classes under their minimum closed, seats topped up."""
    by_id = instance.class_by_id()
    opened, counts = solution
    plan = Schedule(instance)
    for cid in opened:
        plan.open(by_id[cid])
    per_group = defaultdict(dict)
    for (g, cid), n in counts.items():
        if not groups[g].pool:
            per_group[g][cid] = n
    failed = []
    for g, group_counts in sorted(per_group.items()):
        left = max(deadline - time.perf_counter(), 0.5)
        found = assign_group(groups[g], group_counts, by_id, instance.max_classes_per_person, min(left, 10.0))
        if found is None:
            failed.append(groups[g].key)
        else:
            for person, cid in found:
                plan.place(person, by_id[cid])
    empty = assign_needs(instance, groups, counts, plan, max(deadline - time.perf_counter(), 1.0))
    if failed or empty:
        plan.close_undersized()
        plan.top_up()
    return plan, failed, empty


def solve(instance, time_limit=DEFAULT_TIME_LIMIT):
    """The Result for `instance`, spending about `time_limit` seconds at most in the solver."""
    started = time.perf_counter()
    deadline = started + time_limit
    classes = usable_classes(instance)
    notes = []

    best = greedy(instance)
    greedy_value = best.objective()
    bound = simple_bound(instance, classes)
    whole = all(float(n.weight).is_integer() for n in instance.needs)
    exact, split = set(), set()
    rounds, reserve = 0, 0.0
    while classes and bound > 0:
        # Keep time after the solver to name the people (as long as the last round took for it, and a half).
        available = deadline - time.perf_counter() - 1.5 * reserve
        if available <= (0.5 if rounds else 0):
            break
        groups = mixed_groups(instance, classes, frozenset(exact), frozenset(split))
        if not rounds and column_count(instance, classes, groups) > FIRST_COLUMNS:
            dual, seats = seat_model(instance, classes, available * 0.8)
            if dual is not None:
                bound = min(bound, math.floor(dual + 1e-6) if whole else dual)
            if seats:
                plan = fill_seats(instance, seats)
                if plan.objective() > best.objective() + 1e-9:
                    best = plan
            notes.append("nhiều mức trọng số khác nhau: mô hình chỗ ngồi thay cho mô hình theo nhóm")
            break
        model = PlanModel(instance, classes, groups, available * (0.85 if rounds else 0.6))
        if rounds and model.num_cols > REFINED_COLUMNS:
            notes.append(f"không giải lại: mô hình {model.num_cols} biến")
            break
        rounds += 1
        model.start_from(best.placements())
        solution, dual, _proven = model.run()
        if math.isfinite(dual):
            bound = min(bound, math.floor(dual + 1e-6) if whole else dual)
        if solution is None:
            break
        naming = time.perf_counter()
        plan, failed, empty = _name_people(instance, groups, solution, deadline)
        if plan.objective() > best.objective() + 1e-9:
            best = plan
        reserve = max(reserve, time.perf_counter() - naming)
        if not failed and not empty or gap_of(best.objective(), bound) <= OPTIMAL_GAP:
            break
        notes.append(f"mô hình nới lỏng để trống {sum(empty.values())} chỗ, {len(failed)} nhóm không chia được")
        before = len(exact) + len(split)
        split.update(failed)
        # Model one by one the people with two needs or more in the pools that fell short.
        times = defaultdict(int)
        for g in {g for g, _ in empty}:
            for person in groups[g].people:
                times[person] += 1
        exact.update(p for p, n in times.items() if n >= 2)
        if len(exact) + len(split) == before:
            exact.update(times)
        if len(exact) + len(split) == before:  # nothing left to refine
            break
        notes.append(f"mô hình hoá riêng {len(exact)} người có nhiều nhu cầu rồi giải lại")

    order = {klass.id: i for i, klass in enumerate(instance.classes)}
    placements = best.placements()
    opened = sorted(best.opened & {c for _, c in placements}, key=order.get)
    problems = violations(instance, opened, placements)
    if problems:  # never expected: fall back to the greedy plan, which keeps every rule by construction
        notes.append("kế hoạch của mô hình vi phạm ràng buộc: " + "; ".join(problems[:3]))
        best = greedy(instance)
        placements = best.placements()
        opened = sorted(best.opened & {c for _, c in placements}, key=order.get)
    value = total_weight(instance, placements)
    bound = float(max(bound, value))
    gap = gap_of(value, bound)
    if bound <= 0:
        status = "infeasible_budget"
    elif gap <= OPTIMAL_GAP:
        status = "optimal"
    else:
        status = "feasible"
    return Result(status=status, objective=value, bound=bound, gap=gap, cost=total_cost(instance, opened, placements),
                  opened=opened, placements=placements, seconds=time.perf_counter() - started,
                  greedy_objective=greedy_value, notes=notes)
