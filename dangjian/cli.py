"""The ``dangjian`` command line: one subcommand per library entry point."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

from .model.tagger import DEFAULT_BATCH_SIZE

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_RECORD_ERRORS = 0, 1, 2, 3


class UsageError(Exception):
    """Options that do not fit together: exit status 2."""


SCORE_HELP = """\
Score articles: one JSON line per article, {"id", "labels", "scores"},
or {"id", "error"} for a record that could not be read.

INPUT is a .txt file (UTF-8, GB18030 or Big5; the encoding used is reported),
a directory (every .txt file below it; ids are paths relative to it), a .jsonl
or .csv file of records (fields named by --id-field/--text-field), or - for
JSONL (or CSV with --stdin-format csv) on stdin. Output is JSON lines or CSV,
by OUT's extension or --format. Records are scored in --jobs processes, in
input order; a killed run leaves OUT.part, which --resume continues.

examples:
  dangjian score seeds/
  dangjian score articles.jsonl -o scores.jsonl --jobs 4
  dangjian score pages.csv --text-field body --id-field url -o scores.csv
  dangjian score big_scrape/ -o scores.jsonl --resume
  echo '{"id": "a1", "text": "园区成立党建联盟"}' | dangjian score -

exit status: 0 all scored, 3 some records had errors, 2 usage error, 1 other failure."""

TRAIN_HELP = """\
Train a model and write model.joblib with its card.json. Data: labelled JSONL
({"id", "text", "labels", "split"}) or review sheets (.xlsx/.csv from
`dangjian suggest` or `dangjian review --export`: the coder's 0/1 label
columns); a label cell that is not 0 or 1 stops with the file, sheet, row and
column. Records whose split is "dev" are held out and scored for the card; the
rest (split "train" or none, every sheet row) are trained on. The card records
each data file with its sha256 and record count.

