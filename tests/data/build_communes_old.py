#!/usr/bin/env python3
"""build_communes_old.py -- derive data/communes_old.tsv (pre-July-2025 commune
names -> the commune that took them over) from two files of the MIT-licensed
repository github.com/thanglequoc/vietnamese-provinces-database
(Copyright (c) 2021 Thang Le Quoc, see data/LICENSE-communes.txt):

  NEW  dataset-generation-scripts/sapnhap-bando-crawler/donvi_tinhthanh.json
       at commit cd580632 (one object per new unit; "truocsapnhap" is the
       free text "what it was before the merger", as published by
       sapnhap.bando.com.vn)
  OLD  json/simplified_json_generated_data_vn_units.json at tag v2.4.1 (the
       last release before the 2025 reorganisation: 63 provinces, 696
       districts, 10,035 communes)

Usage (from the repo root):
  git -C MIRROR show cd580632:dataset-generation-scripts/sapnhap-bando-crawler/donvi_tinhthanh.json > /tmp/new.json
  git -C MIRROR show v2.4.1:json/simplified_json_generated_data_vn_units.json > /tmp/old.json
  python3 tests/data/build_communes_old.py /tmp/new.json /tmp/old.json data
which reads data/communes.tsv and writes data/communes_old.tsv and
data/provinces_old.tsv.

Why the detour through OLD: the "truocsapnhap" text only names the old
communes ("Xã Tân Thành (huyện Hàm Yên), Xã Bằng Cốc, ..."), mixed with
prose ("một phần diện tích TN, quy mô dân số của các phường ..."). Every item
is kept only if it is the name of a real old commune in one of the old
provinces that formed the new province; that validation throws the prose
away and gives the old district and province of each name. Items that name
no old commune are reported on stderr and dropped.

communes_old.tsv (tab separated, UTF-8, header line first):
  old_name  old_district  old_province  new_commune_code  old_commune_code
One old commune split between several new ones gets one row per new one.
provinces_old.tsv: old_code  old_name  new_province_code  (63 rows)
"""
import json
import re
import sys
import unicodedata

# New province code -> old province codes (Resolution 202/2025/QH15). The
# script checks it against the "truocsapnhap" text of each province.
NEW_TO_OLD = {
    "01": ["01"], "04": ["04"], "11": ["11"], "12": ["12"], "14": ["14"],
    "20": ["20"], "22": ["22"], "38": ["38"], "40": ["40"], "42": ["42"],
    "46": ["46"],
    "08": ["08", "02"], "15": ["10", "15"], "19": ["19", "06"],
    "24": ["27", "24"], "25": ["25", "26", "17"], "31": ["31", "30"],
    "33": ["33", "34"], "37": ["37", "35", "36"], "44": ["45", "44"],
    "48": ["48", "49"], "51": ["51", "62"], "52": ["64", "52"],
    "56": ["56", "58"], "66": ["66", "54"], "68": ["68", "67", "60"],
    "75": ["75", "70"], "79": ["79", "74", "77"], "80": ["72", "80"],
    "82": ["87", "82"], "86": ["86", "83", "84"], "91": ["89", "91"],
    "92": ["92", "93", "94"], "96": ["96", "95"],
}

TYPE_RE = re.compile(r"(?i)\b(phường|xã|thị trấn)\b")
QUAL_RE = re.compile(
    r"(?i)\(\s*(quận|huyện|thị xã|thành phố|tp\.?)\s+([^(),]*?)\s*(?:,[^()]*)?\)")


