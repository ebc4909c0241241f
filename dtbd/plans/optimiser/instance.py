"""The optimiser's instance: needs, candidate classes, budget cap and per-person limit (docs/domain.md §13.5).

`parse` turns the decoded JSON into frozen dataclasses and refuses a malformed instance whole with an
`InstanceError` whose lines name the field and the item in Vietnamese, e.g.
`classes[3].capacity: phải là số nguyên không âm (lớp "K004")`. `instance_from_rows` builds the same instance from
plain rows (what the plan pages read from the database), through the same checks."""
import datetime
import json
import math
from dataclasses import dataclass

MAX_ERRORS = 20


class InstanceError(ValueError):
    """A malformed instance: `errors` lists one Vietnamese line per problem (field path, what is wrong, the item)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Need:
    person: str
    programme: str
    weight: float


@dataclass(frozen=True)
class ClassOption:
    """A candidate class: opened with `min_size`..`capacity` learners or not at all."""

    id: str
    programme: str
    capacity: int
    min_size: int
    fixed_cost: int
    cost_per_person: int
    start: datetime.date
    end: datetime.date

    def overlaps(self, other):
        """Date ranges overlap; sharing one day counts."""
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Instance:
    budget: int
    max_classes_per_person: int
    needs: tuple
    classes: tuple
    programmes: tuple | None = None  # the programme catalogue, when the instance gives one

    def class_by_id(self):
        return {c.id: c for c in self.classes}

    def need_weights(self):
        """{(person, programme): weight}."""
        return {(n.person, n.programme): n.weight for n in self.needs}


class _Checker:
    """Collects the problems of one instance, then raises them together."""

    def __init__(self):
        self.errors = []

    def add(self, path, message, item=""):
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{path}: {message}{f' ({item})' if item else ''}")
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append("… và các lỗi khác (chỉ hiện 20 lỗi đầu)")

    def raise_if_any(self):
        if self.errors:
            raise InstanceError(self.errors)

    # Each returns the checked value or None after recording the problem.
    def integer(self, obj, key, path, item, minimum=0):
        if key not in obj:
            self.add(path, "thiếu trường bắt buộc", item)
            return None
        value = obj[key]
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"phải là số nguyên{' không âm' if minimum == 0 else ''}, không phải {_shown(value)}", item)
            return None
        if value < minimum:
            self.add(path, f"phải là số nguyên{' không âm' if minimum == 0 else f' ≥ {minimum}'} (đang là {value})",
                     item)
            return None
        return value

    def weight(self, obj, key, path, item):
        if key not in obj:
            self.add(path, "thiếu trường bắt buộc", item)
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.add(path, f"phải là số dương, không phải {_shown(value)}", item)
            return None
        if value <= 0:
            self.add(path, f"phải là số dương (đang là {value})", item)
            return None
        return float(value)

    def text(self, obj, key, path, item):
        if key not in obj:
            self.add(path, "thiếu trường bắt buộc", item)
            return None
        value = obj[key]
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"phải là chuỗi ký tự khác rỗng, không phải {_shown(value)}", item)
            return None
        return value.strip()

    def date(self, obj, key, path, item):
        if key not in obj:
            self.add(path, "thiếu trường bắt buộc", item)
            return None
        value = obj[key]
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str) and len(value) == 10:
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.add(path, f"phải là ngày dạng YYYY-MM-DD, không phải {_shown(value)}", item)
        return None


def _shown(value):
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"


def _need_item(raw):
    person = raw.get("person") if isinstance(raw, dict) else None
    programme = raw.get("programme") if isinstance(raw, dict) else None
    if isinstance(person, str) and isinstance(programme, str):
        return f'nhu cầu "{person}" – "{programme}"'
    if isinstance(person, str):
        return f'nhu cầu của "{person}"'
    return ""


def _class_item(raw):
    ident = raw.get("id") if isinstance(raw, dict) else None
    return f'lớp "{ident}"' if isinstance(ident, (str, int)) and not isinstance(ident, bool) else ""


def parse(data):
    """The Instance of decoded JSON `data`, or InstanceError naming every problem (field path and item)."""
    check = _Checker()
    if not isinstance(data, dict):
        check.add("(tệp bài toán)", "phải là một đối tượng JSON {…} có budget, max_classes_per_person, needs, classes")
        check.raise_if_any()
    budget = check.integer(data, "budget", "budget", "")
    max_classes = check.integer(data, "max_classes_per_person", "max_classes_per_person", "")

    catalogue = None
    if data.get("programmes") is not None:
        raw = data["programmes"]
        if not isinstance(raw, list):
            check.add("programmes", f"phải là danh sách mã chương trình, không phải {_shown(raw)}")
        else:
            catalogue = []
            for i, code in enumerate(raw):
                if not isinstance(code, str) or not code.strip():
                    check.add(f"programmes[{i}]",
                              f"phải là mã chương trình (chuỗi khác rỗng), không phải {_shown(code)}")
                else:
                    catalogue.append(code.strip())
    known = set(catalogue) if catalogue is not None else None

    needs = []
    raw_needs = data.get("needs")
    if "needs" not in data:
        check.add("needs", "thiếu trường bắt buộc")
    elif not isinstance(raw_needs, list):
        check.add("needs", f"phải là danh sách, không phải {_shown(raw_needs)}")
    else:
        seen = {}
        for i, raw in enumerate(raw_needs):
            path = f"needs[{i}]"
            if not isinstance(raw, dict):
                check.add(path, f"phải là đối tượng {{person, programme, weight}}, không phải {_shown(raw)}")
                continue
            item = _need_item(raw)
            person = check.text(raw, "person", f"{path}.person", item)
            programme = check.text(raw, "programme", f"{path}.programme", item)
            weight = check.weight(raw, "weight", f"{path}.weight", item)
            if programme is not None and known is not None and programme not in known:
                check.add(f"{path}.programme", f'chương trình "{programme}" không có trong danh mục programmes', item)
                continue
            if None in (person, programme, weight):
                continue
            if (person, programme) in seen:
                check.add(path, f"trùng cặp (người, chương trình) với needs[{seen[person, programme]}]", item)
                continue
            seen[person, programme] = i
            needs.append(Need(person, programme, weight))

    classes = []
    raw_classes = data.get("classes")
    if "classes" not in data:
        check.add("classes", "thiếu trường bắt buộc")
    elif not isinstance(raw_classes, list):
        check.add("classes", f"phải là danh sách, không phải {_shown(raw_classes)}")
    else:
        seen = {}
        for i, raw in enumerate(raw_classes):
            path = f"classes[{i}]"
            if not isinstance(raw, dict):
                check.add(path, f"phải là đối tượng lớp {{id, programme, capacity, …}}, không phải {_shown(raw)}")
                continue
            item = _class_item(raw)
            ident = check.text(raw, "id", f"{path}.id", item)
            programme = check.text(raw, "programme", f"{path}.programme", item)
            numbers = {key: check.integer(raw, key, f"{path}.{key}", item)
                       for key in ("capacity", "min_size", "fixed_cost", "cost_per_person")}
            start = check.date(raw, "start", f"{path}.start", item)
            end = check.date(raw, "end", f"{path}.end", item)
            bad = ident is None or programme is None or None in numbers.values() or start is None or end is None
            if programme is not None and known is not None and programme not in known:
                check.add(f"{path}.programme", f'chương trình "{programme}" không có trong danh mục programmes', item)
                bad = True
            if numbers["capacity"] is not None and numbers["min_size"] is not None \
                    and numbers["min_size"] > numbers["capacity"]:
                check.add(f"{path}.min_size", f"sĩ số tối thiểu {numbers['min_size']} lớn hơn sĩ số tối đa "
                                              f"capacity {numbers['capacity']}", item)
                bad = True
            if start is not None and end is not None and start > end:
                check.add(f"{path}.end", f"ngày kết thúc {end.isoformat()} trước ngày bắt đầu start "
                                         f"{start.isoformat()}", item)
                bad = True
            if ident is not None:
                if ident in seen:
                    check.add(f"{path}.id", f"trùng mã lớp với classes[{seen[ident]}]", item)
                    bad = True
                else:
                    seen[ident] = i
            if not bad:
                classes.append(ClassOption(ident, programme, start=start, end=end, **numbers))
    check.raise_if_any()
    return Instance(budget=budget, max_classes_per_person=max_classes, needs=tuple(needs), classes=tuple(classes),
                    programmes=tuple(catalogue) if catalogue is not None else None)


def loads(text):
    """The Instance of a JSON text (InstanceError also for text that is not JSON)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError([f"(tệp bài toán): không phải JSON hợp lệ — {error.msg} (dòng {error.lineno}, "
                             f"cột {error.colno})"]) from None
    return parse(data)


