"""Recomputing a solution's figures and checking it against every rule of docs/domain.md §13.5.

Used by the tests and, before a result is returned, as a safety net: `violations` lists the broken rules (empty when
the solution is feasible); `objective` and `cost` recompute the figures from the placements alone."""
import math
from collections import Counter, defaultdict


def objective(instance, placements):
    """Σ weight of the needs met: a placement (person, class) meets the person's need of the class's programme."""
    by_id = instance.class_by_id()
    weights = instance.need_weights()
    met = {(person, by_id[cid].programme) for person, cid in placements if cid in by_id}
    return math.fsum(weights.get(pair, 0.0) for pair in met)


def cost(instance, opened, placements):
    """Σ fixed_cost of the opened classes + Σ cost_per_person of the placements (whole VND)."""
    by_id = instance.class_by_id()
    return sum(by_id[c].fixed_cost for c in set(opened)) + sum(by_id[c].cost_per_person for _, c in placements)


def violations(instance, opened, placements):
    """The rules the solution (opened class ids, (person, class id) placements) breaks, one line each."""
    found = []
    by_id = instance.class_by_id()
    weights = instance.need_weights()
    opened_set = set(opened)
    if len(opened_set) != len(opened):
        found.append("một lớp được mở hai lần")
    for cid in opened_set - by_id.keys():
        found.append(f'lớp "{cid}" không có trong danh sách lớp dự kiến')
    if len(set(placements)) != len(placements):
        found.append("một người được xếp hai lần vào cùng một lớp")
    size = Counter(c for _, c in placements)
    per_person = defaultdict(list)
    for person, cid in placements:
        klass = by_id.get(cid)
        if klass is None or cid not in opened_set:
            found.append(f'"{person}" được xếp vào lớp "{cid}" không mở')
            continue
        if (person, klass.programme) not in weights:
            found.append(f'"{person}" không có nhu cầu chương trình "{klass.programme}" của lớp "{cid}"')
        per_person[person].append(klass)
    for cid in sorted(opened_set & by_id.keys()):
        klass = by_id[cid]
        if not klass.min_size <= size[cid] <= klass.capacity:
            found.append(f'lớp "{cid}" có {size[cid]} học viên, ngoài khoảng {klass.min_size}..{klass.capacity}')
    for person, taken in per_person.items():
        if len(taken) > instance.max_classes_per_person:
            found.append(f'"{person}" học {len(taken)} lớp, quá {instance.max_classes_per_person}')
        programmes = Counter(k.programme for k in taken)
        for programme, times in programmes.items():
            if times > 1:
                found.append(f'"{person}" được đáp ứng nhu cầu "{programme}" {times} lần')
        taken = sorted(taken, key=lambda k: (k.start, k.end))
        for i, first in enumerate(taken):
            for second in taken[i + 1:]:
                if first.overlaps(second):
                    found.append(f'"{person}" học hai lớp trùng thời gian "{first.id}" và "{second.id}"')
    total = cost(instance, [c for c in opened_set if c in by_id], [p for p in placements if p[1] in by_id])
    if total > instance.budget:
        found.append(f"tổng chi phí {total} vượt ngân sách {instance.budget}")
    return found
