"""The cross-file pass over parsed playbooks.

Checks what no single file can: exactly one settings file, unique categories, languages that
the settings declare, replies that exist and cover the default language, template variables
that exist, examples claimed by two categories, patterns that can backtrack catastrophically,
spam signal families that exist, and categories that can never match.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.errors import Problem
from bot.playbooks.model import (
    CASE_REPLY_KEYS,
    CategoryPlaybook,
    SentimentPlaybook,
    Settings,
    Strict,
)
from bot.playbooks.playbook_set import PlaybookSet
from bot.playbooks.regex_safety import catastrophic_backtracking
from bot.playbooks.yaml_source import PathKey, SourcedDocument
from bot.text.normalise import match_key

# Variables every template may use; playbooks add settings.variables and pattern extracts.
BUILTIN_VARIABLES = frozenset(
    {"first_name", "username", "brand", "product", "deep_link", "answer", "case_id", "language"}
)


def spam_families() -> frozenset[str]:
    """The spam families the classifier implements (the keys of ``spam.signals``).

    Imported when needed: the classifier depends on the playbook model, not the reverse.
    """
    from bot.classify.spam_checks import FAMILIES

    return frozenset(FAMILIES)


def template_fields(template: str) -> list[str]:
    """Names of the ``{variables}`` a template uses; raises ValueError if malformed."""
    names = []
    for _, field_name, _, _ in string.Formatter().parse(template):
        if field_name is not None:
            names.append(field_name.split(".")[0].split("[")[0])
    return names


class _Checker:
    def __init__(self, parsed: list[tuple[SourcedDocument, Strict]]) -> None:
        self.parsed = parsed
        self.problems: list[Problem] = []

    def add(
        self, doc: SourcedDocument, path: PathKey, message: str, severity: str = "error"
    ) -> None:
        key = ".".join(str(p) for p in path) or "<document>"
        self.problems.append(Problem(doc.file, doc.line_of(path), key, message, severity))

    def categories(self) -> Iterator[tuple[SourcedDocument, CategoryPlaybook]]:
        for doc, model in self.parsed:
            if isinstance(model, CategoryPlaybook):
                yield doc, model

    def languages_used(self, pb: CategoryPlaybook) -> Iterable[tuple[PathKey, str]]:
        for field_name in ("keywords", "examples"):
            for lang in getattr(pb, field_name):
                yield (field_name, lang), lang
        for reply_id, variants in pb.replies.items():
            for lang in variants:
                yield ("replies", reply_id, lang), lang
        for i, entry in enumerate(pb.faq):
            for group in ("examples", "keywords", "answer"):
                for lang in getattr(entry, group):
                    yield ("faq", i, group, lang), lang
        for i, rule in enumerate(pb.patterns):
            for lang in rule.languages or []:
                yield ("patterns", i, "languages"), lang
        if pb.spam:
            for name, signal in pb.spam.signals.items():
                for lang in signal.phrases:
                    yield ("spam", "signals", name, "phrases", lang), lang


def cross_check(
    directory: Path, parsed: list[tuple[SourcedDocument, Strict]]
) -> tuple[PlaybookSet | None, list[Problem]]:
    c = _Checker(parsed)
    settings_docs = [(d, m) for d, m in parsed if isinstance(m, Settings)]
    sentiment_docs = [(d, m) for d, m in parsed if isinstance(m, SentimentPlaybook)]
    if len(settings_docs) != 1:
        found = ", ".join(d.file for d, _ in settings_docs) or "none"
        c.problems.append(
            Problem(
                str(directory), 0, "kind", f"need exactly one 'kind: settings' file, found {found}"
            )
        )
        return None, c.problems
    for doc, _ in sentiment_docs[1:]:
        c.add(doc, ("kind",), "only one 'kind: sentiment' file is allowed")
    settings_doc, settings = settings_docs[0]
    if settings.default_language not in settings.languages:
        c.add(
            settings_doc,
            ("default_language",),
            f"{settings.default_language!r} is not in languages {settings.languages}",
        )
    declared = set(settings.languages)
    for doc, sentiment in sentiment_docs:
        for lang in sentiment.languages:
            if lang not in declared:
                c.add(doc, ("languages", lang), f"language {lang!r} is not declared in settings")

    extracts = {r.extract for _, pb in c.categories() for r in pb.patterns if r.extract}
    known_vars = BUILTIN_VARIABLES | set(settings.variables) | extracts
    categories: dict[str, CategoryPlaybook] = {}
    files: dict[str, str] = {}
    example_owner: dict[str, tuple[str, str]] = {}
    keyword_owner: dict[str, str] = {}
    for doc, pb in c.categories():
        if pb.category in categories:
            c.add(
                doc,
                ("category",),
                f"category {pb.category!r} is already defined in {files[pb.category]}",
            )
            continue
        categories[pb.category] = pb
        files[pb.category] = doc.file
        for path, lang in c.languages_used(pb):
            if lang not in declared:
                c.add(
                    doc,
                    path,
                    f"language {lang!r} is not declared in settings languages {sorted(declared)}",
                )
        _check_replies(c, doc, pb, settings, known_vars)
        _check_patterns(c, doc, pb)
        _check_reachable(c, doc, pb)
        for lang, texts in pb.examples.items():
            for i, text in enumerate(texts):
                key = match_key(text)
                owner = example_owner.get(key)
                if owner and owner[0] != pb.category:
                    c.add(
                        doc,
                        ("examples", lang, i),
                        f"example {text!r} is also an example of {owner[0]!r} ({owner[1]})",
                    )
                elif owner:
                    c.add(doc, ("examples", lang, i), f"duplicate example {text!r}", "warning")
                example_owner.setdefault(key, (pb.category, doc.file))
        for lang, words in pb.keywords.items():
            for i, word in enumerate(words):
                key = match_key(word)
                other = keyword_owner.setdefault(key, pb.category)
                if other != pb.category:
                    c.add(
                        doc,
                        ("keywords", lang, i),
                        f"keyword {word!r} is also a keyword of {other!r}",
                        "warning",
                    )
    if not categories:
        c.problems.append(Problem(str(directory), 0, "kind", "no 'kind: category' playbook found"))
        return None, c.problems
    playbooks = PlaybookSet(
        directory=directory,
        settings=settings,
        categories=categories,
        sentiment=sentiment_docs[0][1] if sentiment_docs else None,
        files=files,
        sources={doc.file: doc for doc, _ in parsed},
    )
    return playbooks, c.problems


def _check_template(
    c: _Checker, doc: SourcedDocument, path: PathKey, text: str, known: frozenset[str] | set[str]
) -> None:
    try:
        names = template_fields(text)
    except ValueError as exc:
        c.add(doc, path, f"malformed template ({exc}); write literal braces as {{{{ and }}}}")
        return
    for name in names:
        if name not in known:
            c.add(
                doc,
                path,
                f"unknown template variable {{{name}}}; known: {', '.join(sorted(known))}",
            )


def _check_replies(
    c: _Checker,
    doc: SourcedDocument,
    pb: CategoryPlaybook,
    settings: Settings,
    known: frozenset[str] | set[str],
) -> None:
    default = settings.default_language
    for reply_id, variants in pb.replies.items():
        if default not in variants:
            c.add(
                doc,
                ("replies", reply_id),
                f"missing the default language {default!r} (the fallback for every customer)",
            )
        for lang, texts in variants.items():
            for i, text in enumerate(texts):
                _check_template(c, doc, ("replies", reply_id, lang, i), text, known)
    for key in ("reply", "faq_reply", "dm_reply"):
        ref = getattr(pb, key)
        if ref is not None and ref not in pb.replies:
            c.add(
                doc,
                (key,),
                f"unknown reply id {ref!r}; defined: {', '.join(sorted(pb.replies)) or 'none'}",
            )
    for key in CASE_REPLY_KEYS if pb.case is not None else ():
        ref = getattr(pb.case, key)
        if ref is not None and ref not in pb.replies:
            c.add(
                doc,
                ("case", key),
                f"unknown reply id {ref!r}; defined: {', '.join(sorted(pb.replies)) or 'none'}",
            )
    seen: set[str] = set()
    for i, entry in enumerate(pb.faq):
        if entry.id in seen:
            c.add(doc, ("faq", i, "id"), f"duplicate FAQ id {entry.id!r}")
        seen.add(entry.id)
        if default not in entry.answer:
            c.add(doc, ("faq", i, "answer"), f"missing the default language {default!r}")
        for lang, text in entry.answer.items():
            _check_template(c, doc, ("faq", i, "answer", lang), text, known)
    if pb.spam is not None:
        known = spam_families()
        for name in pb.spam.signals:
            if name not in known:
                c.add(
                    doc,
                    ("spam", "signals", name),
                    f"unknown spam signal family {name!r}; known: {', '.join(sorted(known))}",
                )


def _check_patterns(c: _Checker, doc: SourcedDocument, pb: CategoryPlaybook) -> None:
    seen: set[str] = set()
    for i, rule in enumerate(pb.patterns):
        if rule.id in seen:
            c.add(doc, ("patterns", i, "id"), f"duplicate pattern id {rule.id!r}")
        seen.add(rule.id)
        reason = catastrophic_backtracking(rule.regex)
        if reason:
            c.add(doc, ("patterns", i, "regex"), reason)
        if rule.weight == 0 and not rule.extract:
            c.add(
                doc,
                ("patterns", i, "weight"),
                "weight 0 and no extract: this rule does nothing",
                "warning",
            )


def _check_reachable(c: _Checker, doc: SourcedDocument, pb: CategoryPlaybook) -> None:
    has_evidence = bool(
        any(pb.keywords.values())
        or any(r.weight > 0 for r in pb.patterns)
        or any(pb.examples.values())
        or pb.faq
        or (pb.spam and any(s.enabled for s in pb.spam.signals.values()))
    )
    if not has_evidence and pb.category != "other":
        c.add(
            doc,
            ("category",),
            "this category can never match: give it keywords, patterns, examples or an FAQ",
        )
    if pb.keyword_weight == 0 and any(pb.keywords.values()) and not pb.patterns and not pb.examples:
        c.add(doc, ("keyword_weight",), "keyword_weight is 0, so its keywords can never match")
