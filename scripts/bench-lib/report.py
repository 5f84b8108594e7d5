"""The report: Markdown table, results.json, chart.png."""
import json
import os
import subprocess

from common import LIB, OUT, log, say

NA = "n/a"


class Metric:
    """One row: key (results.json), label (table and chart), unit, target ("ratio", min Linux/Cloister) or ("max",
    Cloister's own figure at most)."""

    def __init__(self, key, label, unit, target=None):
        self.key, self.label, self.unit, self.target = \
            key, label, unit, target
        self.cloister = self.linux = None
        self.cloister_why = self.linux_why = None

    def ratio(self):
        if self.cloister is None or self.linux is None or self.cloister <= 0:
            return None
        return self.linux / self.cloister

    def target_text(self):
        """(target, verdict) for the table."""
        if self.target is None:
            return "", ""
        kind, val = self.target
        if kind == "ratio":
            r = self.ratio()
            verdict = "" if r is None else ("met" if r >= val else "not met")
            return ">= %gx" % val, verdict
        if kind == "max":        # Cloister's own figure at most val
            c = self.cloister
            verdict = "" if c is None else ("met" if c <= val else "not met")
            return "Cloister <= %g %s" % (val, self.unit), verdict
        return "", ""

    def json(self):
        r = self.ratio()
        return {"metric": self.key, "unit": self.unit,
                "cloister": rnd(self.cloister), "linux": rnd(self.linux),
                "ratio": None if r is None else round(r, 3)}


def rnd(v):
    if v is None:
        return None
    return round(v, 3) if abs(v) < 1000 else round(v, 1)


def fmt(v):
    if v is None:
        return NA
    if v >= 1000:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.3g" % v


def table(metrics):
    rows = [["metric", "unit", "Cloister", "Linux", "Linux/Cloister",
             "target", "met?"]]
    for m in metrics.values():
        r = m.ratio()
        t, verdict = m.target_text()
        rows.append([m.label, m.unit, fmt(m.cloister), fmt(m.linux),
                     "-" if r is None else "%.2fx" % r, t, verdict])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in
                                       zip(r, widths)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def chart_row(m):
    """The figures of one row scaled to the larger of the two (0..1) and
    the position of the target on that scale (where Cloister's bar must
    end), each None when there is none."""
    vals = [v for v in (m.cloister, m.linux) if v is not None and v > 0]
    top = max(vals) if vals else None
    if top is None:
        return None, None, None
    c = None if m.cloister is None else m.cloister / top
    l = None if m.linux is None else m.linux / top
    tgt = None
    if m.target and m.target[0] == "ratio" and m.linux is not None:
        tgt = m.linux / m.target[1] / top
    elif m.target and m.target[0] == "max":
        tgt = m.target[1] / top
    if tgt is not None:
        tgt = min(tgt, 1.02)
    return c, l, tgt


def chart(metrics):
    """build/bench/chart.png: one pair of bars per row, Cloister above
    Linux, each row scaled to its larger figure (every unit is lower is
    better), the figures and the ratio written out, the target marked."""
    dat = os.path.join(OUT, "chart.dat")
    rows = list(metrics.values())
    q = lambda v: "?" if v is None else "%.4g" % v
    with open(dat, "w") as f:
        for i, m in enumerate(rows):
            c, l, tgt = chart_row(m)
            unit = m.unit.replace("virtual ", "v")
            r = m.ratio()
            t, verdict = m.target_text()
            rtext = "n/a" if r is None else "%.2fx" % r
            if t:
                rtext += "   target %s%s" % (t.replace("Cloister ", ""),
                                           ", " + verdict if verdict else "")
            f.write('%d "%s" %s %s %s "%s" "%s" "%s" %s %s\n' % (
                len(rows) - i, m.label, q(c), q(l), q(tgt),
                fmt(m.cloister) + ("" if m.cloister is None else " " + unit),
                fmt(m.linux) + ("" if m.linux is None else " " + unit),
                rtext, q(c or 0), q(l or 0)))
    png = os.path.join(OUT, "chart.png")
    r = subprocess.run(["gnuplot", "-e", "datafile='%s'; outfile='%s'; "
                        "rows=%d" % (dat, png, len(rows)),
                        os.path.join(LIB, "chart.gp")], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    log(r.stdout)
    if r.returncode != 0:
        say("gnuplot failed: " + r.stdout.strip())
        return None
    return png


def write_json(metrics):
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump([m.json() for m in metrics.values()], f, indent=1)
        f.write("\n")