def fold(s):
    s = unicodedata.normalize("NFD", s.replace("\xa0", " ").replace("’", "'"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "D").lower()
    s = re.sub(r"[^a-z0-9']+", " ", s)
    return " ".join(s.split())


def loose(s):
    """Spelling the two sources disagree on: y/i (Quy/Qui, Sỹ/Sĩ), II/2,
    apostrophes and spaces (Ea H'đing, ĐamBri)."""
    w = fold(s).replace("'", "").split()
    w = [{"i": "1", "ii": "2", "iii": "3", "iv": "4"}.get(t, t) for t in w]
    return "".join(w).replace("y", "i")


def type_of(full):
    f = fold(full)
    for t in ("phuong", "xa", "thi tran"):
        if f.startswith(t + " "):
            return t
    return ""


def main(new_path, old_path, data_dir):
    tsv_path = data_dir + "/communes.tsv"
    new = json.load(open(new_path, encoding="utf-8"))
    old = json.load(open(old_path, encoding="utf-8"))

    codes = {}          # our communes.tsv: code -> (name, province code)
    by_name = {}        # (folded name, province) -> code, to repair codes
    with open(tsv_path, encoding="utf-8") as f:
        next(f)
        for line in f:
            c = line.rstrip("\n").split("\t")
            codes[c[0]] = (c[1], c[3])
            by_name[(fold(c[1]), c[3])] = c[0]

    # old communes indexed by (old province, folded name without type)
    oldw = {}
    oprov = {}
    for p in old:
        oprov[p["Code"]] = p["FullName"]
        for d in p["District"]:
            for w in d["Ward"] or []:
                key = (p["Code"], loose(w["Name"]))
                oldw.setdefault(key, []).append(
                    (w["Code"], w["FullName"], d["FullName"], p["Code"]))

    for u in new:
        if u["magoc"] != "0":
            continue
        text = fold(u["truocsapnhap"])
        for oc in NEW_TO_OLD[u["ma"]]:
            short = fold(re.sub(r"^(Tỉnh|Thành phố)\s+", "", oprov[oc]))
            if short not in text and text != "giu nguyen" and not (
                    oc == "79" and "tphcm" in text):
                sys.exit("province %s: %s not in %r" % (u["ma"], short, text))

    rows = []
    dropped = 0
    ambiguous = 0   # names kept with every district they could be in
    for u in new:
        if u["magoc"] == "0":
            continue
        code = u["ma"]
        if code not in codes:
            code = by_name.get((fold(u["ten"]), u["magoc"]))
            if code is None:
                print("no new commune for %s %s" % (u["ma"], u["ten"]),
                      file=sys.stderr)
                continue
        olds = NEW_TO_OLD[u["magoc"]]
        # Parentheses either qualify a name by its old district, which is
        # kept as {district}, or say which new units took the rest ("phần
        # còn lại sau khi sáp nhập vào phường X, phường Y"): those name new
        # units, not old ones, and go before the text is split on commas.
        text = unicodedata.normalize("NFC", u["truocsapnhap"].replace("\xa0", " "))
        text = QUAL_RE.sub(lambda m: " {%s} " % m.group(2), text)
        text = re.sub(r"\([^()]*\)?", " ", text)
        items = re.split(r"\s*(?:,|;|\bvà\b)\s*", text)
        cur_type = ""
        found = []      # (item, list of old candidates)
        for it in items:
            qual = None
            m = re.search(r"\{([^{}]*)\}", it)
            if m:
                qual = fold(m.group(1))
                it = it[:m.start()] + " " + it[m.end():]
            tm = list(TYPE_RE.finditer(it))
            if tm:
                cur_type = fold(tm[-1].group(1))
                name = it[tm[-1].end():]
            else:
                name = it
            name = fold(name)
            if not name:
                continue
            cands = []
            for oc in olds:
                for c in oldw.get((oc, loose(name)), []):
                    if cur_type and type_of(c[1]) != cur_type:
                        continue
                    if qual and fold(re.sub(r"^(Quận|Huyện|Thị xã|Thành phố)\s+",
                                            "", c[2])) != qual:
                        continue
                    cands.append(c)
            if cands:
                found.append((it, cands))
            elif len(name.split()) <= 5 and not re.search(
                    r"dien tich|dan so|con lai|sap xep|toan bo|giu nguyen", name):
                dropped += 1
                print("dropped %s %s: %r" % (code, u["ten"], it.strip()),
                      file=sys.stderr)
        # An old name found in several districts: keep the district of the
        # old commune whose code the new one took over, else the district
        # most of the other, unambiguous, names come from.
        home = [c[2] for _, cs in found for c in cs if c[0] == code]
        votes = {}
        for _, cs in found:
            if len(cs) == 1:
                votes[cs[0][2]] = votes.get(cs[0][2], 0) + 1
        for _, cs in found:
            if len(cs) > 1:
                pick = [c for c in cs if c[2] in home] or \
                       [max(cs, key=lambda c: votes.get(c[2], 0))]
                cs = pick if len(pick) == 1 else cs
                if len(cs) > 1:
                    ambiguous += 1
            for c in cs:
                rows.append((c[1], c[2], oprov[c[3]], code, c[0]))

    with open(data_dir + "/provinces_old.tsv", "w", encoding="utf-8") as out:
        out.write("old_code\told_name\tnew_province_code\n")
        back = {o: n for n, olds in NEW_TO_OLD.items() for o in olds}
        assert len(back) == 63 and sorted(back) == sorted(oprov)
        for oc in sorted(oprov):
            out.write("%s\t%s\t%s\n" % (oc, oprov[oc], back[oc]))

    seen = set()
    out = open(data_dir + "/communes_old.tsv", "w", encoding="utf-8")
    out.write("old_name\told_district\told_province\tnew_commune_code\told_commune_code\n")
    for r in sorted(rows, key=lambda r: (r[4], r[3])):
        if (r[3], r[4]) in seen:
            continue
        seen.add((r[3], r[4]))
        out.write("\t".join(r) + "\n")
    out.close()
    print("%d rows, %d old communes, %d items dropped, %d ambiguous" %
          (len(seen), len({r[4] for r in rows}), dropped, ambiguous), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
