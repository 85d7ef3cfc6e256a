"""The ``dangjian`` command line: one subcommand per library entry point."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

from .model.tagger import DEFAULT_BATCH_SIZE

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_RECORD_ERRORS = 0, 1, 2, 3


class UsageError(Exception):
    """Options that do not fit together: exit status 2."""


SCORE_HELP = """\
Score articles: one JSON line per article, {"id", "labels", "scores", "encoding"},
or {"id", "error"} for a record that could not be read.

INPUT is a text file (.txt in any letter case: UTF-8/16/32 with a BOM, UTF-8,
GB18030/GBK or Big5/cp950/Big5-HKSCS; the encoding used is reported), an HTML page
(.html/.htm: its main text is extracted with trafilatura and the row says so with
"source"; evidence offsets then refer to that text), a records file (.jsonl,
.ndjson, a .json array, .csv, .tsv or an Excel .xlsx whose first row names the
columns; fields named by --id-field/--text-field),
a directory (all of these below it; ids are paths relative to the directories'
common root, records' ids prefixed with their file's path and #; other files are
counted as skipped), or - for JSONL on stdin (CSV with --stdin-format csv, one
plain-text article with --stdin-format text).

Output is JSON lines, CSV (UTF-8 with BOM, for Excel) or an .xlsx spreadsheet, by
OUT's extension or --format; stdout is always UTF-8. Records are scored in --jobs
processes, in input order; a run stopped by Ctrl-C, SIGTERM or a crash leaves
OUT.part, which --resume continues. A device, FIFO or symlink OUT is written into,
never replaced; a missing directory for OUT is created.

examples:
  dangjian score seeds/
  dangjian score articles.jsonl -o scores.jsonl --jobs 4
  dangjian score pages.csv --text-field body --id-field url -o scores.csv
  dangjian score downloads/ -o results/scores.xlsx
  dangjian score big_scrape/ -o scores.jsonl --resume
  echo '{"id": "a1", "text": "园区成立党建联盟"}' | dangjian score -

