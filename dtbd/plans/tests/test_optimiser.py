"""The plan optimiser (docs/domain.md §13.5): every plan keeps every rule, small instances reach the brute-force
optimum, the bound bounds, malformed instances are refused naming field and item, and the command's streams."""
import datetime
import io
import itertools
import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from dtbd.plans.optimiser import InstanceError, instance_from_rows, parse, solve, solver
from dtbd.plans.optimiser.check import cost, objective, violations
from dtbd.plans.optimiser.greedy import greedy
from dtbd.plans.optimiser.model import Group, assign_group

ROOT = Path(__file__).resolve().parents[3]
DAY = datetime.date(2027, 1, 1)


def random_data(rng, people, classes, programmes, max_needs=2, budget_share=0.5, k=None, whole=True):
    codes = [f"P{i}" for i in range(programmes)]
    needs = []
    for p in range(people):
        for code in rng.sample(codes, rng.randint(1, min(max_needs, programmes))):
            weight = rng.randint(1, 5) if whole else round(rng.uniform(0.1, 5), 3)
            needs.append({"person": f"N{p:03d}", "programme": code, "weight": weight})
    rows = []
    for c in range(classes):
        capacity = rng.randint(1, 4 if people <= 8 else 12)
        start = DAY + datetime.timedelta(days=rng.randint(0, 40))
        rows.append({"id": f"K{c:03d}", "programme": rng.choice(codes), "capacity": capacity,
                     "min_size": rng.randint(0, capacity), "fixed_cost": rng.randint(0, 10) * 100,
                     "cost_per_person": rng.randint(0, 5) * 10, "start": start.isoformat(),
                     "end": (start + datetime.timedelta(days=rng.randint(0, 15))).isoformat()})
    full = sum(c["fixed_cost"] + c["capacity"] * c["cost_per_person"] for c in rows)
    return {"budget": int(full * budget_share), "max_classes_per_person": k if k is not None else rng.randint(1, 2),
            "needs": needs, "classes": rows}


def brute_force(instance):
    """The best objective over every plan: each person takes any set of classes they may take together."""
    classes = instance.classes
    weights = instance.need_weights()
    people = sorted({n.person for n in instance.needs})
    options = []
    for person in people:
        eligible = [c for c in classes if (person, c.programme) in weights]
        mine = []
        for size in range(0, min(instance.max_classes_per_person, len(eligible)) + 1):
            for chosen in itertools.combinations(eligible, size):
                if len({c.programme for c in chosen}) == size and \
                        not any(a.overlaps(b) for a, b in itertools.combinations(chosen, 2)):
                    mine.append(chosen)
        options.append(mine)
    best = 0.0
    for pick in itertools.product(*options):
        size = {}
        for chosen in pick:
            for c in chosen:
                size[c.id] = size.get(c.id, 0) + 1
        if any(not c.min_size <= size[c.id] <= c.capacity for c in classes if c.id in size):
            continue
        spent = sum(c.fixed_cost + c.cost_per_person * size[c.id] for c in classes if c.id in size)
        if spent > instance.budget:
            continue
        value = math.fsum(weights[p, c.programme] for p, chosen in zip(people, pick) for c in chosen)
        best = max(best, value)
    return best


def assert_sound(instance, result):
    assert violations(instance, result.opened, result.placements) == []
    assert result.objective == pytest.approx(objective(instance, result.placements), abs=1e-9)
    assert result.cost == cost(instance, result.opened, result.placements) <= instance.budget
    assert result.bound >= result.objective - 1e-9
    expected_gap = (result.bound - result.objective) / result.bound if result.bound > 0 else 0.0
    assert result.gap == pytest.approx(expected_gap, abs=1e-12)
    assert set(result.opened) == {c for _, c in result.placements}
    if result.status == "optimal":
        assert result.gap <= 1e-4
    data = result.to_json()
    assert set(data) == {"status", "objective", "bound", "gap", "cost", "opened", "placements", "seconds"}


@pytest.mark.parametrize("seed", range(30))
def test_small_instances_reach_the_brute_force_optimum(seed):
    rng = random.Random(seed)
    instance = parse(random_data(rng, people=rng.randint(2, 6), classes=rng.randint(1, 4),
                                 programmes=rng.randint(1, 3), whole=seed % 3 != 0))
    result = solve(instance, time_limit=20)
    assert_sound(instance, result)
    best = brute_force(instance)
    assert result.status in ("optimal", "infeasible_budget")
    assert result.objective == pytest.approx(best, abs=1e-9)
    assert result.bound <= best * (1 + 1e-4) + 1e-9  # the bound of an optimal plan is the optimum


