"""The integer programme of the plan optimiser, solved with HiGHS (docs/domain.md §13.5).

People with the same needs (the same programmes with the same weights) are interchangeable: they form a *group* of
size n_g, and the model counts how many of a group go to a class instead of naming them.

    y_c ∈ {0, 1}                      class c opened (only classes that could ever be opened: enough people need
                                      its programme and it fits the budget at its minimum size, one learner at least)
    x_gc ∈ {0, …, min(n_g, cap_c)}    learners of group g in class c (c's programme is one of g's needs)

    maximise  Σ w_g(programme of c) · x_gc
    s.t.      min_c · y_c ≤ Σ_g x_gc ≤ cap_c · y_c                       size of an opened class, none if closed
              Σ_c fixed_c · y_c + Σ_gc cpp_c · x_gc ≤ budget               budget cap
              Σ_{c of programme p} x_gc ≤ n_g            for each g, p   each need met at most once
              Σ_{c ∋ day d} x_gc ≤ n_g                   for each g and each start day d of g's classes whose
                                                         classes active on d span ≥ 2 programmes (a maximal clique
                                                         of the interval graph; within one programme the line above
                                                         already holds): nobody in two overlapping classes
              Σ_c x_gc ≤ k · n_g                         for each g needing more than k programmes

For a group of one person this is exactly the original problem (two overlapping intervals share the start day of
the later one, so the day cliques forbid every overlapping pair), and a group of people with one need each is exact
too. A larger group of people with several needs is a relaxation — every plan gives counts that satisfy it — and
`assign_group` nearly always turns its counts into people; when it cannot, the group is split into single people.

At province size, modelling every person with several needs this way makes an LP that HiGHS alone needs longer than
the time limit for (83.000 columns on the benchmark). So `mixed_groups` first puts the needs of people with several
needs into *need pools*, one group per (programme, weight) with one programme each — a relaxation (each need as if
it were a person of its own), small (about 2.000 columns) and solved in a second or two. Its optimum and HiGHS's
dual bound are true upper bounds; `assign_needs` names the pools' people through a small exact model, and the
solver models one by one the people of the pools that fell short (solver.py).
"""
import contextlib
import os
import sys
from collections import defaultdict
from dataclasses import dataclass

import highspy
import numpy as np

INTEGER = int(highspy.HighsVarType.kInteger)


@dataclass
class Group:
    """People with the same needs: `weights` = {programme: weight} of their needs that some usable class offers."""

    key: tuple
    people: list
    weights: dict
    pool: bool = False  # a need pool of the relaxation (see `mixed_groups`), not a group of alike people

    @property
    def size(self):
        return len(self.people)


def usable_classes(instance):
    """The classes that some plan could open with at least one learner: capacity ≥ 1, enough people needing the
    programme to reach max(min_size, 1), and fixed cost + cost per person × max(min_size, 1) within the budget."""
    if instance.max_classes_per_person < 1:
        return []
    demand = defaultdict(int)
    for need in instance.needs:
        demand[need.programme] += 1
    found = []
    for klass in instance.classes:
        least = max(klass.min_size, 1)
        if klass.capacity >= least and demand[klass.programme] >= least \
                and klass.fixed_cost + klass.cost_per_person * least <= instance.budget:
            found.append(klass)
    return found


def mixed_groups(instance, classes, exact=frozenset(), split=frozenset()):
    """The groups of the model: the people in `exact` and everyone with a single usable need are modelled exactly —
    grouped by identical needs, a group whose key is in `split` one person per group; the other
    people's needs go to need pools, one per (programme, weight), as if each need were a person of its own (no
    per-person limit, no overlap between a person's needs). With pools the model is a relaxation; `solve` moves the
    people of a pool it could not seat into `exact` and solves again."""
    offered = {k.programme for k in classes}
    needs = defaultdict(dict)
    for need in instance.needs:
        if need.programme in offered:
            needs[need.person][need.programme] = need.weight
    by_key, pools = defaultdict(list), defaultdict(list)
    for person in sorted(needs):
        if len(needs[person]) == 1 or person in exact:
            by_key[tuple(sorted(needs[person].items()))].append(person)
        else:
            for programme, weight in needs[person].items():
                pools[programme, weight].append(person)
    groups = []
    for key, people in sorted(by_key.items()):
        if key in split:
            groups.extend(Group(key, [person], dict(key)) for person in people)
        else:
            groups.append(Group(key, people, dict(key)))
    groups.extend(Group(key, people, {key[0]: key[1]}, pool=True) for key, people in sorted(pools.items()))
    return groups