exit status: 0 all scored, 3 some records had errors, 2 usage error (bad option,
missing input, missing column), 1 other failure (also: nothing to score)."""

TRAIN_HELP = """\
Train a model and write it as arrays and JSON (weights.npz, vocabulary.json)
with its card.json. Data: labelled JSONL ({"id", "text", "labels", "split"}) or
review sheets (.xlsx/.csv from `dangjian suggest` or `dangjian review --export`:
the coder's 0/1 label columns); a label cell that is not 0 or 1 stops with the
file, sheet, row and column. Records whose split is "dev" are held out and
scored for the card; the rest (split "train" or none, every sheet row) are
trained on. The card records each data file with its sha256 and record count.

examples:
  dangjian train                                # the shipped data -> ./dangjian-model
  dangjian train -o model/default               # rebuild the shipped model (deterministic)
  dangjian train --data reviewed.xlsx --with-shipped-data -o my-model"""

EVALUATE_HELP = """\
Evaluate a model on labelled JSONL ({"id", "text", "labels"}) beside the keyword
baseline (the codebook's wording as rules): per-label precision, recall, F1 and
support of both systems, micro and macro F1, and a bootstrap 95 % interval of
each system's macro F1 (and of their difference) from resampled articles.
A label that neither occurs nor is predicted is "n/a" and left out of macro F1.

Data: --data FILE... (every record, unless --split says otherwise), or by default
the dev split of the labelled data shipped with the package.

examples:
  dangjian evaluate
  dangjian evaluate --data ../shared/realdev/realdev.jsonl --rules
  dangjian evaluate --data my_labelled.jsonl --model my-model --json result.json
  dangjian evaluate --data corpus.jsonl --split dev --resamples 5000"""


EXPLAIN_HELP = """\
Explain the labels of one article: each predicted label with its score and the
sentences that raise it, as they stand in the input: [start:end] offsets, the
sentence's contribution to the label's logit (+2.93), and the deciding terms
highlighted (colour on a terminal, [brackets] otherwise). Only sentences that
raise a label's score are shown. The input is read as `dangjian score` reads it
(any encoding it takes; an HTML page's main text). For a directory or a records
file holding several articles, choose one with --id.

examples:
  dangjian explain seeds/000_0760089758dcbcdf.txt
  cat article.txt | dangjian explain - -k 5
  dangjian explain pages.csv --id a17 --text-field body"""


REPORT_HELP = """\
Write the evaluation report: the evaluation notebook run on your labelled
JSONL and model, as one HTML page (figures embedded). Part 1 is your data (by
default ../shared/realdev/realdev.jsonl when it exists, else the shipped dev
split): the metric table with bootstrap intervals, precision-recall curves,
every error with its evidence sentences, and the errors grouped by the
codebook wording that fires. Part 2 is the synthetic dev split. OUT ending in
.ipynb writes the executed notebook instead. Needs the notebook extra:
pip install 'dangjian[notebook]'.

examples:
  dangjian report --data my.jsonl --model my-model -o report.html
  dangjian report -o report.ipynb"""

CODEBOOK_HELP = """\
Print the codebook: what each label means, its positive and negative cases,
and the decisions taken on real pages (Markdown, UTF-8).

examples:
  dangjian codebook
  dangjian codebook > codebook.md"""


def _warning_line(message, category, filename, lineno, file=None, line=None):
    print(f"dangjian: warning: {message}", file=sys.stderr)


@contextmanager
def _output(path: str | None):  # for single documents (evaluate --json); score uses outputs.Writer
    """Yield a text stream: stdout for ``None`` or ``-``, else the file, written as
    :func:`dangjian.outputs.replaced_when_complete` says."""
    from .outputs import replaced_when_complete

    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    with replaced_when_complete(path) as target, target.open("w", encoding="utf-8") as handle:
        yield handle


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: workers stopped, OUT.part kept for --resume."""


def _on_sigterm(signum, frame):
    raise Terminated()


def cmd_score(args) -> int:
    import itertools
    from collections import Counter

    from .batch import score_records
    from .inputs import InputStats, check_inputs, iter_records
    from .outputs import open_writer, output_format
    from .model.tagger import Tagger

    if args.engine == "dask":
        import importlib.util

        if not args.scheduler:
            raise UsageError("--engine dask needs --scheduler ADDRESS")
        if importlib.util.find_spec("distributed") is None:
            raise UsageError("--engine dask needs the dask extra: pip install 'dangjian[dask]'")
    elif args.scheduler:
        raise UsageError("--scheduler is for --engine dask; without it scoring runs here")
    fmt = output_format(args.output, args.format)
    if args.resume and args.output in (None, "-"):
        raise UsageError("--resume needs -o OUT: it continues the output file of a killed run")
    if fmt == "xlsx" and args.output in (None, "-"):
        raise UsageError("an .xlsx spreadsheet needs a file: -o scores.xlsx")
    check_inputs(args.inputs, id_field=args.id_field, text_field=args.text_field, max_bytes=args.max_bytes)
    tagger = Tagger.load(args.model)
    stats = InputStats()
    exclude = [args.output, f"{args.output}.part"] if args.output not in (None, "-") else []
    records = iter_records(args.inputs, id_field=args.id_field, text_field=args.text_field,
                           stdin_format=args.stdin_format, max_bytes=args.max_bytes, stats=stats, exclude=exclude)
    first = next(records, None)  # a missing column on stdin is found before any output is opened
    records = itertools.chain([first] if first is not None else [], records)
    writer = open_writer(args.output, fmt, resume=args.resume)
    if writer.skip:
        records = _not_done(records, Counter(writer.skip))
    options = dict(threshold=args.threshold, evidence=args.evidence, batch_size=args.batch_size)
    if args.engine == "dask":
        from .dask_engine import score_dask

        rows = score_dask(records, args.scheduler, tagger, **options)
    else:
        rows = score_records(records, tagger, model_dir=args.model, jobs=args.jobs, **options)
    started, scored, errors, encodings = time.perf_counter(), 0, 0, Counter()
    progress = _progress()
    try:
        for row in rows:
            writer.write(row)
            errors += "error" in row
            scored += "error" not in row
            encodings[row.get("encoding", "-")] += "encoding" in row
            progress.update()
    except BaseException:
        rows.close()  # stops the worker processes now
        writer.close(complete=False)
        if isinstance(sys.exc_info()[1], KeyboardInterrupt) and writer.part is not None:
            print(f"dangjian: stopped; {writer.part} keeps {writer.written} new rows: rerun with --resume "
                  "to continue", file=sys.stderr)
        raise
    finally:
        progress.close()
    done = sum(writer.skip.values())
    if scored + errors == 0 and not done:
        writer.discard()
        skipped = f"; skipped {_listing(stats.skipped)}" if stats.skipped else ""
        print(f"dangjian: error: nothing to score in {', '.join(args.inputs)}{skipped}", file=sys.stderr)
        return EXIT_FAILURE
    writer.close()
    seconds = time.perf_counter() - started
    parts = [f"scored {scored}, errors {errors}"]
    if done:
        parts.append(f"{done} already done")
    if stats.skipped:
        parts.append(f"skipped {_listing(stats.skipped)}")
    if any(encodings.values()):
        parts.append("encodings: " + ", ".join(f"{enc} {n}" for enc, n in encodings.most_common() if n))
    print(f"dangjian: {'; '.join(parts)}; {seconds:.1f} s", file=sys.stderr)
    return EXIT_RECORD_ERRORS if errors else EXIT_OK


def _not_done(records, skip):
    """Records a resumed run still has to score: each id is skipped as often as it was written."""
    for record in records:
        if skip[record.id] > 0:
            skip[record.id] -= 1
            continue
        yield record


def _listing(files: list[str], shown: int = 3) -> str:
    """``2 files that are not articles (a.pdf, b.doc)``; hidden entries (``.git``) are named as hidden."""
    names = ", ".join(files[:shown]) + (", …" if len(files) > shown else "")
    hidden = any(Path(f).name.startswith(".") for f in files)
    what = ("file that is not an article" if len(files) == 1 else "files that are not articles") + \
        (" or hidden" if hidden else "")
    return f"{len(files)} {what} ({names})"


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
    config = TrainConfig(C=args.C, folds=args.folds, cv_repeats=args.cv_repeats, seed=args.seed,
                         tokenizer_backend=args.tokenizer)
    print(f"dangjian: training on {len(train_set)} records from {len(sources)} file(s)…", file=sys.stderr)
    trained = train([r["text"] for r in train_set], label_matrix(train_set), config)
    extra = {}
    if dev_set:
        tagger = Tagger(trained.linear, {"thresholds": trained.thresholds,
                                         "tokenizer": {"backend": config.tokenizer_backend}})
        extra["dev"] = evaluate_records(tagger, dev_set)
    data_info = card_entry(sources, len(train_set), len(dev_set))
    card = save(trained, args.output, training_data=data_info, extra=extra)
    cv = card["metrics"]["cv"]
    summary = f"cv micro F1 {cv['micro_f1']:.3f}" if cv else "no cross-validation (too few records)"
    print(f"dangjian: wrote {args.output}/ (weights.npz, vocabulary.json, card.json); {summary}", file=sys.stderr)
    return EXIT_OK


def _term_name(name: str) -> str:
    """A feature as ``explain`` shows it: a look-alike (negative) rule says so and names its label,
    since the model may still have learned a positive weight for it."""
    from .model.rules import NEGATIVE, RULES

    if name.startswith("rule:"):
        rule = next((r for r in RULES if r.name == name[5:]), None)
        if rule is not None and rule.polarity == NEGATIVE:
            return f"{name} (look-alike of {rule.label})"
    return name


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


def _explain_record(args):
    """The one record ``explain`` is about, or a UsageError that says how to choose."""
    from .features.decoding import DecodeError, decode_text
    from .inputs import Record, check_inputs, iter_records

    if args.input == "-":
        try:
            text, encoding = decode_text(sys.stdin.buffer.read())
        except DecodeError as exc:
            raise ValueError(f"<stdin>: text fails to decode: {exc}") from None
        return Record("<stdin>", text if text.strip() else None, None if text.strip() else "empty text", encoding)
    check_inputs([args.input], id_field=args.id_field, text_field=args.text_field)
    chosen, ids = None, []
    for record in iter_records([args.input], id_field=args.id_field, text_field=args.text_field):
        ids.append(record.id)
        if args.id is None or record.id == args.id:
            chosen = chosen or record
    if args.id is not None and chosen is None:
        raise UsageError(f"{args.input} has no article with id {args.id!r} ({_some(ids)})")
    if not ids:
        raise UsageError(f"{args.input} holds no article to explain (it takes .txt, .html and record files)")
    if args.id is None and len(ids) > 1:
        raise UsageError(f"{args.input} holds {len(ids)} articles; choose one with --id ID ({_some(ids)})")
    return chosen


def _some(ids: list[str], shown: int = 3) -> str:
    return "ids: " + ", ".join(ids[:shown]) + (", …" if len(ids) > shown else "") if ids else "no ids"


def cmd_explain(args) -> int:
    from .model.tagger import Tagger

    record = _explain_record(args)
    if record.error:
        raise ValueError(f"{record.id}: {record.error}")
    tagger = Tagger.load(args.model)
    result = tagger.tag(record.text, evidence=True, k=args.k)
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    scores = "  ".join(f"{lab} {result.scores[lab]:.2f}" for lab in result.scores)
    about = [f"encoding {record.encoding}"] if record.encoding else []
    if record.source:
        about.append("offsets are into the main text extracted from the page by trafilatura")
    print(f"{record.id}" + (f"  ({'; '.join(about)})" if about else "") + f"\nscores: {scores}")
    if not result.labels:
        print("no label predicted")
    for label in result.labels:
        ev = result.evidence[label]
        print(f"\n{label}  score {result.scores[label]:.2f} (threshold {tagger.thresholds[label]:.2f})")
        for s in ev.sentences:  # a sentence across a hard wrap is shown on one line
            shown = highlight(s.text, s.terms, colour).replace("\r\n", " ").replace("\n", " ")
            print(f"  [{s.start}:{s.end}] {s.weight:+.2f}  {shown}")
        print("  terms: " + ", ".join(f"{_term_name(name)} {w:+.3f}" for name, w in ev.features))
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from .model.data import load_labelled, select_split
    from .model.evaluate import evaluate, format_rule_table, format_table
    from .model.tagger import Tagger

    if args.resamples < 1:
        raise UsageError("--resamples must be at least 1")
    files = args.data or default_data_files()
    split = args.split or ("all" if args.data else "dev")
    records = select_split(load_labelled(files), None if split == "all" else split)
    if not records:
        raise ValueError(f"no records with split {split!r} in {', '.join(map(str, files))}; try --split all")
    result = evaluate(Tagger.load(args.model), records, n_resamples=args.resamples, seed=args.seed)
    result["data"] = {"files": [str(f) for f in files], "split": split}
    print(format_table(result))
    if args.rules:
        print("\nkeyword rules on the same data:\n" + format_rule_table(result["rules"]))
    if args.json:
        with _output(args.json) as out:
            json.dump(result, out, ensure_ascii=False, indent=1, allow_nan=False)
    return EXIT_OK


def cmd_report(args) -> int:
    from .model.data import load_labelled
    from .model.tagger import Tagger
    from .report import ReportError, run_notebook, to_html

    if args.resamples < 1:
        raise UsageError("--resamples must be at least 1")
    n = len(load_labelled(args.data)) if args.data else None  # fail here, in one line, not in the kernel
    Tagger.load(args.model)
    what = f"{n} articles from {len(args.data)} file(s)" if args.data else "the default data"
    print(f"dangjian: running the evaluation notebook on {what}…", file=sys.stderr)
    try:
        notebook = run_notebook(args.data, args.model, resamples=args.resamples)
        if args.output.lower().endswith(".ipynb"):
            import nbformat

            with _output(args.output) as out:
                nbformat.write(notebook, out)
        else:
            html = to_html(notebook)
            with _output(args.output) as out:
                out.write(html)
    except ReportError as exc:
        raise ValueError(str(exc)) from None
    print(f"dangjian: wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_codebook(args) -> int:
    from importlib import resources

    data = (resources.files("dangjian") / "codebook.md").read_bytes()
    sys.stdout.flush()
    sys.stdout.buffer.write(data)  # UTF-8 whatever the console's encoding
    sys.stdout.buffer.flush()
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line: ``dangjian: error: ...`` and exit status 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"dangjian: error: {message} (see `{self.prog} --help`)\n")


def _existing_path(text: str) -> str:
    """An argparse type for a file or directory that must exist: else a one-line usage error."""
    if not os.path.lexists(text):
        raise argparse.ArgumentTypeError(f"no such file or directory: {text}")
    return text


def _number(kind, low=None, high=None, low_open=False, what=""):
    """An argparse type: a ``kind`` number within bounds, else a one-line usage error."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if value != value or (low is not None and (value <= low if low_open else value < low)) \
                or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is out of range: {what}")
        return value

    return parse


_POSITIVE = _number(int, 1, what="it must be 1 or more")
_PROBABILITY = _number(float, 0.0, 1.0, what="a threshold is a probability, from 0 to 1")

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
    sg.add_argument("--exclude", nargs="+", metavar="FILE", type=_existing_path, help="leave out ids already in these sheets, JSONL files or review databases")
    sg.add_argument("--model", metavar="DIR", type=_existing_path, help="model directory (default: the shipped model)")
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
    rv.add_argument("--model", metavar="DIR", type=_existing_path, help="model directory (default: the shipped model)")
    rv.add_argument("--export", metavar="SHEET", help="write the decisions (of --coder, else all) as a review sheet and exit")
    rv.add_argument("--open", action="store_true", help="open the page in the web browser")
    _add_reading_options(rv)
    rv.set_defaults(func=cmd_review)

    ag = sub.add_parser("agreement", help="Cohen's/Fleiss' kappa per label between coders",
                        description=AGREEMENT_HELP, formatter_class=raw)
    ag.add_argument("inputs", nargs="+", metavar="SHEET_OR_DB", type=_existing_path, help="review sheets (.xlsx/.csv/.jsonl) or review databases (.sqlite)")
    ag.set_defaults(func=cmd_agreement)

    cl = sub.add_parser("check-labels", help="list labels a cross-validated model disagrees with",
                        description=CHECK_LABELS_HELP, formatter_class=raw)
    cl.add_argument("input", metavar="FILE", type=_existing_path, help="labelled data: review sheet (.xlsx/.csv) or JSONL")
    cl.add_argument("--with-shipped-data", action="store_true", help="add the shipped data to every training fold")
    cl.add_argument("--folds", type=int, default=5, help="cross-validation folds (default: %(default)s)")
    cl.add_argument("-n", type=int, default=20, metavar="N", help="disagreements to list (default: %(default)s)")
    cl.add_argument("--all", action="store_true", help="list every disagreement")
    cl.add_argument("--seed", type=int, default=0, help="random seed of the folds (default: %(default)s)")
    cl.set_defaults(func=cmd_check_labels)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dangjian",
        description="Tag Chinese articles with party-building practice patterns: 联盟, 孵化站, 示范岗, 轮值主席.",
        epilog="Run `dangjian COMMAND --help` for a command's options and examples.",
    )
    from . import __version__
    from .outputs import FORMATS

    parser.add_argument("--version", action="version", version=f"dangjian {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    score = sub.add_parser("score", help="score articles, one JSON line each", description=SCORE_HELP, formatter_class=raw)
    score.add_argument("inputs", nargs="+", metavar="INPUT",
                       help="text file, HTML page, records file (.jsonl/.ndjson/.json/.csv/.tsv/.xlsx), directory, or - for stdin")
    score.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout (.jsonl, .csv or .xlsx)")
    score.add_argument("--model", metavar="DIR", type=_existing_path, help="model directory (default: the shipped model)")
    score.add_argument("--threshold", type=_PROBABILITY, metavar="P", help="one threshold (0 to 1) for all labels instead of the card's")
    score.add_argument("--evidence", action="store_true", help="add each label's evidence sentences and terms")
    score.add_argument("--format", choices=FORMATS, help="output format (default: by OUT's extension, else jsonl)")
    score.add_argument("--jobs", type=_number(int, 0, what="0 (all cores) or more"), default=0, metavar="N",
                       help="processes to score in (default: 0, all cores)")
    score.add_argument("--batch-size", type=_POSITIVE, default=DEFAULT_BATCH_SIZE, metavar="N", help="articles per work unit (default: %(default)s)")
    score.add_argument("--resume", action="store_true", help="continue a killed run's OUT without re-scoring its ids")
    score.add_argument("--id-field", metavar="NAME", help="id field/column of records files (default: id, if present)")
    score.add_argument("--text-field", default="text", metavar="NAME", help="text field/column of records files (default: %(default)s)")
    score.add_argument("--stdin-format", choices=["jsonl", "csv", "text"], default="jsonl",
                       help="format of - on stdin: JSON lines, CSV, or one plain-text article (default: %(default)s)")
    score.add_argument("--max-bytes", type=_POSITIVE, default=10 * 1024 * 1024, metavar="N", help="larger articles are errors (default: %(default)s)")
    score.add_argument("--engine", choices=["local", "dask"], default="local", help="local processes or a Dask cluster (default: %(default)s)")
    score.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --engine dask)")
    score.set_defaults(func=cmd_score)

    ex = sub.add_parser("explain", help="show the sentences and terms behind each label", description=EXPLAIN_HELP, formatter_class=raw)
    ex.add_argument("input", metavar="INPUT", help="a text file, HTML page, records file or directory, or - for text on stdin")
    ex.add_argument("--id", metavar="ID", help="the article to explain, when INPUT holds several")
    ex.add_argument("--id-field", metavar="NAME", help="id field/column of a records file (default: id, if present)")
    ex.add_argument("--text-field", default="text", metavar="NAME", help="text field/column of a records file (default: %(default)s)")
    ex.add_argument("-k", type=_POSITIVE, default=3, help="evidence sentences per label (default: %(default)s)")
    ex.add_argument("--model", metavar="DIR", type=_existing_path, help="model directory (default: the shipped model)")
    ex.set_defaults(func=cmd_explain)

    tr = sub.add_parser("train", help="train a model and write it with its card", description=TRAIN_HELP, formatter_class=raw)
    tr.add_argument("--data", nargs="+", metavar="FILE", type=_existing_path, help="labelled JSONL files or review sheets (.xlsx/.csv) (default: the data shipped with the package)")
    tr.add_argument("--with-shipped-data", action="store_true", help="train on --data plus the data shipped with the package")
    tr.add_argument("-o", "--output", default="dangjian-model", metavar="MODEL_DIR", help="output directory (default: %(default)s)")
    tr.add_argument("--C", type=_number(float, 0.0, low_open=True, what="C must be above 0"), default=10.0,
                    help="inverse regularization strength (default: %(default)s)")
    tr.add_argument("--folds", type=_number(int, 2, what="cross-validation needs 2 folds or more"), default=5,
                    help="cross-validation folds for thresholds (default: %(default)s)")
    tr.add_argument("--cv-repeats", type=_number(int, 1, what="at least one cross-validation is needed"), default=3,
                    help="fold assignments whose out-of-fold scores are pooled to choose the thresholds; "
                         "more is steadier and slower (default: %(default)s)")
    tr.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    tr.add_argument("--tokenizer", choices=["jieba", "rjieba"], default="rjieba",
                    help="tokenizer backend, recorded in the card and used when scoring (default: %(default)s)")
    tr.set_defaults(func=cmd_train)

    ev = sub.add_parser("evaluate", help="model and keyword baseline on labelled data", description=EVALUATE_HELP, formatter_class=raw)
    ev.add_argument("--data", nargs="+", metavar="FILE", type=_existing_path, help="labelled JSONL files (default: the data shipped with the package)")
    ev.add_argument("--split", help="which split to evaluate: dev, train or all "
                    "(default: all with --data, dev of the shipped data without)")
    ev.add_argument("--model", metavar="DIR", type=_existing_path, help="model directory (default: the shipped model)")
    ev.add_argument("--rules", action="store_true",
                    help="also print each keyword rule's coverage, overlaps, conflicts, precision and recall")
    ev.add_argument("--json", metavar="OUT", help="write the full result (intervals, curves, sweeps, per-record rows, "
                    "errors) as JSON")
    ev.add_argument("--resamples", type=int, default=1000, metavar="N",
                    help="bootstrap resamples for the intervals (default: %(default)s)")
    ev.add_argument("--seed", type=int, default=0, help="bootstrap random seed (default: %(default)s)")
    ev.set_defaults(func=cmd_evaluate)

    rp = sub.add_parser("report", help="the evaluation notebook on your data and model, as HTML",
                        description=REPORT_HELP, formatter_class=raw)
    rp.add_argument("--data", nargs="+", metavar="FILE", type=_existing_path,
                    help="labelled JSONL files (default: realdev when found, else the shipped dev split)")
    rp.add_argument("--model", metavar="DIR", type=_existing_path, help="model directory (default: the shipped model)")
    rp.add_argument("-o", "--output", default="report.html", metavar="OUT",
                    help="HTML page, or .ipynb for the executed notebook (default: %(default)s)")
    rp.add_argument("--resamples", type=int, default=1000, metavar="N",
                    help="bootstrap resamples for the intervals (default: %(default)s)")
    rp.set_defaults(func=cmd_report)

    cb = sub.add_parser("codebook", help="print the codebook: what each label means", description=CODEBOOK_HELP,
                        formatter_class=raw)
    cb.set_defaults(func=cmd_codebook)

    add_adaptation_commands(sub)
    return parser


def _utf8_streams() -> None:
    """stdout is UTF-8 whatever the console's encoding (PYTHONIOENCODING=gbk, a Windows code page);
    stderr keeps its encoding but never fails on a character it lacks."""
    for stream, options in ((sys.stdout, dict(encoding="utf-8")), (sys.stderr, dict(errors="backslashreplace"))):
        try:
            stream.reconfigure(**options)
        except (AttributeError, ValueError):  # pragma: no cover - a replaced stream (tests, IDEs)
            pass


def _quiet_broken_pipe() -> None:
    """The reader of stdout went away (``| head``): send what is left to /dev/null, say nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover
        pass


def main(argv: list[str] | None = None) -> int:
    import signal

    from .inputs import InputError
    from .outputs import OutputError

    warnings.showwarning = _warning_line
    _utf8_streams()
    args = build_parser().parse_args(argv)
    from .model.data import DataError
    from .model.store import ModelError

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return args.func(args)
    except BrokenPipeError:
        _quiet_broken_pipe()
        return EXIT_OK
    except (UsageError, InputError, OutputError) as exc:
        print(f"dangjian: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ModelError, DataError, OSError, ValueError) as exc:
        print(f"dangjian: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except Terminated:
        print("dangjian: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("dangjian: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