@pytest.mark.parametrize("seed", range(8))
def test_larger_random_plans_keep_every_rule(seed):
    rng = random.Random(100 + seed)
    instance = parse(random_data(rng, people=rng.randint(30, 120), classes=rng.randint(8, 30), programmes=5,
                                 max_needs=3, budget_share=rng.choice([0.2, 0.5, 1.0]), whole=seed % 2 == 0))
    result = solve(instance, time_limit=5)
    assert_sound(instance, result)
    assert result.objective >= greedy(instance).objective() - 1e-9


def test_greedy_plans_keep_every_rule():
    for seed in range(20):
        instance = parse(random_data(random.Random(200 + seed), people=40, classes=15, programmes=4, max_needs=3))
        plan = greedy(instance)
        assert violations(instance, sorted(plan.opened), plan.placements()) == []


def two_courses(budget, **changes):
    """Two people needing A; one class of A for both (fixed 100, 10 a head)."""
    klass = {"id": "K1", "programme": "A", "capacity": 2, "min_size": 2, "fixed_cost": 100,
             "cost_per_person": 10, "start": "2027-03-01", "end": "2027-03-05", **changes}
    return {"budget": budget, "max_classes_per_person": 1, "classes": [klass],
            "needs": [{"person": "X", "programme": "A", "weight": 2}, {"person": "Y", "programme": "A", "weight": 1.5}]}


def test_a_budget_that_pays_for_no_class_is_infeasible_budget():
    result = solve(parse(two_courses(budget=119)))  # 100 + 2 × 10 needed
    assert (result.status, result.objective, result.opened, result.placements) == ("infeasible_budget", 0, [], [])
    assert result.bound == 0 and result.gap == 0


def test_the_plan_fills_the_class_when_the_budget_allows():
    result = solve(parse(two_courses(budget=120)))
    assert (result.status, result.objective, result.cost, result.opened) == ("optimal", 3.5, 120, ["K1"])
    assert sorted(result.placements) == [("X", "K1"), ("Y", "K1")]


def test_sharing_a_day_is_an_overlap():
    data = {"budget": 1000, "max_classes_per_person": 2,
            "needs": [{"person": "X", "programme": "A", "weight": 1}, {"person": "X", "programme": "B", "weight": 1}],
            "classes": [{"id": "KA", "programme": "A", "capacity": 1, "min_size": 1, "fixed_cost": 0,
                         "cost_per_person": 0, "start": "2027-03-01", "end": "2027-03-05"},
                        {"id": "KB", "programme": "B", "capacity": 1, "min_size": 1, "fixed_cost": 0,
                         "cost_per_person": 0, "start": "2027-03-05", "end": "2027-03-09"}]}
    assert solve(parse(data)).objective == 1
    data["classes"][1]["start"] = "2027-03-06"
    assert solve(parse(data)).objective == 2


def test_a_need_no_class_offers_is_valid_and_unmet():
    data = two_courses(budget=120)
    data["needs"].append({"person": "Z", "programme": "NOCLASS", "weight": 9})
    result = solve(parse(data))
    assert result.objective == 3.5 and result.status == "optimal"


def test_the_relaxed_pools_are_refined_until_the_plan_is_proven():
    """Three people each needing A and B with weight 3, KA and KB overlapping: the need pools alone would seat their
    six needs (18, a bound no plan reaches); the solver must model them one by one to prove the optimum: one of them
    in KA and KB2, the two others in KB, three seats of KA for the rest (6 + 6 + 2)."""
    needs = [{"person": p, "programme": g, "weight": 3} for p in "XYZ" for g in "AB"]
    needs += [{"person": f"S{i}", "programme": "A", "weight": 1} for i in range(3)]
    classes = [{"id": "KA", "programme": "A", "capacity": 3, "min_size": 0, "fixed_cost": 0, "cost_per_person": 0,
                "start": "2027-03-01", "end": "2027-03-10"},
               {"id": "KB", "programme": "B", "capacity": 3, "min_size": 0, "fixed_cost": 0, "cost_per_person": 0,
                "start": "2027-03-10", "end": "2027-03-20"},
               {"id": "KB2", "programme": "B", "capacity": 1, "min_size": 0, "fixed_cost": 0, "cost_per_person": 0,
                "start": "2027-04-10", "end": "2027-04-20"}]
    instance = parse({"budget": 0, "max_classes_per_person": 2, "needs": needs, "classes": classes})
    result = solve(instance, time_limit=20)
    assert_sound(instance, result)
    assert result.objective == brute_force(instance) == 14
    assert result.status == "optimal"


