"""Benchmark: server time of the staff list page (/can-bo/) on the 100k demo province.

    .venv/bin/python bench/staff_list.py [--staff 100000] [--runs 7] [--name staff-list] [--fresh]

Uses its own SQLite database under bench/out/<name>/ (DTBD_VAR_DIR; DATABASE_URL, when set, wins), migrates it
and loads `dtbd demo --staff N` once (reused by later runs; --fresh rebuilds). Then, logged in as `tinh` (province
manager, sees everything) with django.test.Client, it times the full request (middleware, view, queries, template)
of the list and a few filtered variants: median of --runs after one warm-up request each, with the SQL query count
of one more request. Next to each it times a hand-written minimal SQL (count + the same page of rows with current
unit, category and rank) as a floor, and prints the ratio. The goal is a list page under 150 ms.

The filter parameter names default to q / unit / category / page; override them (--search-param …) if the list's
FilterSet names them differently. A filtered variant whose page is byte-identical to the unfiltered one is flagged:
its parameter was probably ignored.
"""
from common import database_folder, demo_database, demo_parser, median_ms, setup

PAGE_SIZE_DEFAULT = 50
UNIT_CODE = "TQ.SGDDT"  # Sở Giáo dục và Đào tạo: one of the largest subtrees
SEARCH = "nguyen van an"

MINIMAL_SQL = """
SELECT p.id, p.code, p.full_name, p.birth_date, p.gender, u.name, ca.category, r.code
FROM people_person p
LEFT JOIN people_unitassignment ua ON ua.person_id = p.id AND ua.valid_to IS NULL
LEFT JOIN org_unit u ON u.id = ua.unit_id
LEFT JOIN people_categoryassignment ca ON ca.person_id = p.id AND ca.valid_to IS NULL
LEFT JOIN people_rankassignment ra ON ra.person_id = p.id AND ra.valid_to IS NULL
LEFT JOIN people_rank r ON r.id = ra.rank_id
WHERE p.left_on IS NULL {where}
ORDER BY {order}p.name_sort, p.code
LIMIT %s OFFSET %s
"""
MINIMAL_COUNT = "SELECT COUNT(*) FROM people_person p WHERE p.left_on IS NULL {where}"


def parse_args():
    parser = demo_parser(__doc__, "staff-list", runs=7)
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE_DEFAULT, help="rows per page of the list")
    parser.add_argument("--search-param", default="q")
    parser.add_argument("--unit-param", default="unit")
    parser.add_argument("--category-param", default="category")
    parser.add_argument("--page-param", default="page")
    return parser.parse_args()


