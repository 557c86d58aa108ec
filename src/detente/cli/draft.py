"""``detente draft ARTICLE``: a draft scenario from an article, with evidence for every field."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.app import app, err_console, out_console, user_errors


@app.command()
@user_errors
def draft(
    article: Annotated[Path, typer.Argument(help="The article: .txt, .md or .html (UTF-8).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the YAML here (atomically).")] = None,
    merge: Annotated[
        Path | None,
        typer.Option("--merge", help="An existing scenario: keep its values, add what is new, report conflicts."),
    ] = None,
    review: Annotated[bool, typer.Option("--review", help="Print each field with its evidence.")] = False,
    backend: Annotated[str, typer.Option("--backend", help="auto, spacy or python.")] = "auto",
    llm: Annotated[
        str | None,
        typer.Option("--llm", help="Also ask an OpenAI-compatible chat endpoint (e.g. a local llama.cpp server, "
                     "http://localhost:8080) to propose fields; only those quoting the text verbatim are kept."),
    ] = None,
    llm_model: Annotated[str, typer.Option("--llm-model", help="Model name sent to the --llm endpoint.")] = "default",
    challenger: Annotated[str | None, typer.Option("--challenger", help="Override the inferred challenger.")] = None,
    defender: Annotated[str | None, typer.Option("--defender", help="Override the inferred defender.")] = None,
    actors: Annotated[str, typer.Option("--actors", help="named (every named actor) or participants (only "
                                        "those that act, are acted on or named repeatedly).")] = "named",
    organs: Annotated[str, typer.Option("--organs", help="merge (an organisation's organs, e.g. the UN Security "
                                        "Council, count as the organisation) or split (each organ an actor).")]
    = "merge",
    parser: Annotated[str | None, typer.Option("--parser", help="Also let a trained parser propose moves the "
                                               "rules verify: sm (spaCy en_core_web_sm 3.8.0; needs the "
                                               "'parse' extra). Default: rules only.")] = None,
    parse_mode: Annotated[str | None, typer.Option("--parse-mode", help="With --parser: correct (the default: "
                                                   "add moves on cues the rules left empty and re-assign a rule "
                                                   "move's actor to the parsed subject) or fill (add only).")]
    = None,
    analyze: Annotated[bool, typer.Option("--analyze", help="Then run the full analysis on the draft.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="With --analyze: folder for the draft, analysis.json "
                                             "and report.html (default: detente-out/<draft id>).")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing -o file (refused "
                                            "without it).")] = False,
) -> None:
    """Draft a scenario from an article, offline: actors, issues, moves, channels, claims, and the crisis
    game, simulation and cost terms every layer needs (numbers the text does not give are assumed)."""
    from detente.fileio import atomic_write_text
    from detente.scenario.loader import load_scenario, scenario_from_data
    from detente.scenario.writer import scenario_to_data, scenario_to_yaml
    from detente.text.draft import draft_article
    from detente.text.merge import merge_data, overlap_warning

    if out is not None and not analyze:  # it was ignored without a word and the draft went to stdout (H12)
        from detente.errors import InputError

        raise InputError("--out is the folder of --analyze; give --analyze too, or -o FILE for the draft alone",
                         str(out), field="--out")
    if output is not None and (output.exists() or output.is_symlink()) and not overwrite:
        from detente.errors import InputError

        raise InputError("exists; give --overwrite to replace it (it may be a scenario edited by hand)",
                         str(output), field="output")
    if parser is None and parse_mode is not None:
        from detente.errors import InputError

        raise InputError("--parse-mode needs --parser", str(article), field="--parse-mode")
    proposer = None
    if llm is not None:
        from detente.text.llm import ChatProposer

        proposer = ChatProposer(llm, llm_model)
    sc, ex = draft_article(article, backend, proposer, challenger=challenger, defender=defender, actors=actors,
                           organs=organs, parser=parser, parse_mode=parse_mode or "correct")
    if ex.parser:
        moved = ex.parser.get("reassigned", 0)
        err_console().print(f"parser: {ex.parser['model']} ({ex.parser['mode']}): {ex.parser['added']} move(s) "
                            "proposed and verified by the rules" + (f", {moved} rule move(s) given the parse's actor"
                                                                    if moved else ""), markup=False)
    if ex.llm:
        err = err_console()
        err.print(f"llm: {ex.llm['accepted'][0]} proposals verified, {len(ex.llm['added'])} added, "
                  f"{len(ex.llm['dropped'])} dropped", markup=False)
        for line in ex.llm["dropped"]:
            err.print(f"  dropped {line}", markup=False)
    conflicts: list[str] = []
    if merge is not None:
        existing = load_scenario(merge)
        old_data, new_data = scenario_to_data(existing), scenario_to_data(sc)
        merged, added, conflicts = merge_data(old_data, new_data)
        sc = scenario_from_data(merged, str(merge))
        err = err_console()
        if (warning := overlap_warning(old_data, new_data, str(merge))) is not None:
            err.print(warning, markup=False)
        err.print(f"merge: kept {merge}, added {len(added)} fields, {len(conflicts)} conflicts", markup=False)
        for c in conflicts:
            err.print(f"  conflict (kept the file's value): {c}", markup=False)
    text = scenario_to_yaml(sc)
    if review:
        from detente.text.review import review_table

        out_console().print(review_table(sc))
    if analyze:
        _analyze(sc, text, ex.defaults, ex.check_first, out, output)
        return
    if output is None:
        if not review:
            sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        err_console().print(
            f"wrote {output}: {len(sc.actors)} actors, {len(sc.issues)} issues, {len(sc.moves)} moves, "
            f"{len(sc.channels)} channels, {len(sc.claims)} claims ({ex.backend} backend)", markup=False)


def drafted_banner(defaults: list[str]) -> str:
    """The line an analysis of a draft starts with."""
    return ("drafted from text; defaults: " + (", ".join(defaults) if defaults else "none")
            + " (every number marked assumed is a placeholder; see the draft's 'Check first')")


def _analyze(sc: object, text: str, defaults: list[str], checks: list[str], out: Path | None,
             output: Path | None) -> None:
    """Write the draft, run ``analyze`` on it and say on top that it was drafted from text."""
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.analyze import analyze as run_analysis
    from detente.cli.app import dump_json
    from detente.fileio import atomic_write_files
    from detente.report.html import build_html
    from detente.report.terminal import render
    from detente.scenario.schema import Scenario

    assert isinstance(sc, Scenario)
    folder = out if out is not None else Path("detente-out") / sc.meta.id
    if folder.exists() and not folder.is_dir():
        from detente.errors import InputError

        raise InputError("--out must be a folder, and this is a file", str(folder), field="out")
    result = run_analysis(sc, AnalyzeOptions())
    banner = drafted_banner(defaults)
    data = {"drafted_from_text": {"note": banner, "defaults": defaults, "check_first": checks},
            **result.to_dict()}
    html = build_html(result)
    html = html.replace("<body>", f"<body><p><strong>{_escape(banner)}</strong></p>", 1)
    draft_path = output if output is not None else folder / "draft.yaml"
    atomic_write_files({draft_path: text, folder / "analysis.json": dump_json(data), folder / "report.html": html})
    console = out_console()
    console.print(banner, markup=False)
    for k, c in enumerate(checks, 1):
        console.print(f"  check first ({k}): {c}", markup=False)
    render(result, console)
    console.print(f"\nwrote {draft_path}, {folder / 'analysis.json'} and {folder / 'report.html'}", markup=False)


def _escape(s: str) -> str:
    import html

    return html.escape(s)
