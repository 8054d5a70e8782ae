#!/usr/bin/env python3
# Copyright (C) 2026 The Optimist authors. SPDX-License-Identifier: MIT
"""ctest docs_reference: builds the API reference and fails when a public
name has no documentation.

qdoc 6 prints no "No documentation for" warning for an undocumented member:
it quietly marks it internal and leaves it out. So this runs qdoc with
--showinternal, reads the index it writes (every C++ and QML node, with
documented="true" on those that have a doc block) and reports:

* C++: every class, function, property, enum, typedef and variable that is
  public or protected in its header (or a Q_PROPERTY) and has no doc block
  (accessors and notifiers of a documented property excepted);
* QML: every property, signal and method the QML module registers
  (OptimistQml.qmltypes) that has no \\qmlproperty / \\qmlsignal /
  \\qmlmethod under its \\qmltype (notifiers of a property excepted), every
  enum value a QML type exposes that its page does not name as Type.Value,
  and every property, signal and function of a .qml type without a doc block;
* any qdoc warning (a broken link, an undocumented enum value, a \\fn that
  matches nothing).

usage: check_reference.py QDOC QDOCCONF OUTPUTDIR [QMLTYPES]
"""

import pathlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

CPP_NODES = {"namespace", "class", "struct", "union", "function", "property", "enum", "typedef", "variable"}
QML_NODES = {"qmlproperty", "qmlmethod", "qmlsignal"}
ACCESS = re.compile(r"^\s*(public|protected|private)\s*(Q_SLOTS|slots)?\s*:(?!:)|^\s*(Q_SIGNALS|signals)\s*:")
SCOPE_OPEN = re.compile(r"\b(class|struct|union)\b[^;]*$")


def code_lines(path):
    """The header's lines with comments and string literals blanked."""
    text = pathlib.Path(path).read_text()
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    return text.split("\n")


_headers = {}


def access_at(path, lineno):
    """public, protected or private: the access of the declaration at lineno."""
    lines = _headers.setdefault(path, code_lines(path))
    depth = 0
    for line in reversed(lines[: lineno - 1]):
        depth += line.count("}") - line.count("{")
        if depth == 0:
            m = ACCESS.match(line)
            if m:
                return "public" if m.group(3) else m.group(1)
        if depth < 0:  # the opening brace of the enclosing scope
            m = SCOPE_OPEN.search(line)
            return "private" if m and m.group(1) == "class" else "public"
    return "public"


def is_deleted(path, lineno):
    """Whether the declaration at lineno is "= delete"d (nothing to document)."""
    declaration = " ".join(_headers[path][lineno - 1 : lineno + 4]).split(";")[0]
    return re.search(r"=\s*delete\s*$", declaration) is not None


def undocumented_cpp(root):
    found = []
    for node in root.iter():
        if node.tag not in CPP_NODES or node.get("documented") == "true":
            continue
        if node.get("associated-property"):  # getter, setter, notifier
            continue
        if node.get("name", "").startswith("qt_"):  # from Q_ENUM, Q_OBJECT
            continue
        path, lineno = node.get("filepath", ""), int(node.get("lineno", "0"))
        if not path.endswith(".h") or not pathlib.Path(path).exists():
            continue
        if node.tag != "property" and access_at(path, lineno) == "private":
            continue
        if _headers[path][lineno - 1].lstrip().startswith("Q_DECLARE_"):  # swap(), QTypeInfo
            continue
        if node.tag == "function" and is_deleted(path, lineno):
            continue
        found.append(f"{path}:{lineno}: no documentation for {node.tag} '{node.get('fullname') or node.get('name')}'")
    return found


def qml_kind(node):
    """qmlproperty, qmlmethod, qmlsignal, or None: index nodes of a QML type."""
    if node.tag == "function" and node.get("meta") in ("qmlmethod", "qmlsignal"):
        return node.get("meta")
    return node.tag if node.tag in QML_NODES else None


def undocumented_qml_files(root):
    found = []
    for qmltype in root.iter("qmlclass"):
        for node in qmltype:
            if qml_kind(node) and node.get("documented") != "true":
                found.append(
                    f"{node.get('filepath', qmltype.get('filepath'))}: no documentation for "
                    f"{qml_kind(node)} '{qmltype.get('name')}.{node.get('name')}'"
                )
    return found


