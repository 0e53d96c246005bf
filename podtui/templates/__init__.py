"""Multi-container pod templates: loading, validation and rendering (pure, no API calls).

A template is one YAML file::

    name: sidecar-log-tailer          # unique id, a DNS-1123 label
    title: Sidecar log tailer         # optional, defaults to the name
    description: >-                   # optional: the pattern it teaches
      A Node.js app writes a log file to a shared emptyDir; a busybox sidecar tails it.
    parameters:                       # optional list; every parameter has a default
      - {name: name, default: web-tailer, description: Pod name, kind: dns-name}
      - {name: namespace, default: default, kind: dns-label}
      - {name: app_image, default: "node:20-alpine", kind: image}
      - {name: port, default: "3000", kind: port}
    pod: |                            # the Pod manifest, with ${param} placeholders
      apiVersion: v1
      kind: Pod
      metadata:
        name: ${name}
        namespace: ${namespace}
      ...

Parameter ``kind`` (default ``string``) decides how a value is validated:

- ``dns-name``: RFC 1123 subdomain (lowercase letters, digits, '-' and '.'), at most 253;
- ``dns-label``: RFC 1123 label (lowercase letters, digits and '-'), at most 63;
- ``image``: a container image reference (``nginx:1.27``, ``ghcr.io/org/app@sha256:...``);
- ``port``: an integer in 1-65535;  ``int``: an integer;
- ``string``: any text without control characters (tab and newline are allowed).

Placeholders follow :class:`string.Template`: ``${param}`` (the bare ``$param`` form too),
and ``$$`` is a literal ``$`` -- so shell variables in inline scripts are written
``$$HOME``.  Every placeholder must name a declared parameter.

Values are inserted YAML-safely: the pod body is parsed with placeholders standing in
as inert tokens, and the values are substituted into the parsed scalars, so no value can
change the document's shape (a value containing a newline or ``": "`` stays one string).
A placeholder that is a whole unquoted scalar of an ``int``/``port`` parameter becomes a
number (``containerPort: ${port}``); everywhere else values are strings
(``value: "${port}"`` for an env var).  YAML syntax errors therefore come from the
template itself and are reported at load time with their line.

Built-in templates ship in the ``podtui.templates.builtin`` package; user templates live in
``$XDG_CONFIG_HOME/podtui/templates`` (default ``~/.config/podtui/templates``).

The modules: `model` (Template, Parameter, TemplateError), `values` (checking a value),
`placeholders` (string.Template's syntax, located), `render` (to a Pod dict), `yaml_text`
(to YAML text), `loading` (files).
"""

from __future__ import annotations

from podtui.templates.loading import default_user_dir, load_templates, parse_template
from podtui.templates.model import KINDS, Parameter, Template, TemplateError
from podtui.templates.render import render
from podtui.templates.values import parse_set_args, validate_value
from podtui.templates.yaml_text import render_yaml

__all__ = [
    "KINDS",
    "Parameter",
    "Template",
    "TemplateError",
    "default_user_dir",
    "load_templates",
    "parse_set_args",
    "parse_template",
    "render",
    "render_yaml",
    "validate_value",
]