def assign_needs(instance, groups, counts, schedule, time_limit):
    """Name people for the seats {(group, class id): n} of the need pools, into `schedule` (a greedy.Schedule):
    a small exact model over the pools' people alone (each in at most one class per programme, in at most k
    classes, never in two overlapping ones; maximise the weight seated). Returns {(group, class id): seats left
    empty} (empty: the pools' counts are met by real people)."""
    by_id = schedule.by_id
    offered = {c.programme for c in by_id.values()}
    needs_of = defaultdict(dict)
    for need in instance.needs:
        if need.programme in offered:
            needs_of[need.person][need.programme] = need.weight
    left = {(g, cid): n for (g, cid), n in counts.items() if groups[g].pool and n > 0}
    if not left:
        return {}
    column, rows, costs = {}, Rows(), []
    seats = defaultdict(list)
    for g in sorted({g for g, _ in left}):
        classes = [by_id[cid] for (h, cid) in sorted(left) if h == g]
        for person in groups[g].people:
            for klass in classes:
                column[person, klass.id] = len(costs)
                costs.append(needs_of[person][klass.programme])
                seats[g, klass.id].append(column[person, klass.id])
    per_person = defaultdict(list)
    for (person, cid), col in column.items():
        per_person[person].append((by_id[cid], col))
    for key, cols in seats.items():
        rows.add(cols, [1.0] * len(cols), upper=float(left[key]))
    k = instance.max_classes_per_person
    for person, options in per_person.items():
        options.sort(key=lambda o: (o[0].start, o[0].id))
        by_programme = defaultdict(list)
        for klass, col in options:
            by_programme[klass.programme].append(col)
        for cols in by_programme.values():
            if len(cols) > 1:
                rows.add(cols, [1.0] * len(cols), upper=1.0)
        classes = [klass for klass, _ in options]
        for clique in day_cliques(classes):
            rows.add([options[i][1] for i in clique], [1.0] * len(clique), upper=1.0)
        if len(by_programme) > k:
            rows.add([col for _, col in options], [1.0] * len(options), upper=float(k))
    highs = new_highs(time_limit)
    add_integer_columns(highs, costs, [1.0] * len(costs))
    rows.pass_to(highs)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    if highs.getInfo().primal_solution_status == 2:
        values = highs.getSolution().col_value
        for g, cid in sorted(left):
            klass = by_id[cid]
            for person in groups[g].people:
                col = column[person, cid]
                if values[col] > 0.5 and left[g, cid] > 0 and schedule.can_join(person, klass):
                    schedule.place(person, klass)
                    left[g, cid] -= 1
    return {key: n for key, n in left.items() if n > 0}


def day_cliques(classes):
    """The maximal sets of pairwise-overlapping classes (interval graph: the classes active on some start day),
    keeping only those spanning ≥ 2 programmes; each a tuple of indices into `classes`."""
    found = set()
    for klass in classes:
        day = klass.start
        members = frozenset(i for i, other in enumerate(classes) if other.start <= day <= other.end)
        if len({classes[i].programme for i in members}) >= 2:
            found.add(members)
    maximal = [s for s in found if not any(s < other for other in found)]
    return [tuple(sorted(s)) for s in maximal]


@contextlib.contextmanager
def quiet_stdout():
    """Silence the file descriptor 1 (HiGHS prints its banner from C when the first Highs object is made)."""
    try:
        sys.stdout.flush()
    except (AttributeError, ValueError):
        pass
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs(time_limit, gap=1e-4):
    with quiet_stdout():
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("log_to_console", False)
    highs.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    highs.setOptionValue("mip_rel_gap", gap)
    return highs


class Rows:
    """Constraint rows gathered as lists, then handed to HiGHS at once."""

    def __init__(self):
        self.lower, self.upper, self.starts, self.index, self.value = [], [], [], [], []

    def add(self, columns, coefficients, lower=-highspy.kHighsInf, upper=highspy.kHighsInf):
        self.starts.append(len(self.index))
        self.index.extend(columns)
        self.value.extend(coefficients)
        self.lower.append(lower)
        self.upper.append(upper)

    def pass_to(self, highs):
        if self.lower:
            highs.addRows(len(self.lower), np.array(self.lower, dtype=np.float64),
                          np.array(self.upper, dtype=np.float64), len(self.index),
                          np.array(self.starts, dtype=np.int32), np.array(self.index, dtype=np.int32),
                          np.array(self.value, dtype=np.float64))


def add_integer_columns(highs, costs, upper):
    n = len(costs)
    highs.addCols(n, np.array(costs, dtype=np.float64), np.zeros(n), np.array(upper, dtype=np.float64), 0,
                  np.zeros(n, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))
    highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, INTEGER, dtype=np.uint8))


