"""`podtui templates|render|create`: pod templates from the command line.

    podtui templates                       # name and title of every template
    podtui templates NAME                  # its description and parameters
    podtui render NAME [--set k=v ...]     # the pod's YAML on stdout
    podtui create NAME [--set k=v ...] [--dry-run] [-n NS] [--readonly]

`create` always asks the API server for a dry run first, and creates only if that
passes. The namespace is the template's `namespace` parameter; for `create` it defaults
to the connection's namespace (`-n`, else the context's). Errors are one line on stderr,
exit code 1; nothing is created then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import PurePath
from typing import TextIO

from podtui.cli.terminal_text import one_line
from podtui.cluster.connection import Connection
from podtui.cluster.errors import ClusterError, redact
from podtui.templates import (
    Template,
    TemplateError,
    load_templates,
    parse_set_args,
    render,
    render_yaml,
)


class CliError(Exception):
    """One line for stderr."""


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """The arguments after `podtui NAME` (cli.py adds the global ones: for render,
    -n NS is shorthand for --set namespace=NS)."""
    if name == "templates":
        parser.description = "List the pod templates (built-in, then the user's)."
        parser.add_argument("template", nargs="?", metavar="TEMPLATE",
                            help="show this template's description and parameters")
        return
    parser.description = (
        "Render a pod template to YAML." if name == "render"
        else "Create a pod from a template (after a server-side dry run)."
    )
    parser.add_argument("template", metavar="TEMPLATE", help="the template's name")
    parser.add_argument("--set", action="append", default=[], dest="values",
                        metavar="NAME=VALUE", help="a parameter value (repeatable)")
    if name == "create":
        parser.add_argument("--dry-run", action="store_true",
                            help="only validate on the API server; create nothing")


def run(name: str, conn: Connection | None, args: argparse.Namespace,
        out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if name == "templates":
            return _list(args, out, err)
        if name == "render":
            template, values = _prepare(args, getattr(args, "namespace", None))
            out.write(render_yaml(template, values))
            return 0
        if name == "create":
            assert conn is not None
            return _create(conn, args, out)
    except (CliError, TemplateError, ClusterError) as exc:
        print(f"podtui {name}: {one_line(redact(str(exc)))}", file=err)
        return 1
    print(f"podtui: unknown subcommand {name!r}", file=err)
    return 1


# --------------------------------------------------------------------------- lookups


def find_template(wanted: str) -> Template:
    """The template called `wanted` (a user template wins over a built-in of the same
    name). When it is missing because its file failed to load, that error is raised."""
    templates, errors = load_templates()
    found = [t for t in templates if t.name == wanted]
    if found:
        return found[-1]
    for exc in errors:
        stem = PurePath(exc.source).stem if exc.source else ""
        if exc.template == wanted or stem == wanted:
            raise exc
    have = ", ".join(dict.fromkeys(t.name for t in templates)) or "none"
    hint = f"; {len(errors)} template file(s) failed to load (see podtui templates)" if errors \
        else ""
    raise CliError(f"unknown template {wanted!r} (have: {have}){hint}")


def _prepare(args: argparse.Namespace, namespace: str | None) -> tuple[Template, dict[str, str]]:
    template = find_template(args.template)
    values = parse_set_args(args.values)
    if namespace:
        if template.parameter("namespace") is None:
            raise CliError(f"template {template.name!r} has no namespace parameter; "
                           "its pod goes to the connection's namespace")
        given = values.get("namespace")
        if given is not None and given != namespace:
            raise CliError(f"--set namespace={given} conflicts with -n {namespace}")
        values["namespace"] = namespace
    return template, values


# --------------------------------------------------------------------------- commands


def _list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.template:
        template = find_template(args.template)
        origin = "built-in" if template.builtin else f"user ({template.source})"
        out.write(f"{template.name}: {template.title}  [{origin}]\n")
        if template.description:
            out.write(f"  {template.description}\n")
        out.write("parameters (--set NAME=VALUE):\n")
        width = max((len(p.name) for p in template.parameters), default=4)
        dwidth = max((len(repr(p.default)) for p in template.parameters), default=4)
        out.write(f"  {'NAME':<{width}}  {'KIND':<9}  {'DEFAULT':<{dwidth}}  DESCRIPTION\n")
        for p in template.parameters:
            about = f"  {p.description}" if p.description else ""
            default = repr(p.default)
            out.write(f"  {p.name:<{width}}  {p.kind:<9}  {default:<{dwidth}}{about}\n")
        return 0
    templates, errors = load_templates()
    width = max((len(t.name) for t in templates), default=4)
    for t in templates:
        mark = "" if t.builtin else "  (user)"
        out.write(f"{t.name:<{width}}  {t.title}{mark}\n")
    for exc in errors:
        print(f"podtui templates: {one_line(str(exc))}", file=err)
    return 0


def _create(conn: Connection, args: argparse.Namespace, out: TextIO) -> int:
    from podtui.cluster.pod_actions import create_pod
    from podtui.cluster.server_version import check_sidecars

    given_ns = getattr(args, "namespace", None)
    template, values = _prepare(args, None)
    if template.parameter("namespace") is not None:
        if given_ns and values.get("namespace") not in (None, given_ns):
            raise CliError(f"--set namespace={values['namespace']} conflicts with -n {given_ns}")
        values.setdefault("namespace", conn.namespace)
    manifest = render(template, values)
    metadata = manifest.setdefault("metadata", {})
    namespace = metadata.get("namespace") or conn.namespace
    metadata["namespace"] = namespace
    name = metadata.get("name", "?")
    # ClusterError (read-only, 409, 422 naming the field, ...) goes up to the CLI: one line.
    served = create_pod(conn, manifest, dry_run=True)
    warning = check_sidecars(conn, manifest, served)
    if warning:  # the user asked for this pod: say what the server will make of it
        print(f"podtui create: {warning}", file=sys.stderr)
    if args.dry_run:
        out.write(f"pod/{name} valid (server dry run) in {namespace}; nothing created\n")
        return 0
    create_pod(conn, manifest)
    out.write(f"pod/{name} created in {namespace}\n")
    return 0
