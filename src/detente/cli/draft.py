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
) -> None:
    """Draft a scenario from an article, offline: actors, issues, moves, channels, claims."""
    from detente.fileio import atomic_write_text
    from detente.scenario.loader import load_scenario, scenario_from_data
    from detente.scenario.writer import scenario_to_data, scenario_to_yaml
    from detente.text.draft import draft_article
    from detente.text.merge import merge_data

    proposer = None
    if llm is not None:
        from detente.text.llm import ChatProposer

        proposer = ChatProposer(llm, llm_model)
    sc, ex = draft_article(article, backend, proposer)
    if ex.llm:
        err = err_console()
        err.print(f"llm: {ex.llm['accepted'][0]} proposals verified, {len(ex.llm['added'])} added, "
                  f"{len(ex.llm['dropped'])} dropped", markup=False)
        for line in ex.llm["dropped"]:
            err.print(f"  dropped {line}", markup=False)
    conflicts: list[str] = []
    if merge is not None:
        existing = load_scenario(merge)
        merged, added, conflicts = merge_data(scenario_to_data(existing), scenario_to_data(sc))
        sc = scenario_from_data(merged, str(merge))
        err = err_console()
        err.print(f"merge: kept {merge}, added {len(added)} fields, {len(conflicts)} conflicts", markup=False)
        for c in conflicts:
            err.print(f"  conflict (kept the file's value): {c}", markup=False)
    text = scenario_to_yaml(sc)
    if review:
        from detente.text.review import review_table

        out_console().print(review_table(sc))
    if output is None:
        if not review:
            sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        err_console().print(
            f"wrote {output}: {len(sc.actors)} actors, {len(sc.issues)} issues, {len(sc.moves)} moves, "
            f"{len(sc.channels)} channels, {len(sc.claims)} claims ({ex.backend} backend)", markup=False)
