"""A synthetic city in the districts' file format: one directory per district, each holding
`<name>_district.csv`, `<name>_streets.csv` and `<name>_communities.csv` as data/district does,
for `flask seed-district DIR ...` and the benchmarks (issue #19 point 1).

    .venv/bin/python bench/make_city.py /tmp/city                       # 16 districts, 3,400
    .venv/bin/python bench/make_city.py /tmp/city --with data/district   # the real one among them

Codes are statistical codes under 1101 (Beijing's districts), points lie inside Beijing's
bounding box; the same seed writes the same files."""

import argparse
import csv
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

# Beijing's 16 districts' statistical numbers (110101 东城 … 110119 延庆).
DISTRICT_NUMBERS = ["01", "02", "05", "06", "07", "08", "09", "11", "12", "13", "14", "15",
                    "16", "17", "18", "19"]
SOUTH, NORTH, WEST, EAST = 39.44, 41.06, 115.42, 117.51
SYLLABLES = ("安 宝 北 长 朝 城 崇 春 大 德 东 方 丰 福 阜 广 和 河 华 怀 惠 吉 嘉 建 金 京 景 "
             "康 乐 丽 林 柳 龙 隆 芦 明 南 宁 平 青 庆 清 仁 瑞 三 山 上 盛 石 顺 松 太 泰 "
             "天 通 万 文 西 祥 新 兴 秀 阳 永 玉 园 苑 展 正 中").split()
COMMUNITY_ENDINGS = ["社区居委会", "里社区居委会", "园社区居委会", "街社区居委会", "苑社区居委会"]


@dataclass
class Names:
    """Unique plausible names: two syllables and an ending, never the same name twice."""
    rng: random.Random
    taken: set = field(default_factory=set)

    def new(self, ending: str) -> str:
        while True:
            name = "".join(self.rng.sample(SYLLABLES, 2)) + ending
            if name not in self.taken:
                self.taken.add(name)
                return name


def _write(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def _near(rng: random.Random, point: tuple[float, float], spread: float) -> tuple[float, float]:
    lat = min(max(point[0] + rng.uniform(-spread, spread), SOUTH), NORTH)
    lon = min(max(point[1] + rng.uniform(-spread, spread), WEST), EAST)
    return round(lat, 6), round(lon, 6)


def _split(total: int, parts: int, rng: random.Random, least: int) -> list[int]:
    """`total` in `parts` shares of at least `least` each, the rest spread at random."""
    shares = [least] * parts
    for _ in range(total - least * parts):
        shares[rng.randrange(parts)] += 1
    return shares


def _counts_of(real: Path) -> tuple[str, int, int]:
    """A real district's code and its numbers of streets and communities."""
    def rows(suffix: str) -> list[dict]:
        with next(real.glob(f"*{suffix}")).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    return (rows("district.csv")[0]["district_code"], len(rows("streets.csv")),
            len(rows("communities.csv")))


def _district(out: Path, number: str, streets: int, communities: int, rng: random.Random,
              names: Names, *, first_street: int = 1, real: Path | None = None) -> Path:
    """A synthetic district's files; with `real`, its streets are added to that district's
    own (numbered from first_street on, after the real ones)."""
    code = f"1101{number}000000"
    prefix = f"d{number}"
    directory = out / prefix
    if real is not None:
        shutil.copytree(real, directory, ignore=shutil.ignore_patterns("*.md", "*.geojson"))
    else:
        directory.mkdir(parents=True)
        _write(directory / f"{prefix}_district.csv", ["district_code", "district_name"],
               [[code, names.new("区")]])
    centre = (rng.uniform(39.6, 40.6), rng.uniform(115.8, 117.2))
    street_rows, community_rows = [], []
    for s, size in enumerate(_split(communities, streets, rng, least=5), start=first_street):
        street_code, street_name = f"1101{number}{s:03d}000", names.new("街道")
        street_point = _near(rng, centre, 0.08)
        street_rows.append([street_code, street_name, *street_point])
        for c in range(1, size + 1):
            ending = rng.choice(COMMUNITY_ENDINGS)
            community_rows.append([street_code, street_name, f"{street_code[:9]}{c:03d}",
                                   names.new(ending), *_near(rng, street_point, 0.015)])
    if real is not None:  # appended to the real district's own files
        _append(next(directory.glob("*streets.csv")), street_rows)
        _append(next(directory.glob("*communities.csv")), community_rows)
        return directory
    _write(directory / f"{prefix}_streets.csv",
           ["street_code", "street_name", "latitude", "longitude"], street_rows)
    _write(directory / f"{prefix}_communities.csv",
           ["street_code", "street_name", "community_code", "community_name", "latitude",
            "longitude"], community_rows)
    return directory


def _append(path: Path, rows: list[list]) -> None:
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def make_city(out: Path, *, seed: int = 2022, districts: int = 16, streets: int = 165,
              communities: int = 3400, real: Path | None = None) -> list[Path]:
    """Write the city's district directories under `out` and return them. With `real` (a
    district's directory, e.g. the shipped data/district), that district is one of the city's,
    copied as it is, and the synthetic ones make up the rest of the totals; with `real` and
    one district, the real one grows to the totals (streets 100 on are synthetic)."""
    rng = random.Random(seed)
    names = Names(rng)
    numbers = DISTRICT_NUMBERS[:districts]
    made = []
    if real is not None and districts == 1:
        # One district as large as the city: the real one with synthetic streets added (to
        # measure one district's reads, or one weekly set, at the city's size).
        code, real_streets, real_communities = _counts_of(real)
        return [_district(out, code[4:6], streets - real_streets,
                          communities - real_communities, rng, names,
                          first_street=100, real=real)]
    if real is not None:
        code, real_streets, real_communities = _counts_of(real)
        numbers = [n for n in DISTRICT_NUMBERS if f"1101{n}" != code[:6]][:districts - 1]
        made.append(out / "real")
        shutil.copytree(real, made[0], ignore=shutil.ignore_patterns("*.md", "*.geojson"))
        streets, communities = streets - real_streets, communities - real_communities
    street_shares = _split(streets, len(numbers), rng, least=3)
    community_shares = _split(communities, len(numbers), rng, least=5 * max(street_shares))
    for number, street_count, community_count in zip(numbers, street_shares, community_shares,
                                                     strict=True):
        made.append(_district(out, number, street_count, community_count, rng, names))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="an empty or new directory")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets", type=int, default=165)
    parser.add_argument("--communities", type=int, default=3400)
    parser.add_argument("--with", dest="real", type=Path, default=None,
                        help="a real district's directory to include as one of the city's")
    args = parser.parse_args()
    made = make_city(args.out, seed=args.seed, districts=args.districts, streets=args.streets,
                     communities=args.communities, real=args.real)
    print(" ".join(str(path) for path in made))


if __name__ == "__main__":
    main()
