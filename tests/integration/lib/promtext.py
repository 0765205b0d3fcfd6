"""promtext.py -- a small, strict parser of the Prometheus text format (version 0.0.4).

    samples, types = parse(text)          # ValueError on anything a scraper would refuse
    val(samples, "http_requests_total", route="/healthz", status="200")   # 0.0 when absent

Strict about what a scraper relies on: a TYPE line before a family's samples, a family's samples
together, no series twice, valid label syntax and escapes, histogram buckets cumulative with a
+Inf bucket equal to _count and a _sum."""
import math
import re

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE = re.compile(r"^(%s)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$" % _NAME)
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)')
_TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def _labels(text):
    out, pos = {}, 0
    while pos < len(text):
        m = _LABEL.match(text, pos)
        if not m:
            raise ValueError("bad labels at %r" % text[pos:])
        name, raw = m.group(1), m.group(2)
        if name in out:
            raise ValueError("label %s twice" % name)
        out[name] = re.sub(r"\\(.)", lambda x: {"n": "\n"}.get(x.group(1), x.group(1)), raw)
        pos = m.end()
        if m.group(3) == "" and pos < len(text):
            raise ValueError("text after the last label: %r" % text[pos:])
    return out


def _family(name, types):
    """The metric family a sample belongs to (histogram samples carry suffixes)."""
    if name in types:
        return name
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and types.get(name[:-len(suffix)]) == "histogram":
            return name[:-len(suffix)]
    return None


def parse(text):
    """-> dict {(name, frozenset(labels.items())): float}, dict types. Raises ValueError."""
    samples, types, helps, seen_family_done = {}, {}, set(), set()
    current = None
    if not text.endswith("\n"):
        raise ValueError("the page must end with a newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] == "TYPE":
                name, typ = parts[2], parts[3] if len(parts) > 3 else ""
                if typ not in _TYPES:
                    raise ValueError("line %d: unknown type %r" % (n, typ))
                if name in types:
                    raise ValueError("line %d: TYPE of %s twice" % (n, name))
                types[name] = typ
            elif len(parts) >= 3 and parts[1] == "HELP":
                if parts[2] in helps:
                    raise ValueError("line %d: HELP of %s twice" % (n, parts[2]))
                helps.add(parts[2])
            continue
        if not line.strip():
            raise ValueError("line %d: empty line" % n)
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError("line %d: not a sample: %r" % (n, line))
        name, labels, value = m.group(1), _labels(m.group(2) or ""), m.group(3)
        fam = _family(name, types)
        if fam is None:
            raise ValueError("line %d: %s has no TYPE before it" % (n, name))
        # All samples of one family are together.
        if fam != current:
            if fam in seen_family_done:
                raise ValueError("line %d: samples of %s are not together" % (n, fam))
            if current:
                seen_family_done.add(current)
            current = fam
        v = float(value.replace("+Inf", "inf").replace("-Inf", "-inf").replace("NaN", "nan"))
        key = (name, frozenset(labels.items()))
        if key in samples:
            raise ValueError("line %d: series %s%s twice" % (n, name, labels))
        samples[key] = v
    _check_histograms(samples, types)
    return samples, types


def _check_histograms(samples, types):
    for fam, typ in types.items():
        if typ != "histogram":
            continue
        series = {}
        for (name, labels), v in samples.items():
            if name == fam + "_bucket":
                d = dict(labels)
                le = d.pop("le")
                series.setdefault(frozenset(d.items()), []).append((float(le), v))
        for key, buckets in series.items():
            buckets.sort()
            if buckets[-1][0] != math.inf:
                raise ValueError("%s%s has no +Inf bucket" % (fam, dict(key)))
            counts = [v for _, v in buckets]
            if counts != sorted(counts):
                raise ValueError("%s%s buckets are not cumulative: %s" % (fam, dict(key), buckets))
            if samples.get((fam + "_count", key)) != counts[-1]:
                raise ValueError("%s%s: _count differs from +Inf" % (fam, dict(key)))
            if (fam + "_sum", key) not in samples:
                raise ValueError("%s%s: no _sum" % (fam, dict(key)))


def val(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)