examples:
  dangjian train                                # the shipped data -> ./dangjian-model
  dangjian train --data seeds/*.jsonl -o model/default   # rebuild the shipped model
  dangjian train --data reviewed.xlsx --with-shipped-data -o my-model"""

EVALUATE_HELP = """\
Evaluate a model on labelled JSONL beside the keyword baseline (the codebook's
wording as rules): one table with a row per system, per-label F1, micro and
macro F1, exact match and Hamming loss. Default data: the dev split of the shipped data.

examples:
  dangjian evaluate
  dangjian evaluate --rules
  dangjian evaluate --data my_labelled.jsonl --split all --json result.json"""


EXPLAIN_HELP = """\
Explain the labels of one article: each predicted label with its score and the
sentences that carry it, as they stand in the file, the deciding terms
highlighted (colour on a terminal, [brackets] otherwise).

examples:
  dangjian explain seeds/000_0760089758dcbcdf.txt
  cat article.txt | dangjian explain - -k 5"""


def _warning_line(message, category, filename, lineno, file=None, line=None):
    print(f"dangjian: warning: {message}", file=sys.stderr)


@contextmanager
def _output(path: str | None):  # for single documents (evaluate --json); score uses outputs.Writer
    """Yield a text stream; a file is written to a temporary name and renamed when complete."""
    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def cmd_score(args) -> int:
    from .batch import score_records
    from .inputs import iter_records
    from .outputs import open_writer, output_format
    from .model.tagger import Tagger

    if args.resume and args.output in (None, "-"):
        raise UsageError("--resume needs -o OUT: it continues the output file of a killed run")
    tagger = Tagger.load(args.model)
    records = iter_records(args.inputs, id_field=args.id_field, text_field=args.text_field,
                           stdin_format=args.stdin_format, max_bytes=args.max_bytes)
    writer = open_writer(args.output, output_format(args.output, args.format), resume=args.resume)
    if writer.skip:
        records = (r for r in records if r.id not in writer.skip)
    options = dict(threshold=args.threshold, evidence=args.evidence, batch_size=args.batch_size)
    if args.engine == "dask":
        from .dask_engine import score_dask

        rows = score_dask(records, args.scheduler, tagger, **options)
    else:
        rows = score_records(records, tagger, model_dir=args.model, jobs=args.jobs, **options)
    started, scored, errors = time.perf_counter(), 0, 0
    progress = _progress()
    try:
        for row in rows:
            writer.write(row)
            errors += "error" in row
            scored += "error" not in row
            progress.update()
    except BaseException:
        writer.close(complete=False)
        raise
    finally:
        progress.close()
    writer.close()
    seconds = time.perf_counter() - started
    resumed = f", {len(writer.skip)} already done" if writer.skip else ""
    print(f"dangjian: scored {scored}, errors {errors}{resumed}, {seconds:.1f} s", file=sys.stderr)
    return EXIT_RECORD_ERRORS if errors else EXIT_OK


def _progress():
    """A tqdm bar on stderr when it is a terminal; otherwise silent."""
    from tqdm import tqdm

    return tqdm(unit=" articles", disable=not sys.stderr.isatty(), file=sys.stderr, dynamic_ncols=True)


def default_data_files() -> list[str]:
    """The labelled data shipped with the package: ``dangjian train``/``evaluate`` work from any directory."""
    from .model.data import shipped_data_files

    return [str(p) for p in shipped_data_files()]


def cmd_train(args) -> int:
    from .model.data import label_matrix, select_split
    from .model.evaluate import evaluate_records
    from .model.store import save
    from .model.tagger import Tagger
    from .model.train import TrainConfig, train
    from .training_data import card_entry, check_trainable, load_sources

    records, sources = load_sources(args.data or [], with_shipped=args.with_shipped_data or not args.data)
    train_set, dev_set = select_split(records, "train"), select_split(records, "dev")
    check_trainable(train_set, hint="" if args.with_shipped_data else "; add --with-shipped-data")
    config = TrainConfig(C=args.C, folds=args.folds, seed=args.seed, tokenizer_backend=args.tokenizer)
    print(f"dangjian: training on {len(train_set)} records from {len(sources)} file(s)…", file=sys.stderr)
    trained = train([r["text"] for r in train_set], label_matrix(train_set), config)
    extra = {}
    if dev_set:
        tagger = Tagger(trained.pipeline, {"thresholds": trained.thresholds})
        extra["dev"] = evaluate_records(tagger, dev_set)
    data_info = card_entry(sources, len(train_set), len(dev_set))
    card = save(trained, args.output, training_data=data_info, extra=extra, records=train_set)
    cv = card["metrics"]["cv"]
    summary = f"cv micro F1 {cv['micro_f1']:.3f}" if cv else "no cross-validation (too few records)"
    print(f"dangjian: wrote {Path(args.output) / 'model.joblib'} and card.json; {summary}", file=sys.stderr)
    return EXIT_OK


def highlight(sentence: str, terms, colour: bool) -> str:
    """Mark in an original sentence what its rules matched and its top three words."""
    from .model.evidence import marked_spans

    out, last = [], 0
    for start, end in marked_spans(sentence, terms):
        piece = sentence[start:end]
        out.append(sentence[last:start] + (f"\033[1;31m{piece}\033[0m" if colour else f"[{piece}]"))
        last = end
    out.append(sentence[last:])
    return "".join(out)


def cmd_explain(args) -> int:
    from .inputs import Record, iter_records
    from .model.tagger import Tagger

    if args.input == "-":
        record = Record("<stdin>", sys.stdin.read())
    else:
        record = next(iter_records([args.input]))
    if record.error:
        raise ValueError(f"{record.id}: {record.error}")
    tagger = Tagger.load(args.model)
    result = tagger.tag(record.text, evidence=True, k=args.k)
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    scores = "  ".join(f"{lab} {result.scores[lab]:.2f}" for lab in result.scores)
    print(f"{record.id}\nscores: {scores}")
    if not result.labels:
        print("no label predicted")
    for label in result.labels:
        ev = result.evidence[label]
        print(f"\n{label}  score {result.scores[label]:.2f} (threshold {tagger.thresholds[label]:.2f})")
        for s in ev.sentences:
            print(f"  [{s.start}:{s.end}] {highlight(s.text, s.terms, colour)}")
        print("  terms: " + ", ".join(f"{name} {w:+.3f}" for name, w in ev.features))
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from .model.data import load_labelled, select_split
    from .model.evaluate import evaluate, format_rule_table, format_table
    from .model.tagger import Tagger

    files = args.data or default_data_files()
    records = select_split(load_labelled(files), None if args.split == "all" else args.split)
    if not records:
        raise ValueError(f"no records with split {args.split!r} in {', '.join(map(str, files))}; try --split all")
    result = evaluate(Tagger.load(args.model), records)
    print(format_table(result))
    if args.rules:
        print("\nkeyword rules on the same data:\n" + format_rule_table(result["rules"]))
    if args.json:
        with _output(args.json) as out:
            json.dump(result, out, ensure_ascii=False, indent=1)
    return EXIT_OK


SUGGEST_HELP = """\
Suggest which unlabelled articles to review: the N whose labels would teach
the model most, written as a review sheet for a coder to fill in.

strategy: {strategy}.
Per label, uncertainty is how close the score is to the model's threshold;
labels the pool seldom shows weigh more (1/sqrt of their predicted share);
articles are then taken greedily by maximal marginal relevance, so similar
articles are spread out and near-duplicates (cosine of character-bigram
TF-IDF >= {near}) are passed over.

The sheet (.xlsx, .csv in UTF-8 with BOM for Excel, or .jsonl by OUT's
extension) has one row an article: id, text (cut to 32,767 characters, the most
an Excel cell holds, and text_note says so), the predicted labels and scores,
the top evidence sentence per predicted label, one 1/0 column per label
(联盟, 孵化站, 示范岗, 轮值主席) pre-filled with the model's guess for the coder
to correct, coder and note, and rank, priority and strategy.

INPUT is read as by `dangjian score` (.txt, directory, .jsonl, .csv, -) or a
review sheet. Unreadable records are reported on stderr (exit status 3).

examples:
  dangjian suggest scrape/ -n 100 -o to_review.xlsx
  dangjian suggest articles.jsonl -n 50 -o round2.xlsx --exclude round1.xlsx
  dangjian suggest pages.csv --text-field body -n 20 -o to_review.csv"""

REVIEW_HELP = """\
Review articles one at a time in a local web page (bound to 127.0.0.1 only;
the address is printed): the evidence sentences marked in the original text,
the four labels as toggles (pre-set to the model's guess) with the codebook's
definition beside each, a note, progress, and keyboard shortcuts (1-4 toggle,
Enter save and next, arrows previous/next, n note). Every decision is saved in
the SQLite database at once; several coders may label the same articles
(each under their own name). Articles come in the order `dangjian suggest`
would choose them (--order input keeps the input's order; a review sheet
from suggest is already in that order). Without INPUT the database's articles
are served again. --export writes the decisions as a review sheet and exits.

examples:
  dangjian review to_review.xlsx --db review.sqlite --coder wang
  dangjian review scrape/ --db review.sqlite --port 8765
  dangjian review --db review.sqlite --export reviewed.xlsx
  dangjian review --db review.sqlite --export wang.xlsx --coder wang"""

AGREEMENT_HELP = """\
Inter-coder agreement per label: Cohen's kappa for two coders (scikit-learn),
Fleiss' kappa for three or more (statsmodels), percent agreement, and the
list of disagreements to settle, over the articles every coder decided.
Inputs are review sheets (.xlsx/.csv/.jsonl; a row's coder is its coder cell,
else the file name) and review databases (.sqlite; each of its coders).

examples:
  dangjian agreement wang.xlsx li.xlsx
  dangjian agreement review.sqlite"""

CHECK_LABELS_HELP = """\
List the labels of a labelled file (review sheet or JSONL) that a
cross-validated model most disagrees with: likely labelling errors. Each
record is scored by a model trained on the other folds (with
--with-shipped-data: plus the shipped data, which is never listed); a label
whose given 0/1 differs from that prediction is listed, the most confident
disagreement first (|given - score|).

examples:
  dangjian check-labels reviewed.xlsx --with-shipped-data
  dangjian check-labels my_labelled.jsonl --folds 10 -n 50"""


def _report_record_errors(errors) -> None:
    for record in errors:
        print(f"dangjian: {record.id}: {record.error}", file=sys.stderr)


def cmd_suggest(args) -> int:
    from .model.tagger import Tagger
    from .sheets import ids_in, iter_any_records, sheet_format, write_sheet
    from .suggest import DIVERSITY, NEAR_DUPLICATE, STRATEGY, suggest_records

    if args.n < 1:
        raise UsageError("-n must be at least 1")
    fmt = sheet_format(args.output, args.format)
    if args.output in (None, "-") and fmt != "jsonl":
        raise UsageError(f"a {fmt} sheet needs -o FILE; stdout takes JSON lines")
    exclude = set()
    for path in args.exclude or []:
        exclude |= ids_in(path)
    tagger = Tagger.load(args.model)
    records = iter_any_records(args.inputs, id_field=args.id_field, text_field=args.text_field,
                               stdin_format=args.stdin_format, max_bytes=args.max_bytes)
    found = suggest_records(records, tagger, args.n, exclude=exclude)
    _report_record_errors(found.errors)
    about = {"strategy": STRATEGY,
             "uncertainty": "per label 1 - |score - threshold| / (threshold or 1 - threshold): 1 at the threshold",
             "rare labels": "label weight 1/sqrt(predicted share of the pool), weights summing to 1; "
                            "priority = weighted sum of the uncertainties",
             "spread": f"maximal marginal relevance, lambda {DIVERSITY}; near-duplicates (cosine >= "
                       f"{NEAR_DUPLICATE}) of a chosen article passed over",
             "model": str(args.model or "the shipped default model"),
             "pool": f"{found.pool} readable articles ({found.excluded} excluded as already reviewed, "
                     f"{len(found.errors)} unreadable)",
             "label columns": "1 = the label applies, 0 = it does not; pre-filled with the model's guess",
             "text": "cut to 32,767 characters (the most an Excel cell holds) where longer; text_note says so"}
    write_sheet(found.rows, args.output, fmt, about=about)
    print(f"dangjian: suggested {len(found.rows)} of {found.pool} articles ({STRATEGY}); "
          f"{found.near_duplicates} near-duplicate(s) passed over, {found.excluded} excluded, "
          f"errors {len(found.errors)}", file=sys.stderr)
    return EXIT_RECORD_ERRORS if found.errors else EXIT_OK


def cmd_review(args) -> int:
    from .review.server import load_articles, serve
    from .review.store import ReviewStore
    from .sheets import is_sheet, iter_any_records, write_sheet

    if args.export:
        store = ReviewStore(args.db, create=False)
        if args.inputs:
            raise UsageError("--export writes the database's decisions; give no INPUT with it")
        written = write_sheet(store.export_rows(args.coder), args.export)
        print(f"dangjian: exported {written} decision(s) to {args.export}", file=sys.stderr)
        return EXIT_OK
    from .model.tagger import Tagger

    store = ReviewStore(args.db)
    tagger = Tagger.load(args.model)
    errors = []
    if args.inputs:
        order = args.order
        if order == "auto":
            order = "input" if all(item != "-" and is_sheet(item) for item in args.inputs) else "suggest"
        records = iter_any_records(args.inputs, id_field=args.id_field, text_field=args.text_field,
                                   max_bytes=args.max_bytes)
        loaded, errors = load_articles(store, records, tagger, order)
        _report_record_errors(errors)
        print(f"dangjian: {loaded} article(s) to review in {order} order, errors {len(errors)}", file=sys.stderr)
    if store.count() == 0:
        raise UsageError(f"{args.db} holds no articles yet: give INPUT files to review")

    def announce(url: str) -> None:
        print(f"dangjian: review page at {url} (Ctrl-C stops; decisions are in {args.db})", file=sys.stderr)
        print(url, flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(url)

    try:
        serve(store, tagger, args.coder, args.port, announce)
    except KeyboardInterrupt:
        print(f"dangjian: stopped; {len(store.decisions())} decision(s) in {args.db}", file=sys.stderr)
    return EXIT_RECORD_ERRORS if errors else EXIT_OK


def cmd_agreement(args) -> int:
    from .agreement import agreement, format_report, load_codings

    codings = load_codings(args.inputs)
    print(format_report(codings, agreement(codings)))
    return EXIT_OK


def cmd_check_labels(args) -> int:
    from .check_labels import format_suspects, out_of_fold_scores, suspects
    from .model.data import shipped_data_files
    from .training_data import load_sources

    records, _ = load_sources([args.input])
    extra = []
    if args.with_shipped_data:
        ids = {r["id"] for r in records}
        extra = [r for r in load_sources(shipped_data_files())[0] if r["id"] not in ids]
    print(f"dangjian: cross-validating {len(records)} records in {args.folds} folds"
          + (f" (+{len(extra)} shipped records in every training fold)" if extra else "") + "…", file=sys.stderr)
    scores, thresholds = out_of_fold_scores(records, folds=args.folds, extra=extra, seed=args.seed)
    print(format_suspects(suspects(records, scores, thresholds), len(records), None if args.all else args.n))
    return EXIT_OK


def _add_reading_options(parser) -> None:
    parser.add_argument("--id-field", default="id", metavar="NAME", help="id field/column of JSONL and CSV input (default: %(default)s)")
    parser.add_argument("--text-field", default="text", metavar="NAME", help="text field/column of JSONL and CSV input (default: %(default)s)")
    parser.add_argument("--max-bytes", type=int, default=10 * 1024 * 1024, metavar="N", help="larger articles are errors (default: %(default)s)")


def add_adaptation_commands(sub) -> None:
    """suggest, review, agreement and check-labels: adapting the model to one's own corpus."""
    from .suggest import NEAR_DUPLICATE, STRATEGY

    raw = argparse.RawDescriptionHelpFormatter
    sg = sub.add_parser("suggest", help="choose the articles to review first and write a review sheet",
                        description=SUGGEST_HELP.format(strategy=STRATEGY, near=NEAR_DUPLICATE), formatter_class=raw)
    sg.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt file, directory, .jsonl, .csv, review sheet, or -")
    sg.add_argument("-n", type=int, default=50, metavar="N", help="articles to suggest (default: %(default)s)")
    sg.add_argument("-o", "--output", metavar="SHEET", help="review sheet: .xlsx, .csv or .jsonl (default: JSON lines on stdout)")
    sg.add_argument("--format", choices=["xlsx", "csv", "jsonl"], help="sheet format (default: by SHEET's extension)")
    sg.add_argument("--exclude", nargs="+", metavar="FILE", help="leave out ids already in these sheets, JSONL files or review databases")
    sg.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    sg.add_argument("--stdin-format", choices=["jsonl", "csv"], default="jsonl", help="format of - on stdin (default: %(default)s)")
    _add_reading_options(sg)
    sg.set_defaults(func=cmd_suggest)

    rv = sub.add_parser("review", help="label articles in a local web page, decisions saved in SQLite",
                        description=REVIEW_HELP, formatter_class=raw)
    rv.add_argument("inputs", nargs="*", metavar="INPUT", help="articles to review (as for score), or a review sheet")
    rv.add_argument("--db", required=True, metavar="FILE.sqlite", help="review database (created if missing)")
    rv.add_argument("--coder", metavar="NAME", help="your name; the page asks when it is not given")
    rv.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one, printed)")
    rv.add_argument("--order", choices=["auto", "suggest", "input"], default="auto",
                    help="review order: suggest's, or the input's (default: input for review sheets, else suggest)")
    rv.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    rv.add_argument("--export", metavar="SHEET", help="write the decisions (of --coder, else all) as a review sheet and exit")
    rv.add_argument("--open", action="store_true", help="open the page in the web browser")
    _add_reading_options(rv)
    rv.set_defaults(func=cmd_review)

    ag = sub.add_parser("agreement", help="Cohen's/Fleiss' kappa per label between coders",
                        description=AGREEMENT_HELP, formatter_class=raw)
    ag.add_argument("inputs", nargs="+", metavar="SHEET_OR_DB", help="review sheets (.xlsx/.csv/.jsonl) or review databases (.sqlite)")
    ag.set_defaults(func=cmd_agreement)

    cl = sub.add_parser("check-labels", help="list labels a cross-validated model disagrees with",
                        description=CHECK_LABELS_HELP, formatter_class=raw)
    cl.add_argument("input", metavar="FILE", help="labelled data: review sheet (.xlsx/.csv) or JSONL")
    cl.add_argument("--with-shipped-data", action="store_true", help="add the shipped data to every training fold")
    cl.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: %(default)s)")
    cl.add_argument("-n", type=int, default=20, metavar="N", help="disagreements to list (default: %(default)s)")
    cl.add_argument("--all", action="store_true", help="list every disagreement")
    cl.add_argument("--seed", type=int, default=0, help="random seed of the folds (default: %(default)s)")
    cl.set_defaults(func=cmd_check_labels)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dangjian",
        description="Tag Chinese articles with party-building practice patterns: 联盟, 孵化站, 示范岗, 轮值主席.",
        epilog="Run `dangjian COMMAND --help` for a command's options and examples.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"dangjian {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    score = sub.add_parser("score", help="score articles, one JSON line each", description=SCORE_HELP, formatter_class=raw)
    score.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt file, directory, .jsonl file, or - for stdin")
    score.add_argument("-o", "--output", metavar="OUT", help="write JSON lines here instead of stdout")
    score.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    score.add_argument("--threshold", type=float, metavar="P", help="one threshold for all labels instead of the card's")
    score.add_argument("--evidence", action="store_true", help="add each label's evidence sentences and terms")
    score.add_argument("--format", choices=["jsonl", "csv"], help="output format (default: by OUT's extension, else jsonl)")
    score.add_argument("--jobs", type=int, default=0, metavar="N", help="processes to score in (default: all cores)")
    score.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N", help="articles per work unit (default: %(default)s)")
    score.add_argument("--resume", action="store_true", help="continue a killed run's OUT without re-scoring its ids")
    score.add_argument("--id-field", default="id", metavar="NAME", help="id field/column of JSONL and CSV input (default: %(default)s)")
    score.add_argument("--text-field", default="text", metavar="NAME", help="text field/column of JSONL and CSV input (default: %(default)s)")
    score.add_argument("--stdin-format", choices=["jsonl", "csv"], default="jsonl", help="format of - on stdin (default: %(default)s)")
    score.add_argument("--max-bytes", type=int, default=10 * 1024 * 1024, metavar="N", help="larger articles are errors (default: %(default)s)")
    score.add_argument("--engine", choices=["local", "dask"], default="local", help="local processes or a Dask cluster (default: %(default)s)")
    score.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --engine dask)")
    score.set_defaults(func=cmd_score)

    ex = sub.add_parser("explain", help="show the sentences and terms behind each label", description=EXPLAIN_HELP, formatter_class=raw)
    ex.add_argument("input", metavar="FILE", help="a .txt file, or - for text on stdin")
    ex.add_argument("-k", type=int, default=3, help="evidence sentences per label (default: %(default)s)")
    ex.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    ex.set_defaults(func=cmd_explain)

    tr = sub.add_parser("train", help="train a model and write it with its card", description=TRAIN_HELP, formatter_class=raw)
    tr.add_argument("--data", nargs="+", metavar="FILE", help="labelled JSONL files or review sheets (.xlsx/.csv) (default: the data shipped with the package)")
    tr.add_argument("--with-shipped-data", action="store_true", help="train on --data plus the data shipped with the package")
    tr.add_argument("-o", "--output", default="dangjian-model", metavar="MODEL_DIR", help="output directory (default: %(default)s)")
    tr.add_argument("--C", type=float, default=10.0, help="inverse regularization strength (default: %(default)s)")
    tr.add_argument("--folds", type=int, default=5, help="cross-validation folds for thresholds (default: %(default)s)")
    tr.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    tr.add_argument("--tokenizer", choices=["jieba", "rjieba"], default="rjieba",
                    help="tokenizer backend, recorded in the card and used when scoring (default: %(default)s)")
    tr.set_defaults(func=cmd_train)

    ev = sub.add_parser("evaluate", help="model and keyword baseline on labelled data", description=EVALUATE_HELP, formatter_class=raw)
    ev.add_argument("--data", nargs="+", metavar="FILE", help="labelled JSONL files (default: the data shipped with the package)")
    ev.add_argument("--split", default="dev", help="which split to evaluate: dev, train or all (default: %(default)s)")
    ev.add_argument("--model", metavar="DIR", help="model directory (default: the shipped model)")
    ev.add_argument("--rules", action="store_true", help="also print each keyword rule's coverage, overlaps, conflicts, precision")
    ev.add_argument("--json", metavar="OUT", help="write the full result (curves, sweeps, per-record rows) as JSON")
    ev.set_defaults(func=cmd_evaluate)
    add_adaptation_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    warnings.showwarning = _warning_line
    args = build_parser().parse_args(argv)
    from .model.data import DataError
    from .model.store import ModelError

    try:
        if getattr(args, "engine", None) == "dask" and not args.scheduler:
            raise UsageError("--engine dask needs --scheduler ADDRESS")
        return args.func(args)
    except UsageError as exc:
        print(f"dangjian: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ModelError, DataError, OSError, ValueError) as exc:
        print(f"dangjian: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("dangjian: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
