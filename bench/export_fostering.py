"""The national-database fostering export of a whole province (`dtbd export fostering`): time and memory.

    .venv/bin/python bench/export_fostering.py                       # 100k demo on SQLite (bench/out/export-fostering/)
    .venv/bin/python bench/export_fostering.py --runs 3 --formats csv,json,xlsx
    .venv/bin/python bench/export_fostering.py --staff 20000 --name export-fostering-20k \
        --formats csv,xlsx,xlsx-xlsxwriter
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dtbd_national .venv/bin/python bench/export_fostering.py --unit VN \
        --runs 1 --warmups 0 --formats csv,json --no-memory      # 2M people (bench/national_pg.py builds it)

For each format, the export of --unit (default: the province's root) on today's date is written to a file under
bench/out/ as the median of --runs after --warmups runs (wall time, people, rows, file size, and the process's CPU
time: on SQLite the database works inside the process, so on a shared machine the CPU time is the figure a quiet
machine's wall time approaches; on PostgreSQL also the CPU time of the export's server backend, read from
/proc/<pid>/stat when the server runs on this machine — parallel workers not included —, the process's peak resident
size and the load average before and after). Then the memory: the same
export under tracemalloc (Python allocations: the peak) and the process's peak resident size (ru_maxrss, read in a
fresh child process per export so one run's peak does not hide the next's) for two sizes — the largest unit of the
second level (about a tenth of the province) and the whole province. Constant memory means the peaks of the two
sizes are close, while the people differ tenfold. Goal: 100.000 people on SQLite in < 60 s. The format
`xlsx-xlsxwriter` is the .xlsx as XlsxWriter wrote it before dtbd.core.xlsxstream (the before of a comparison).
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc

from common import OUT, database_folder, demo_database, demo_parser, root_unit, setup


def export(unit, fmt, path):
    import datetime

    from dtbd.training import national_export

    if fmt == "xlsx-xlsxwriter":  # the .xlsx writer before dtbd.core.xlsxstream (bench/xlsx_writers.py)
        from xlsx_writers import legacy_write_xlsx

        national_export.write_xlsx = legacy_write_xlsx
        fmt = "xlsx"
    return national_export.export(unit, datetime.date.today(), fmt, str(path))


def backend_cpu(connection):
    """CPU seconds (user + system) used so far by this connection's PostgreSQL backend, when the server runs on this
    machine and its /proc entry is readable; None otherwise (SQLite: the database works inside this process)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14 and 15)


def child(unit_code, fmt, path):
    """Run one export in this (fresh) process and print its figures as JSON (the --child mode)."""
    setup()
    from django.db import connection

    unit = root_unit(unit_code)
    server_before = backend_cpu(connection)
    tracemalloc_on = os.environ.get("BENCH_TRACEMALLOC") == "1"
    if tracemalloc_on:
        tracemalloc.start()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), time.process_time()
    people, rows = export(unit, fmt, path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if tracemalloc_on else None
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    server = backend_cpu(connection)
    server = server - server_before if server is not None and server_before is not None else None
    print(json.dumps({"people": people, "rows": rows, "seconds": seconds, "cpu": cpu, "server_cpu": server,
                      "traced_peak": peak, "rss_before_kb": before, "rss_after_kb": after}))


def run_child(unit_code, fmt, path, trace=False):
    env = dict(os.environ, BENCH_TRACEMALLOC="1" if trace else "0")
    out = subprocess.run([sys.executable, __file__, "--child", unit_code, fmt, str(path)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    parser = demo_parser(__doc__, "export-fostering", runs=3)
    parser.add_argument("--unit", help="unit code (default: the root of the province)")
    parser.add_argument("--formats", default="csv,json,xlsx")
    parser.add_argument("--warmups", type=int, default=1, help="runs before the timed ones, not counted")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    parser.add_argument("--memory-formats", default="csv,xlsx", help="formats whose memory is measured")
    args = parser.parse_args()
    folder = database_folder(args.name, args.fresh)
    setup()
    from django.db import connection

    from dtbd.org.models import Unit
    from dtbd.people.models import Person
    from dtbd.training import national_export

    if folder is not None or not Person.objects.exists():
        demo_database(args.staff, args.seed)
    unit = root_unit(args.unit)
    out = OUT / "export-fostering-files"
    out.mkdir(parents=True, exist_ok=True)
    import datetime

    today = datetime.date.today()
    total = national_export.people_count(unit, today)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; unit {unit.code}: {total} people on {today}")
    print(f"{'format':6} {'people':>9} {'rows':>10} {'MB':>8} {'median s':>9} {'min s':>7} {'max s':>7} "
          f"{'CPU s (median)':>15} {'server CPU s':>12} {'maxrss MB':>9}  load average before → after")
    for fmt in args.formats.split(","):
        path = out / f"export.{fmt.split('-')[0]}"
        times, cpus, servers, rss = [], [], [], []
        figures = None
        load_before = os.getloadavg()
        for i in range(args.warmups + args.runs):  # the warm-up runs fill the caches and are not counted
            figures = run_child(unit.code, fmt, path)
            if i >= args.warmups:
                times.append(figures["seconds"])
                cpus.append(figures["cpu"])
                servers.append(figures["server_cpu"])
                rss.append(figures["rss_after_kb"] / 1024)
        load_after = os.getloadavg()
        size = path.stat().st_size / 1e6
        server = f"{statistics.median(servers):.2f}" if None not in servers else "-"
        print(f"{fmt:6} {figures['people']:>9} {figures['rows']:>10} {size:>8.1f} {statistics.median(times):>9.2f} "
              f"{min(times):>7.2f} {max(times):>7.2f} {statistics.median(cpus):>15.2f} {server:>12} {max(rss):>9.1f}  "
              f"{' '.join(f'{x:.1f}' for x in load_before)} → {' '.join(f'{x:.1f}' for x in load_after)}", flush=True)
    if args.no_memory:
        return
    # Two sizes: the second-level unit with most people (about a tenth of a province) and the whole unit.
    children = list(Unit.objects.filter(parent=unit).values_list("code", flat=True))
    sizes = sorted(((national_export.people_count(Unit.objects.get(code=c), today), c) for c in children), reverse=True)
    smaller = next((c for n, c in sizes if n <= total / 5), sizes[-1][1] if sizes else unit.code)
    print("\nmemory (each export in a fresh process): tracemalloc peak of Python allocations; ru_maxrss of the process")
    print(f"{'format':6} {'unit':>10} {'people':>9} {'traced peak MB':>15} {'maxrss MB':>10} {'rss before MB':>14}")
    for fmt in args.memory_formats.split(","):
        for code in (smaller, unit.code):
            traced = run_child(code, fmt, out / f"memory.{fmt}", trace=True)
            plain = run_child(code, fmt, out / f"memory.{fmt}")
            print(f"{fmt:6} {code:>10} {traced['people']:>9} {traced['traced_peak'] / 1e6:>15.1f} "
                  f"{plain['rss_after_kb'] / 1024:>10.1f} {plain['rss_before_kb'] / 1024:>14.1f}", flush=True)


if __name__ == "__main__":
    main()