class PlanModel:
    """The model of the module docstring for `groups` and `classes`; `run` solves it from a starting plan."""

    def __init__(self, instance, classes, groups, time_limit):
        self.instance, self.classes, self.groups = instance, classes, groups
        k = instance.max_classes_per_person
        by_programme = defaultdict(list)
        for klass in classes:
            by_programme[klass.programme].append(klass)
        self.y = {klass.id: i for i, klass in enumerate(classes)}
        self.classes_by_id = {klass.id: klass for klass in classes}
        costs = [0.0] * len(classes)
        upper = [1.0] * len(classes)
        self.x = {}  # (group index, class id) -> column
        rows = Rows()
        in_class = defaultdict(list)
        budget_cols = list(range(len(classes)))
        budget_coef = [float(c.fixed_cost) for c in classes]
        clique_cache = {}
        for g, group in enumerate(groups):
            eligible = [c for p in sorted(group.weights) for c in by_programme[p]]
            for klass in eligible:
                col = len(costs)
                self.x[g, klass.id] = col
                costs.append(group.weights[klass.programme])
                upper.append(float(min(group.size, klass.capacity)))
                in_class[klass.id].append(col)
                if klass.cost_per_person:
                    budget_cols.append(col)
                    budget_coef.append(float(klass.cost_per_person))
            for programme in group.weights:
                if len(by_programme[programme]) > 1:
                    cols = [self.x[g, c.id] for c in by_programme[programme]]
                    rows.add(cols, [1.0] * len(cols), upper=group.size)
            programmes = tuple(sorted(group.weights))
            if programmes not in clique_cache:
                clique_cache[programmes] = day_cliques(eligible)
            for clique in clique_cache[programmes]:
                rows.add([self.x[g, eligible[i].id] for i in clique], [1.0] * len(clique), upper=group.size)
            if len(group.weights) > k:
                cols = [self.x[g, c.id] for c in eligible]
                rows.add(cols, [1.0] * len(cols), upper=k * group.size)
        for klass in classes:
            cols = in_class[klass.id]
            y = self.y[klass.id]
            rows.add(cols + [y], [1.0] * len(cols) + [-float(klass.capacity)], upper=0.0)
            if klass.min_size > 0:
                rows.add(cols + [y], [1.0] * len(cols) + [-float(klass.min_size)], lower=0.0)
        rows.add(budget_cols, budget_coef, upper=float(instance.budget))
        self.num_cols, self.num_rows = len(costs), len(rows.lower)
        self.highs = new_highs(time_limit)
        add_integer_columns(self.highs, costs, upper)
        rows.pass_to(self.highs)
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.group_of = {(person, programme): g for g, group in enumerate(groups) for person in group.people
                         for programme in group.weights}

    def start_from(self, placements):
        """Give HiGHS a feasible plan (person, class id) as its first incumbent."""
        values = np.zeros(self.num_cols)
        for person, cid in placements:
            g = self.group_of.get((person, self.classes_by_id[cid].programme))
            col = self.x.get((g, cid))
            if col is None:
                return False
            values[col] += 1
            values[self.y[cid]] = 1
        solution = highspy.HighsSolution()
        solution.col_value = values.tolist()
        solution.value_valid = True
        return self.highs.setSolution(solution) == highspy.HighsStatus.kOk

    def run(self):
        """Solve; (opened class ids, {(group, class id): count}, dual bound, optimal?) or None without a solution."""
        self.highs.run()
        info = self.highs.getInfo()
        status = self.highs.getModelStatus()
        bound = info.mip_dual_bound
        if status == highspy.HighsModelStatus.kOptimal:
            bound = info.objective_function_value if not np.isfinite(bound) else bound
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            return None, bound, False
        values = self.highs.getSolution().col_value
        opened = [klass.id for klass in self.classes if values[self.y[klass.id]] > 0.5]
        counts = {key: int(round(values[col])) for key, col in self.x.items() if values[col] > 0.5}
        return (opened, counts), bound, status == highspy.HighsModelStatus.kOptimal


def assign_group(group, counts, by_id, k, time_limit):
    """Name the people of `group` for {class id: count}: each in at most one class per programme, in at most k
    classes, never in two overlapping ones. A greedy pass by start day first (each seat to the person least useful
    to the demand still to come); if it falls short, a small exact model of this group alone. Returns
    [(person, class id)] placing every count, or None when no assignment exists (or none was found in time)."""
    found = _assign_greedily(group, counts, by_id, k)
    if found is not None:
        return found
    return _assign_exactly(group, counts, by_id, k, time_limit)


def _assign_greedily(group, counts, by_id, k):
    classes = sorted((by_id[c] for c in counts), key=lambda c: (c.start, c.end, c.id))
    future = defaultdict(int)
    for klass in classes:
        future[klass.programme] += counts[klass.id]
    done = {p: set() for p in group.people}
    last_end = {p: None for p in group.people}
    found = []
    for klass in classes:
        need = counts[klass.id]
        future[klass.programme] -= need
        free = [p for p in group.people
                if klass.programme not in done[p] and len(done[p]) < k
                and (last_end[p] is None or last_end[p] < klass.start)]
        if len(free) < need:
            return None
        free.sort(key=lambda p: (sum(future[q] for q in group.weights if q not in done[p]), len(done[p]), p))
        for person in free[:need]:
            done[person].add(klass.programme)
            last_end[person] = klass.end if last_end[person] is None else max(last_end[person], klass.end)
            found.append((person, klass.id))
    return found