def main():
    args = parse_args()
    database_folder(args.name, args.fresh)
    setup()
    import logging
    import warnings

    logging.getLogger("django.request").setLevel(logging.ERROR)  # no "Not Found" line per timed request
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collected static files here
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from dtbd.accounts.models import User
    from dtbd.org.models import Unit
    from dtbd.people.models import Person

    # A request would otherwise clear the query log (reset_queries) and close the connection between requests.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, reset_queries

    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    demo_database(args.staff, args.seed)

    try:
        url = reverse("people:person_list")
    except NoReverseMatch:
        url = "/can-bo/"
    unit = Unit.objects.get(code=UNIT_CODE)
    user = User.objects.get(username="tinh")
    client = Client()
    client.force_login(user)

    # name, query string, extra headers, minimal-SQL where clause and params, offset
    # Filters on histories: the count as "p.id IN (…)" (SQLite drives it from the filter's index), the page as
    # "EXISTS (…)" (SQLite walks the name index and stops when the page is full). Each string is formatted with
    # the correlated/uncorrelated form by minimal().
    in_path = "su.path >= %s AND su.path < %s" if connection.vendor == "sqlite" else "su.path LIKE %s"
    subtree_where = (
        "AND {op} (SELECT a.person_id FROM people_unitassignment a JOIN org_unit su ON su.id = a.unit_id "
        "WHERE a.valid_to IS NULL {corr} AND " + in_path + ")"
    )
    subtree_params = [unit.path, unit.path + "~"] if connection.vendor == "sqlite" else [unit.path + "%"]
    search_like = f"%{SEARCH}%"
    variants = [
        ("list", "", {}, "", [], 0),
        ("page 2", f"{args.page_param}=2", {}, "", [], args.page_size),
        (f"search '{SEARCH}'", f"{args.search_param}={SEARCH.replace(' ', '+')}", {},
         "AND (p.name_folded LIKE %s OR p.code LIKE %s)", [search_like, search_like], 0),
        ("search (htmx partial)", f"{args.search_param}={SEARCH.replace(' ', '+')}", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "person-results"},
         "AND (p.name_folded LIKE %s OR p.code LIKE %s)", [search_like, search_like], 0),
        (f"unit {UNIT_CODE} subtree", f"{args.unit_param}={unit.pk}", {}, subtree_where, subtree_params, 0),
        ("category CC", f"{args.category_param}=CC", {},
         "AND {op} (SELECT c.person_id FROM people_categoryassignment c WHERE c.valid_to IS NULL {corr} "
         "AND c.category = %s)", ["CC"], 0),
        # Filters on the current highest qualification and combinations: no hand-written floor (None).
        ("LLCT: none", "llct=NONE", {}, None, [], 0),
        ("education: ThS", "education=THS", {}, None, [], 0),
        ("unit + VC + women + ĐH", f"{args.unit_param}={unit.pk}&category=VC&gender=NU&education=DH", {}, None, [], 0),
    ]

    first = client.get(url)
    if first.status_code != 200:
        print(f"GET {url} answered {first.status_code}: the staff list page is not available yet.")
        if first.status_code in (301, 302):
            print(f"  redirected to {first.get('Location')}")
    baseline = first.content

    def minimal(where, params, offset, parts=("count", "page")):
        def run():
            with connection.cursor() as cursor:
                if "count" in parts:
                    count_where = where.format(op="p.id IN", corr="")
                    cursor.execute(MINIMAL_COUNT.format(where=count_where), params)
                    cursor.fetchone()
                if "page" in parts:
                    # For a sparse filter (search), scanning then sorting the few matches beats walking the name
                    # index (SQLite reads rows in index order until the page is full); '+' keeps it off that index.
                    order = "+" if "LIKE" in where and connection.vendor == "sqlite" else ""
                    page_where = where.format(op="EXISTS", corr="AND person_id = p.id")
                    cursor.execute(MINIMAL_SQL.format(where=page_where, order=order), params + [args.page_size, offset])
                    cursor.fetchall()

        return run

    rows = []
    for name, query, headers, where, params, offset in variants:
        full = f"{url}?{query}" if query else url

        def request(full=full, headers=headers):
            return client.get(full, **headers)

        response = request()
        captured = []

        def count(execute, sql, params, many, context):
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            request()
        med, lo, hi = median_ms(request, args.runs)
        if where is None:
            sql_med = count_med = page_med = float("nan")
        else:
            sql_med, _lo, _hi = median_ms(minimal(where, params, offset), args.runs)
            count_med = median_ms(minimal(where, params, offset, ("count",)), args.runs)[0]
            page_med = median_ms(minimal(where, params, offset, ("page",)), args.runs)[0]
        note = ""
        if response.status_code != 200:
            note = f"HTTP {response.status_code}"
        elif query and not headers and response.content == baseline:
            note = "same page as unfiltered: parameter ignored?"
        rows.append((name, response.status_code, len(captured), med, lo, hi, sql_med, count_med, page_med, note,
                     len(response.content)))

    print()
    print(f"GET {url} as 'tinh' on {connection.vendor}, {Person.objects.filter(left_on__isnull=True).count()} active "
          f"people; median of {args.runs} runs (ms); minimal SQL = count + one page of {args.page_size} rows")
    header = (f"{'variant':<28} {'HTTP':>4} {'queries':>7} {'median':>8} {'min':>8} {'max':>8} {'min. SQL':>9} "
              f"{'(count':>7} {'+ page)':>7} {'ratio':>6} {'KB':>6}  note")
    print(header)
    print("-" * len(header))
    for name, status, queries, med, lo, hi, sql_med, count_med, page_med, note, size in rows:
        ratio = med / sql_med if sql_med == sql_med and sql_med else float("nan")
        print(f"{name:<28} {status:>4} {queries:>7} {med:>8.1f} {lo:>8.1f} {hi:>8.1f} {sql_med:>9.1f} "
              f"{count_med:>7.1f} {page_med:>7.1f} {ratio:>6.1f} {size / 1024:>6.1f}  {note}")
    slowest = max(rows, key=lambda r: r[3])
    print(f"\nslowest: {slowest[0]} {slowest[3]:.1f} ms (goal < 150 ms)")


if __name__ == "__main__":
    main()