def instance_from_rows(needs, classes, budget, max_classes_per_person, programmes=None):
    """The Instance of plain rows, for the plan pages (no model imported here).

    `needs`: dicts {person, programme, weight} or tuples (person, programme, weight); `classes`: dicts with the keys of
    the file format (dates may be `datetime.date`) or tuples (id, programme, capacity, min_size, fixed_cost,
    cost_per_person, start, end). Person and programme codes may be numbers (database ids): they become strings.
    Raises InstanceError like a file would."""
    class_keys = ("id", "programme", "capacity", "min_size", "fixed_cost", "cost_per_person", "start", "end")

    def need_dict(row):
        row = dict(row) if isinstance(row, dict) else dict(zip(("person", "programme", "weight"), row))
        return {**row, **{k: str(row[k]) for k in ("person", "programme") if isinstance(row.get(k), int)}}

    def class_dict(row):
        row = dict(row) if isinstance(row, dict) else dict(zip(class_keys, row))
        return {**row, **{k: str(row[k]) for k in ("id", "programme") if isinstance(row.get(k), int)}}

    data = {
        "budget": budget,
        "max_classes_per_person": max_classes_per_person,
        "needs": [need_dict(r) for r in needs],
        "classes": [class_dict(r) for r in classes],
    }
    if programmes is not None:
        data["programmes"] = [str(p) for p in programmes]
    return parse(data)