def parse_qmltypes(text):
    """Components of a .qmltypes file: {name: {'exports', 'prototype', members}}."""
    tokens = re.findall(r'"(?:\\.|[^"\\])*"|[A-Za-z_][\w.]*|[{}\[\]:;,]|-?\d+', text)
    pos = 0

    def obj():
        nonlocal pos
        result = {"_children": []}
        while tokens[pos] != "}":
            key = tokens[pos]
            if tokens[pos + 1] == "{":
                pos += 2
                child = obj()
                child["_type"] = key
                result["_children"].append(child)
            elif tokens[pos + 1] == ":":
                pos += 2
                if tokens[pos] == "[":
                    values = []
                    pos += 1
                    while tokens[pos] != "]":
                        if tokens[pos] != ",":
                            values.append(tokens[pos].strip('"'))
                        pos += 1
                    pos += 1
                    result[key] = values
                else:
                    result[key] = tokens[pos].strip('"')
                    pos += 1
            else:
                pos += 1
        pos += 1
        return result

    components = {}
    while pos < len(tokens):
        if tokens[pos] == "Component" and tokens[pos + 1] == "{":
            pos += 2
            c = obj()
            components[c.get("name")] = c
        else:
            pos += 1
    return components


def undocumented_qml_types(root, qmltypes, outputdir):
    components = parse_qmltypes(pathlib.Path(qmltypes).read_text())
    documented = {}
    for qmltype in root.iter("qmlclass"):
        names = documented.setdefault(qmltype.get("name"), {})
        for node in qmltype:
            if qml_kind(node) and node.get("documented") == "true":
                names.setdefault(qml_kind(node), set()).add(node.get("name"))
        names["_href"] = qmltype.get("href")
    found = []
    for component in components.values():
        exports = [e for e in component.get("exports", []) if e.startswith("Optimist/")]
        if not exports:
            continue
        qmlname = exports[0].split("/")[1].split(" ")[0]
        # Its own members and those of bases QML does not name.
        chain, c = [], component
        while c is not None and (c is component or (not c.get("exports") and c.get("name", "").startswith("Optimist::"))):
            chain.append(c)
            c = components.get(c.get("prototype"))
        members = [m for c in chain for m in c["_children"]]
        notifiers = {m.get("notify") for m in members if m["_type"] == "Property"}
        names = documented.get(qmlname)
        if names is None:
            found.append(f"{qmltypes}: no \\qmltype for QML type '{qmlname}'")
            continue
        page = pathlib.Path(outputdir, names["_href"] or "")
        html = page.read_text() if page.is_file() else ""
        for m in members:
            kind = {"Property": "qmlproperty", "Signal": "qmlsignal", "Method": "qmlmethod"}.get(m["_type"])
            if kind and not (kind == "qmlsignal" and m.get("name") in notifiers):
                if m.get("name") not in names.get(kind, set()):
                    found.append(f"{qmltypes}: no \\{kind} for '{qmlname}.{m.get('name')}'")
            if m["_type"] == "Enum":
                for value in m.get("values", []):
                    if f"{qmlname}.{value}" not in html:
                        found.append(f"{qmltypes}: the page of '{qmlname}' does not name '{qmlname}.{value}'")
    return found


def main():
    qdoc, qdocconf, outputdir = sys.argv[1:4]
    qmltypes = sys.argv[4] if len(sys.argv) > 4 else None
    shutil.rmtree(outputdir, ignore_errors=True)
    run = subprocess.run(
        [qdoc, "--showinternal", qdocconf, "--outputdir", outputdir],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    problems = [line for line in run.stdout.splitlines() if re.search(r"\((qdoc|clang)\) (warning|error)", line)]
    index = pathlib.Path(outputdir, "optimist.index")
    if not index.is_file():
        print(run.stdout)
        print(f"qdoc wrote no {index}")
        return 1
    root = ET.parse(index).getroot()
    problems += undocumented_cpp(root)
    problems += undocumented_qml_files(root)
    if qmltypes and not pathlib.Path(qmltypes).is_file():
        problems.append(f"{qmltypes} is missing: build the QML module (target OptimistQml) first")
    elif qmltypes:
        problems += undocumented_qml_types(root, qmltypes, outputdir)
    if run.returncode != 0 and not problems:
        print(run.stdout)
        problems.append(f"qdoc exited with {run.returncode}")
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s) in the API reference" if problems else "API reference: every public name documented")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