def test_instance_from_rows_takes_tuples_dates_and_ids():
    instance = instance_from_rows(
        needs=[(1, 7, 2), {"person": "CB2", "programme": 7, "weight": 1}],
        classes=[("K1", 7, 2, 1, 100, 10, datetime.date(2027, 3, 1), datetime.date(2027, 3, 2))],
        budget=200, max_classes_per_person=1, programmes=[7])
    assert [n.person for n in instance.needs] == ["1", "CB2"]
    assert instance.classes[0].start == datetime.date(2027, 3, 1)
    assert solve(instance).objective == 3
    with pytest.raises(InstanceError, match=r'classes\[0\]\.min_size: .* \(lớp "K1"\)'):
        instance_from_rows([], [("K1", 7, 2, 3, 100, 10, DAY, DAY)], budget=1, max_classes_per_person=1)


# Malformed instances: one change of a valid file each, the field path and the item expected in the message.
MALFORMED = [
    (lambda d: d.pop("budget"), "budget: thiếu trường bắt buộc"),
    (lambda d: d.update(budget="nhiều"), 'budget: phải là số nguyên không âm, không phải "nhiều"'),
    (lambda d: d.update(budget=-5), "budget: phải là số nguyên không âm (đang là -5)"),
    (lambda d: d.update(max_classes_per_person=1.5), "max_classes_per_person: phải là số nguyên"),
    (lambda d: d.pop("needs"), "needs: thiếu trường bắt buộc"),
    (lambda d: d["needs"][1].pop("weight"), 'needs[1].weight: thiếu trường bắt buộc (nhu cầu "Y" – "A")'),
    (lambda d: d["needs"][1].update(weight=0), 'needs[1].weight: phải là số dương (đang là 0) (nhu cầu "Y" – "A")'),
    (lambda d: d["needs"][1].update(weight="3"), 'needs[1].weight: phải là số dương, không phải "3"'),
    (lambda d: d["needs"].append({"person": "X", "programme": "A", "weight": 1}),
     'needs[2]: trùng cặp (người, chương trình) với needs[0] (nhu cầu "X" – "A")'),
    (lambda d: d["needs"][0].update(programme="ZZ"),
     'needs[0].programme: chương trình "ZZ" không có trong danh mục programmes (nhu cầu "X" – "ZZ")'),
    (lambda d: d["classes"][0].update(programme="ZZ"),
     'classes[0].programme: chương trình "ZZ" không có trong danh mục programmes (lớp "K1")'),
    (lambda d: d["classes"][0].pop("capacity"), 'classes[0].capacity: thiếu trường bắt buộc (lớp "K1")'),
    (lambda d: d["classes"][0].update(capacity=-1), 'classes[0].capacity: phải là số nguyên không âm (đang là -1) '
                                                    '(lớp "K1")'),
    (lambda d: d["classes"][0].update(fixed_cost=1.5), 'classes[0].fixed_cost: phải là số nguyên không âm, không '
                                                       'phải 1.5 (lớp "K1")'),
    (lambda d: d["classes"][0].update(cost_per_person=-10), 'classes[0].cost_per_person: phải là số nguyên không âm'),
    (lambda d: d["classes"][0].update(min_size=3), 'classes[0].min_size: sĩ số tối thiểu 3 lớn hơn sĩ số tối đa '
                                                   'capacity 2 (lớp "K1")'),
    (lambda d: d["classes"][0].update(start="2027-03-06"), 'classes[0].end: ngày kết thúc 2027-03-05 trước ngày bắt '
                                                           'đầu start 2027-03-06 (lớp "K1")'),
    (lambda d: d["classes"][0].update(start="01/03/2027"), 'classes[0].start: phải là ngày dạng YYYY-MM-DD'),
    (lambda d: d["classes"].append(dict(d["classes"][0])), 'classes[1].id: trùng mã lớp với classes[0] (lớp "K1")'),
    (lambda d: d.update(classes="K1"), 'classes: phải là danh sách, không phải "K1"'),
    (lambda d: d.update(programmes="A"), 'programmes: phải là danh sách mã chương trình'),
]


def valid_data():
    data = two_courses(budget=500)
    data["programmes"] = ["A", "B"]
    return data


@pytest.mark.parametrize("change,message", MALFORMED)
def test_malformed_instances_are_refused_naming_field_and_item(change, message, tmp_path):
    data = valid_data()
    change(data)
    path = tmp_path / "bai-toan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("plan-optimise", str(path), stdout=out, stderr=err)
    assert exited.value.code == 1
    assert out.getvalue() == ""
    assert message in err.getvalue()


def test_the_valid_file_of_the_malformed_cases_is_accepted():
    assert solve(parse(valid_data())).objective == 3.5


