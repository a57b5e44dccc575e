"""The report: machine and commit facts, the JSON files, the table printed and the PNG chart."""

import contextlib
import datetime
import json
import os
import platform
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git_commit():
    """The checked-out commit, read from .git without running git."""
    git = ROOT / ".git"
    try:
        if git.is_file():  # a worktree: "gitdir: <path>"
            git = Path(git.read_text().split(":", 1)[1].strip())
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return {"commit": head, "ref": None}
        ref = head.split(":", 1)[1].strip()
        for base in (git, git.parent if git.parent.name == "worktrees" else git):
            if (base / ref).is_file():
                return {"commit": (base / ref).read_text().strip(), "ref": ref}
        packed = git / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return {"commit": line.split()[0], "ref": ref}
        return {"commit": None, "ref": ref}
    except OSError:
        return {"commit": None, "ref": None}


def machine_info(conn):
    import django
    import gunicorn
    import psycopg

    info = {
        "cpu_count": os.cpu_count(),
        "cpu_model": None,
        "memory_kib": None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "psycopg": psycopg.__version__,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_kib"] = int(line.split()[1])
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        info["postgresql"] = cur.fetchone()[0]
    return info


def fmt_ms(value):
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_num(value, digits=1):
    return "-" if value is None else f"{value:,.{digits}f}"


def table(report):
    header = [
        "scenario",
        "n",
        "err",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "req/s",
        "queries",
        "floor p50",
        "floor p95",
        "floor req/s",
        "p50 / floor",
        "req/s / floor",
    ]
    rows = []
    for entry in report["scenarios"]:
        ours, floor, ratios = entry["ours"], entry["floor"], entry["ratios"] or {}
        if ours is None:
            rows.append([entry["name"], "skipped", "", "", "", "", "", "", "", "", "", "", ""])
            continue
        queries = ours["queries_per_request"]
        rows.append(
            [
                entry["name"],
                str(ours["requests"]),
                str(ours["errors"]),
                fmt_ms(ours["latency_ms"]["p50"]),
                fmt_ms(ours["latency_ms"]["p95"]),
                fmt_ms(ours["latency_ms"]["p99"]),
                fmt_num(ours["throughput_rps"]),
                "-" if queries is None else f"{queries['median']:g}",
                fmt_ms(floor["latency_ms"]["p50"]) if floor else "",
                fmt_ms(floor["latency_ms"]["p95"]) if floor else "",
                fmt_num(floor["throughput_rps"]) if floor else "",
                fmt_num(ratios.get("p50"), 2) if floor else "",
                fmt_num(ratios.get("throughput"), 2) if floor else "",
            ]
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    for entry in report["scenarios"]:
        export = (entry["ours"] or {}).get("export")
        if export:
            lines.append("")
            lines.append(
                f"{entry['name']}: first byte {fmt_ms(export['ttfb_ms'])} ms, first body byte "
                f"{fmt_ms(export['first_body_byte_ms'])} ms, first record {fmt_ms(export.get('first_record_ms'))} ms, "
                f"total {fmt_ms(export['total_ms'])} ms, "
                f"{export['bytes']:,} bytes ({export['lines']:,} lines), worker peak RSS "
                f"{(export['peak_rss_kib'] or 0) / 1024:,.1f} MiB "
                f"(+{(export['peak_rss_growth_kib'] or 0) / 1024:,.1f} MiB)"
            )
    return "\n".join(lines)


def draw_chart(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = [e for e in report["scenarios"] if e["ours"] is not None and e["ours"]["latency_ms"]["p50"] is not None]
    names = [e["name"] for e in entries]
    series = [
        ("ours p50", [e["ours"]["latency_ms"]["p50"] for e in entries], "#1f77b4"),
        ("ours p95", [e["ours"]["latency_ms"]["p95"] for e in entries], "#aec7e8"),
        ("floor p50", [(e["floor"] or {}).get("latency_ms", {}).get("p50") for e in entries], "#2ca02c"),
        ("floor p95", [(e["floor"] or {}).get("latency_ms", {}).get("p95") for e in entries], "#98df8a"),
    ]
    height = 0.2
    fig, ax = plt.subplots(figsize=(11, 1.0 + 0.6 * max(1, len(names))))
    for index, (label, values, colour) in enumerate(series):
        positions = [row + (index - 1.5) * height for row in range(len(names))]
        bars = [(p, v) for p, v in zip(positions, values, strict=True) if v is not None]
        if bars:
            ax.barh([p for p, _ in bars], [max(v, 0.01) for _, v in bars], height=height, label=label, color=colour)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("latency, ms (log scale; CSV: whole export)")
    settings = report["settings"]
    ax.set_title(
        f"Latency by scenario, ours beside the raw floor — scale {settings['scale']:g}, seed {settings['seed']}, "
        f"{settings['workers']} workers x {settings['threads']} threads, concurrency {settings['concurrency']}",
        fontsize=10,
    )
    ax.grid(axis="x", which="both", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(report, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    scale = f"{report['settings']['scale']:g}".replace(".", "_")
    copy = path.with_name(f"{path.stem}-{stamp}-scale{scale}-seed{report['settings']['seed']}.json")
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    shutil.copyfile(path, copy)
    return copy
