"""A greedy plan (docs/domain.md §13.5): the starting point of the integer programme and its fallback.

Repeatedly open the class with the best value per cost — value = the weights of the best learners still able to join
it (their need of its programme unmet, free on its dates, under the per-person limit), taken by weight down to its
capacity or to what the budget left pays for; cost = its fixed cost + cost per person × learners — provided it
reaches its minimum size. Values only fall as classes open, so a class whose recomputed ratio still beats the next
stale one is taken without re-evaluating the others (lazy greedy). Then top up the opened classes with whoever can
still join, best weight per cost first, while the budget allows."""
import heapq
import math
from collections import defaultdict


class Schedule:
    """A plan being built: opened classes, who is in which class, money spent; keeps every rule but min_size."""

    def __init__(self, instance):
        self.instance = instance
        self.by_id = instance.class_by_id()
        self.weights = instance.need_weights()
        self.taken = defaultdict(list)  # person -> classes they are in
        self.members = defaultdict(list)  # class id -> people in it
        self.opened = set()
        self.spent = 0

    @property
    def remaining(self):
        return self.instance.budget - self.spent

    def can_join(self, person, klass):
        """The person needs the class's programme, has not met it, is under the limit and free on its dates."""
        if (person, klass.programme) not in self.weights:
            return False
        taken = self.taken[person]
        if len(taken) >= self.instance.max_classes_per_person:
            return False
        return all(k.programme != klass.programme and not k.overlaps(klass) for k in taken)

    def open(self, klass):
        self.opened.add(klass.id)
        self.spent += klass.fixed_cost

    def place(self, person, klass):
        self.taken[person].append(klass)
        self.members[klass.id].append(person)
        self.spent += klass.cost_per_person

    def close(self, class_id):
        """Close a class and send its learners away."""
        klass = self.by_id[class_id]
        for person in self.members.pop(class_id, []):
            self.taken[person].remove(klass)
            self.spent -= klass.cost_per_person
        self.opened.discard(class_id)
        self.spent -= klass.fixed_cost

    def objective(self):
        return math.fsum(self.weights[p, self.by_id[c].programme]
                         for c, people in self.members.items() for p in people)

    def placements(self):
        return [(p, c) for c in sorted(self.members) for p in sorted(self.members[c])]

    def close_undersized(self):
        """Close every opened class under its minimum size (or empty)."""
        for cid in sorted(self.opened):
            size = len(self.members.get(cid, ()))
            if size < self.by_id[cid].min_size or size == 0:
                self.close(cid)

    def top_up(self):
        """Add whoever can still join an opened class, best weight per cost first, while the budget allows."""
        offers = []
        for cid in self.opened:
            klass = self.by_id[cid]
            for person, weight in self._candidates(klass.programme):
                offers.append((-weight / (klass.cost_per_person + 1), person, cid))
        offers.sort()
        for _, person, cid in offers:
            klass = self.by_id[cid]
            if len(self.members[cid]) < klass.capacity and klass.cost_per_person <= self.remaining \
                    and self.can_join(person, klass):
                self.place(person, klass)

    def _candidates(self, programme):
        return self._by_programme().get(programme, ())

    def _by_programme(self):
        if not hasattr(self, "_programme_lists"):
            lists = defaultdict(list)
            for need in self.instance.needs:
                lists[need.programme].append((need.person, need.weight))
            for rows in lists.values():
                rows.sort(key=lambda row: (-row[1], row[0]))
            self._programme_lists = lists
        return self._programme_lists

    def best_fill(self, klass):
        """(value, cost, people) of opening `klass` now with the best people able to join, or None if it cannot
        reach its minimum size (at least one learner) within the budget left."""
        budget = self.remaining - klass.fixed_cost
        if budget < 0:
            return None
        limit = klass.capacity
        if klass.cost_per_person:
            limit = min(limit, budget // klass.cost_per_person)
        people, value = [], 0.0
        if limit > 0:
            for person, weight in self._candidates(klass.programme):
                if self.can_join(person, klass):
                    people.append(person)
                    value += weight
                    if len(people) >= limit:
                        break
        if len(people) < max(klass.min_size, 1):
            return None
        return value, klass.fixed_cost + klass.cost_per_person * len(people), people


def _ratio(value, cost):
    return value / cost if cost > 0 else float("inf")


def greedy(instance):
    """A feasible Schedule built by the lazy greedy of the module docstring."""
    plan = Schedule(instance)
    heap = []
    for klass in instance.classes:
        fill = plan.best_fill(klass)
        if fill:
            heap.append((-_ratio(fill[0], fill[1]), klass.id))
    heapq.heapify(heap)
    while heap:
        _, cid = heapq.heappop(heap)
        klass = plan.by_id[cid]
        fill = plan.best_fill(klass)
        if fill is None:
            continue
        ratio = _ratio(fill[0], fill[1])
        if heap and ratio < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-ratio, cid))
            continue
        plan.open(klass)
        for person in fill[2]:
            plan.place(person, klass)
    plan.top_up()
    return plan


def fill_seats(instance, seats):
    """A plan for given classes and sizes {class id: seats} (the seat model's solution): the needs by weight, heaviest
    first (people with fewer needs first among equals), each to a class of its programme with a seat left that the
    person can join — the one furthest below its minimum size, then with most seats left; then classes under their
    minimum closed and free seats topped up."""
    plan = Schedule(instance)
    for cid in seats:
        plan.open(plan.by_id[cid])
    needs_of = defaultdict(int)
    for need in instance.needs:
        needs_of[need.person] += 1
    by_programme = defaultdict(list)
    for cid in seats:
        by_programme[plan.by_id[cid].programme].append(plan.by_id[cid])
    for need in sorted(instance.needs, key=lambda n: (-n.weight, needs_of[n.person], n.person, n.programme)):
        options = [k for k in by_programme.get(need.programme, ())
                   if len(plan.members[k.id]) < seats[k.id] and k.cost_per_person <= plan.remaining
                   and plan.can_join(need.person, k)]
        if options:
            klass = max(options, key=lambda k: (k.min_size - len(plan.members[k.id]),
                                                seats[k.id] - len(plan.members[k.id]), k.id))
            plan.place(need.person, klass)
    plan.close_undersized()
    plan.top_up()
    return plan