def test_text_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{budget: 1", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("plan-optimise", str(path), stdout=io.StringIO(), stderr=err)
    assert "không phải JSON hợp lệ" in err.getvalue() and "dòng 1" in err.getvalue()


def test_output_writes_the_result_file_and_nothing_on_stdout(tmp_path):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(two_courses(budget=120)), encoding="utf-8")
    out = io.StringIO()
    call_command("plan-optimise", str(source), "--output", str(target), "--time-limit", "5", stdout=out)
    assert out.getvalue() == ""
    result = json.loads(target.read_text(encoding="utf-8"))
    assert result["status"] == "optimal" and result["objective"] == 3.5 and result["cost"] == 120
    assert result["placements"] == [{"person": "X", "class": "K1"}, {"person": "Y", "class": "K1"}]


def run_command(*args):
    return subprocess.run([sys.executable, "-m", "dtbd.manage", "plan-optimise", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={"DTBD_PRODUCTION": "0", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_the_command_prints_only_the_result_json(tmp_path):
    """A process of its own: HiGHS's banner and log, written by C code, must not reach stdout."""
    rng = random.Random(5)
    data = random_data(rng, people=40, classes=10, programmes=4, max_needs=2)
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = run_command(str(path), "--time-limit", "10")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    instance = parse(data)
    assert violations(instance, result["opened"], [(p["person"], p["class"]) for p in result["placements"]]) == []
    assert result["objective"] == pytest.approx(objective(instance, [(p["person"], p["class"])
                                                                     for p in result["placements"]]))


def test_the_command_exits_1_with_the_message_only(tmp_path):
    data = valid_data()
    data["classes"][0]["capacity"] = "năm"
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = run_command(str(path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.strip() == ('classes[0].capacity: phải là số nguyên không âm, không phải "năm" (lớp "K1")')


@pytest.mark.parametrize("seed", range(10))
def test_the_seat_model_of_large_models_bounds_the_brute_force_optimum(seed, monkeypatch):
    """Past FIRST_COLUMNS (many distinct weights) the solver bounds with the seat model and fills its classes,
    keeping the greedy plan if better; forced here on small instances."""
    monkeypatch.setattr(solver, "FIRST_COLUMNS", 0)
    rng = random.Random(300 + seed)
    instance = parse(random_data(rng, people=rng.randint(2, 6), classes=rng.randint(1, 4), programmes=2,
                                 whole=seed % 2 == 0))
    result = solve(instance, time_limit=10)
    assert_sound(instance, result)
    assert result.status == "infeasible_budget" or "mô hình chỗ ngồi" in " ".join(result.notes)
    assert result.objective >= greedy(instance).objective() - 1e-9
    assert result.bound >= brute_force(instance) - 1e-9


def odd_hole():
    """Two people needing A, B and C; five one-seat classes whose conflicts (same programme or overlapping dates)
    form a cycle of five: a1–a2 (A), a2–b1 (11/03), b1–b2 (B), b2–c1 (03/03), c1–a1 (02/03). Every count the
    grouped model allows is met (at most 2 per programme and per day), yet two people can take at most 2 each."""
    spans = {"a1": ("A", 1, 2), "a2": ("A", 10, 11), "b1": ("B", 11, 12), "b2": ("B", 3, 4), "c1": ("C", 2, 3)}
    classes = [{"id": cid, "programme": prog, "capacity": 1, "min_size": 0, "fixed_cost": 0, "cost_per_person": 0,
                "start": f"2027-03-{start:02d}", "end": f"2027-03-{end:02d}"}
               for cid, (prog, start, end) in spans.items()]
    needs = [{"person": p, "programme": g, "weight": 1} for p in "XY" for g in "ABC"]
    return parse({"budget": 0, "max_classes_per_person": 3, "needs": needs, "classes": classes})


def test_counts_no_two_people_can_take_are_refused_by_the_assignment():
    instance = odd_hole()
    group = Group(key=(("A", 1.0), ("B", 1.0), ("C", 1.0)), people=["X", "Y"], weights={"A": 1, "B": 1, "C": 1})
    by_id = instance.class_by_id()
    assert assign_group(group, {c: 1 for c in by_id}, by_id, 3, time_limit=5) is None
    found = assign_group(group, {"a1": 1, "a2": 1, "b1": 1, "b2": 1}, by_id, 3, time_limit=5)
    assert len(found) == 4
    assert violations(instance, list({c for _, c in found}), found) == []


def test_a_group_that_cannot_be_split_among_its_people_is_modelled_one_by_one():
    instance = odd_hole()
    result = solve(instance, time_limit=20)
    assert_sound(instance, result)
    assert result.objective == brute_force(instance) == 4
    assert result.status == "optimal"
