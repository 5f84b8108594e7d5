"""The report: Markdown table, results.json, chart.png."""
import json
import math
import os
import subprocess

from common import LIB, OUT, log, say

NA = "n/a (not supported yet)"


class Metric:
    """One row: key (results.json), label (table), short (chart, "\\n"
    breaks lines), unit, target ("ratio", min Linux/Cloister) or ("max",
    Cloister's own figure at most)."""

    def __init__(self, key, label, short, unit, target=None):
        self.key, self.label, self.short, self.unit, self.target = \
            key, label, short, unit, target
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


def chart(metrics):
    """build/bench/chart.png: Linux/Cloister per metric, log scale."""
    dat = os.path.join(OUT, "chart.dat")
    with open(dat, "w") as f:
        for i, m in enumerate(metrics.values()):
            r = m.ratio()
            tgt = m.target[1] if m.target and m.target[0] == "ratio" else None
            text = "n/a" if r is None else "%.3gx" % r
            if m.target and m.target[0] == "max" and m.cloister is not None:
                text += "\\n%s %s (<= %g)\\n%s" % (
                    fmt(m.cloister), m.unit.replace("virtual ", ""),
                    m.target[1], m.target_text()[1])
            y = 1 if r is None else r
            f.write('%d "%s" %s %s "%s" %.4g %d %d\n' % (
                i, m.short, "?" if r is None else "%.4g" % r,
                "?" if tgt is None else tgt, text, y,
                1 if y >= 1 else -1, text.count("\\n") + 1))
    ys = [m.ratio() for m in metrics.values() if m.ratio() is not None]
    ys += [m.target[1] for m in metrics.values()
           if m.target and m.target[0] == "ratio"]
    ymin = 10 ** min(-1, math.floor(math.log10(min(ys + [1]) / 2)))
    ymax = 10 ** max(2, math.ceil(math.log10(max(ys + [1]) * 2)))
    png = os.path.join(OUT, "chart.png")
    r = subprocess.run(["gnuplot", "-e", "datafile='%s'; outfile='%s'; "
                        "ymin=%g; ymax=%g" % (dat, png, ymin, ymax),
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