def _assign_exactly(group, counts, by_id, k, time_limit):
    classes = [by_id[c] for c in sorted(counts)]
    people = group.people
    highs = new_highs(time_limit, gap=0.0)
    column = {}
    for person in people:
        for klass in classes:
            column[person, klass.id] = len(column)
    add_integer_columns(highs, [1.0] * len(column), [1.0] * len(column))
    rows = Rows()
    for klass in classes:
        cols = [column[p, klass.id] for p in people]
        rows.add(cols, [1.0] * len(cols), upper=counts[klass.id])
    cliques = day_cliques(classes)
    by_programme = defaultdict(list)
    for i, klass in enumerate(classes):
        by_programme[klass.programme].append(i)
    for person in people:
        for members in list(by_programme.values()) + cliques:
            if len(members) > 1:
                rows.add([column[person, classes[i].id] for i in members], [1.0] * len(members), upper=1.0)
        if len(classes) > k:
            rows.add([column[person, c.id] for c in classes], [1.0] * len(classes), upper=float(k))
    rows.pass_to(highs)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    if highs.getInfo().primal_solution_status != 2:
        return None
    values = highs.getSolution().col_value
    found = [(p, cid) for (p, cid), col in column.items() if values[col] > 0.5]
    return found if len(found) == sum(counts.values()) else None


def column_count(instance, classes, groups):
    """The number of x columns `PlanModel` would have for `groups`."""
    per_programme = defaultdict(int)
    for klass in classes:
        per_programme[klass.programme] += 1
    return sum(per_programme[p] for group in groups for p in group.weights)


def seat_model(instance, classes, time_limit):
    """An upper bound from the seat model, whatever the weights: seats x_c of each class, and per programme the
    needs seated by weight, z_pw ∈ [0, number of needs of programme p with weight w] (continuous):

        maximise Σ w · z_pw   s.t.  Σ_w z_pw = Σ_{c of p} x_c;  min_c · y_c ≤ x_c ≤ cap_c · y_c;
                                    Σ fixed · y + Σ cpp · x ≤ budget;  Σ x ≤ Σ_person min(k, its needs)

    Every plan gives such x, y, z (its class sizes and the needs it meets), so the optimum — and HiGHS's dual bound —
    bounds every plan. Used when the model over groups would be too large (many distinct weights). Returns (the
    bound or None, {class id: seats} of the best solution found or None)."""
    highs = new_highs(time_limit)
    counts = defaultdict(int)
    people = defaultdict(int)
    offered = {k.programme for k in classes}
    for need in instance.needs:
        if need.programme in offered:
            counts[need.programme, need.weight] += 1
            people[need.person] += 1
    n = len(classes)
    add_integer_columns(highs, [0.0] * 2 * n, [1.0] * n + [float(c.capacity) for c in classes])
    levels = sorted(counts)
    highs.addCols(len(levels), np.array([w for _, w in levels], dtype=np.float64), np.zeros(len(levels)),
                  np.array([counts[key] for key in levels], dtype=np.float64), 0,
                  np.zeros(len(levels), dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))
    rows = Rows()
    by_programme = defaultdict(list)
    for i, klass in enumerate(classes):
        by_programme[klass.programme].append(n + i)
        rows.add([n + i, i], [1.0, -float(klass.capacity)], upper=0.0)
        if klass.min_size:
            rows.add([n + i, i], [1.0, -float(klass.min_size)], lower=0.0)
    for j, (programme, _w) in enumerate(levels):
        by_programme[programme, "z"].append(2 * n + j)
    for programme in offered:
        z = by_programme[programme, "z"]
        x = by_programme[programme]
        rows.add(z + x, [1.0] * len(z) + [-1.0] * len(x), lower=0.0, upper=0.0)
    rows.add(list(range(2 * n)), [float(c.fixed_cost) for c in classes] + [float(c.cost_per_person) for c in classes],
             upper=float(instance.budget))
    k = instance.max_classes_per_person
    rows.add(list(range(n, 2 * n)), [1.0] * n, upper=float(sum(min(k, m) for m in people.values())))
    rows.pass_to(highs)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    info = highs.getInfo()
    bound = info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else None
    if info.primal_solution_status != 2:
        return bound, None
    values = highs.getSolution().col_value
    return bound, {c.id: int(round(values[n + i])) for i, c in enumerate(classes) if values[i] > 0.5}
