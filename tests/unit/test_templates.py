"""Built-in pod templates and their rendering (podtui.templates)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from podtui.templates import (
    KINDS,
    Parameter,
    Template,
    TemplateError,
    default_user_dir,
    load_templates,
    parse_set_args,
    parse_template,
    render,
    render_yaml,
    validate_value,
)

BUILTIN_NAMES = [
    "sidecar-log-tailer",
    "init-prepares-volume",
    "ambassador",
    "adapter",
    "localhost-pair",
    "crashing-sidecar",
    "native-sidecar",
]


@pytest.fixture(scope="module")
def builtins() -> dict[str, Template]:
    templates, errors = load_templates(Path("/nonexistent/podtui-templates"))
    assert errors == []
    return {t.name: t for t in templates}


def all_containers(pod: dict) -> list[dict]:
    return pod["spec"].get("initContainers", []) + pod["spec"]["containers"]


def by_name(items: list[dict], name: str) -> dict:
    return next(item for item in items if item["name"] == name)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
name: {name}
title: Mine
description: A user template.
parameters:
  - {{name: name, default: mine, kind: dns-name}}
  - {{name: message, default: hi, kind: string}}
pod: |
  apiVersion: v1
  kind: Pod
  metadata:
    name: ${{name}}
  spec:
    containers:
      - name: a
        image: busybox:1.36
        args: ["echo", "${{message}}"]
      - name: b
        image: busybox:1.36
"""


# --------------------------------------------------------------------------- built-ins


def test_all_builtins_load_in_teaching_order(builtins: dict[str, Template]) -> None:
    assert list(builtins) == BUILTIN_NAMES
    for template in builtins.values():
        assert template.builtin
        assert template.title and template.description
        assert Path(template.source).is_file()
        assert all(p.kind in KINDS for p in template.parameters)
        assert template.parameter("name") and template.parameter("namespace")


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_renders_with_defaults(builtins: dict[str, Template], name: str) -> None:
    template = builtins[name]
    defaults = template.defaults()
    pod = render(template)

    assert pod["apiVersion"] == "v1" and pod["kind"] == "Pod"
    assert pod["metadata"]["name"] == defaults["name"]
    assert pod["metadata"]["namespace"] == defaults["namespace"]
    labels = pod["metadata"]["labels"]
    assert labels["app.kubernetes.io/created-by"] == "podtui"
    assert labels["podtui.dev/template"] == name
    containers = all_containers(pod)
    assert len(containers) >= 2
    assert len({c["name"] for c in containers}) == len(containers)
    for container in containers:
        assert container["image"] in defaults.values()
        assert container["resources"]["requests"].keys() == {"cpu", "memory"}
        for port in container.get("ports", []):
            assert isinstance(port["containerPort"], int)
    mounted = {m["name"] for c in containers for m in c.get("volumeMounts", [])}
    assert mounted <= {v["name"] for v in pod["spec"].get("volumes", [])}
    # the YAML text is the same pod, and keeps the template's layout and comments
    text = render_yaml(template)
    assert yaml.safe_load(text) == pod
    assert text.startswith("apiVersion: v1\nkind: Pod\n")
    comments = [line for line in template.body.splitlines() if line.lstrip().startswith("#")]
    assert all(line in text.splitlines() for line in comments)
    assert f"  name: {defaults['name']}\n" in text


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_uses_every_parameter(builtins: dict[str, Template], name: str) -> None:
    template = builtins[name]
    used = {
        m.group("named") or m.group("braced")
        for m in string.Template.pattern.finditer(template.body)
    } - {None}
    assert used == {p.name for p in template.parameters}
    assert [p.name for p in template.parameters][:2] == ["name", "namespace"]


def test_seed_sidecar_log_tailer(builtins: dict[str, Template]) -> None:
    pod = render(builtins["sidecar-log-tailer"])
    node = by_name(pod["spec"]["containers"], "node")
    busybox = by_name(pod["spec"]["containers"], "busybox")
    assert node["image"] == "node:20-alpine"
    assert busybox["image"] == "busybox:1.36"
    assert node["command"][:2] == ["node", "-e"]
    assert "/app/logs/app.log" in node["command"][2]
    assert busybox["command"] == ["tail", "-F", "/logs/app.log"]
    assert node["volumeMounts"] == [{"name": "logs", "mountPath": "/app/logs"}]
    assert busybox["volumeMounts"] == [{"name": "logs", "mountPath": "/logs", "readOnly": True}]
    assert pod["spec"]["volumes"] == [{"name": "logs", "emptyDir": {"sizeLimit": "64Mi"}}]
    assert node["ports"] == [{"name": "http", "containerPort": 3000}]
    assert by_name(node["env"], "PORT")["value"] == "3000"


def test_seed_port_parameter_reaches_port_probe_and_env(builtins: dict[str, Template]) -> None:
    pod = render(builtins["sidecar-log-tailer"], {"port": "08080", "name": "shop.web-1"})
    node = by_name(pod["spec"]["containers"], "node")
    assert pod["metadata"]["name"] == "shop.web-1"
    assert node["ports"][0]["containerPort"] == 8080
    assert node["readinessProbe"]["httpGet"]["port"] == 8080
    assert by_name(node["env"], "PORT")["value"] == "8080"


def test_native_sidecar_is_a_restartable_init_container(builtins: dict[str, Template]) -> None:
    pod = render(builtins["native-sidecar"])
    (shipper,) = pod["spec"]["initContainers"]
    assert shipper["restartPolicy"] == "Always"
    (nginx,) = pod["spec"]["containers"]
    assert "restartPolicy" not in nginx
    assert shipper["volumeMounts"][0]["name"] == nginx["volumeMounts"][0]["name"]


def test_init_container_prepares_the_served_volume(builtins: dict[str, Template]) -> None:
    pod = render(builtins["init-prepares-volume"], {"port": "8081"})
    (init,) = pod["spec"]["initContainers"]
    (nginx,) = pod["spec"]["containers"]
    assert "restartPolicy" not in init
    assert {m["name"] for m in init["volumeMounts"]} == {m["name"] for m in nginx["volumeMounts"]}
    assert all(m["readOnly"] for m in nginx["volumeMounts"])
    assert "listen 8081;" in init["args"][0]
    assert nginx["ports"][0]["containerPort"] == 8081


def test_crashing_sidecar_crashes_by_its_own_command(builtins: dict[str, Template]) -> None:
    """The sidecar's script exits 1 after crash_after seconds: a real crash, no annotation
    telling a fake kubelet to pretend one (tests/integration/test_templates_cluster.py
    watches it crash-loop on the real node)."""
    pod = render(builtins["crashing-sidecar"], {"crash_after": "3"})
    assert "annotations" not in pod["metadata"]
    sidecar = by_name(pod["spec"]["containers"], "flaky-sidecar")
    assert pod["spec"]["restartPolicy"] == "Always"
    assert sidecar["command"] == ["sh", "-c"]
    assert "sleep 3\n" in sidecar["args"][0]
    assert sidecar["args"][0].rstrip().endswith("exit 1")


def test_ambassador_forwards_localhost_to_the_remote(builtins: dict[str, Template]) -> None:
    pod = render(
        builtins["ambassador"],
        {"port": "9100", "remote_host": "api.example.org", "remote_port": "8443"},
    )
    app = by_name(pod["spec"]["containers"], "app")
    proxy = by_name(pod["spec"]["containers"], "ambassador")
    assert "http://127.0.0.1:9100/" in app["args"][0]
    assert "listen 127.0.0.1:9100;" in proxy["args"][0]
    assert "proxy_pass http://api.example.org:8443;" in proxy["args"][0]


def test_localhost_pair_client_calls_the_server_port(builtins: dict[str, Template]) -> None:
    pod = render(builtins["localhost-pair"], {"port": "7000"})
    server = by_name(pod["spec"]["containers"], "server")
    client = by_name(pod["spec"]["containers"], "client")
    assert server["ports"][0]["containerPort"] == 7000
    assert "http://localhost:7000/" in client["args"][0]


def test_dollar_escape_keeps_shell_variables(builtins: dict[str, Template]) -> None:
    pod = render(builtins["adapter"])
    app = by_name(pod["spec"]["containers"], "app")
    assert "i=$((i + 1))" in app["args"][0]
    assert "$$" not in app["args"][0]


# --------------------------------------------------------------------------- values


def test_unknown_parameter_is_named(builtins: dict[str, Template]) -> None:
    with pytest.raises(TemplateError) as info:
        render(builtins["sidecar-log-tailer"], {"prot": "80"})
    assert info.value.field == "prot"
    assert "unknown parameter 'prot'" in str(info.value)
    assert str(info.value).startswith("sidecar-log-tailer: ")


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"name": "Bad_Name"}, "name", "not a valid DNS-1123 name"),
        ({"name": "-dash"}, "name", "not a valid DNS-1123 name"),
        ({"port": "70000"}, "port", "not a valid port"),
        ({"server_image": "Not An Image"}, "server_image", "not a valid image reference"),
        ({"colour": "blue"}, "colour", "unknown parameter 'colour'"),
    ],
)
def test_invalid_values_are_one_line_naming_the_field(builtins: dict[str, Template],
                                                      values: dict, field: str,
                                                      words: str) -> None:
    """Refused before any request (so nothing can be created)."""
    with pytest.raises(TemplateError) as caught:
        render(builtins["localhost-pair"], values)
    message = str(caught.value)
    assert caught.value.field == field
    assert field in message and words in message and "\n" not in message


def test_invalid_name_message(builtins: dict[str, Template]) -> None:
    with pytest.raises(TemplateError) as info:
        render(builtins["sidecar-log-tailer"], {"name": "Web_1"})
    assert str(info.value) == (
        "sidecar-log-tailer: parameter 'name': 'Web_1' is not a valid DNS-1123 name "
        "(lowercase letters, digits, '-' and '.')"
    )
    assert info.value.field == "name" and info.value.template == "sidecar-log-tailer"


@pytest.mark.parametrize("port", ["0", "65536", "http", "80a", "-1", " 80", "", "1_000"])
def test_invalid_port(builtins: dict[str, Template], port: str) -> None:
    with pytest.raises(TemplateError, match="parameter 'port': .* is not a valid port"):
        render(builtins["sidecar-log-tailer"], {"port": port})


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("dns-name", ["a", "web-1.shop", "x" * 253], ["-a", "a.", "A", "x" * 254, "a_b"]),
        ("dns-label", ["a", "a-1", "x" * 63], ["a.b", "x" * 64, "a-", ""]),
        (
            "image",
            [
                "busybox",
                "node:20-alpine",
                "ghcr.io/org/app:v1.2",
                "localhost:5000/a/b",
                "nginx@sha256:" + "a" * 64,
            ],
            ["Nginx", "nginx:", "nginx latest", "a//b", ""],
        ),
        ("int", ["0", "-3", "42"], ["1.5", "x", ""]),
        ("string", ["", "any: thing\n  - [x]", "tab\there"], ["bell\x07", "cr\r", "nul\x00"]),
    ],
)
def test_validate_value_by_kind(kind: str, good: list[str], bad: list[str]) -> None:
    param = Parameter("p", "x", "", kind)
    for value in good:
        validate_value(param, value)
    for value in bad:
        with pytest.raises(ValueError):
            validate_value(param, value)


def test_newline_cannot_inject_into_a_structured_kind(builtins: dict[str, Template]) -> None:
    for values in (
        {"name": "web\nkind: Secret"},
        {"port": "3000\n  hostPort: 80"},
        {"app_image": "node:20\nprivileged: true"},
        {"namespace": "a: b"},
    ):
        with pytest.raises(TemplateError):
            render(builtins["sidecar-log-tailer"], values)


@pytest.mark.parametrize(
    "value",
    [
        "orders\nkind: Secret",
        "x: y",
        "a: b\n  c: [d, {e: f}]\n- g",
        "\"quoted\" and 'single' \\ back",
        "# not a comment",
        "&anchor *alias !!int",
        "null",
        "123",
        "",
        "  padded  ",
        "${name} $$ $",
        "line1\n\nline3\n",
    ],
)
def test_string_values_cannot_change_the_document(
    builtins: dict[str, Template], value: str
) -> None:
    template = builtins["adapter"]
    baseline = render(template)
    pod = render(template, {"service": value})
    adapter = by_name(pod["spec"]["containers"], "adapter")
    assert adapter["env"] == [{"name": "SERVICE", "value": value}]
    assert pod["kind"] == "Pod" and pod.keys() == baseline.keys()
    assert pod["spec"].keys() == baseline["spec"].keys()
    assert yaml.safe_load(render_yaml(template, {"service": value})) == pod


def test_scalar_like_names_stay_strings(builtins: dict[str, Template]) -> None:
    template = builtins["sidecar-log-tailer"]
    values = {"name": "1.5", "namespace": "null", "app_image": "10:30"}
    pod = render(template, values)
    assert pod["metadata"]["name"] == "1.5"
    assert pod["metadata"]["namespace"] == "null"
    assert by_name(pod["spec"]["containers"], "node")["image"] == "10:30"
    assert yaml.safe_load(render_yaml(template, values)) == pod


_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")) | st.sampled_from("\n\t:#'\"-"),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_any_string_value_round_trips(value: str) -> None:
    template, _ = _user_template()
    pod = render(template, {"message": value})
    assert pod["spec"]["containers"][0]["args"] == ["echo", value]
    assert yaml.safe_load(render_yaml(template, {"message": value})) == pod


def _user_template() -> tuple[Template, str]:
    text = MINIMAL.format(name="mine")
    return parse_template(text, source="/tmp/mine.yaml"), text


def test_values_in_plain_and_block_contexts_round_trip() -> None:
    text = """\
name: ctx
parameters:
  - {name: msg, default: hi}
  - {name: n, default: "2", kind: int}
pod: |
  apiVersion: v1
  kind: Pod
  metadata:
    name: ctx
    annotations:
      plain: ${msg}
      partial: pre-${msg}-post
      single: 'say ${msg}'
      double: "say ${msg}"
      count: ${n}
      count-text: "${n}"
  spec:
    containers:
      - name: a
        image: busybox
        args:
          - |
            echo start
              echo ${msg}
            echo end
      - {name: b, image: busybox, args: [sleep, "${n}"]}
"""
    template = parse_template(text, source="ctx.yaml")
    for msg in ("hi", "two words", "a: b", "x\ny: z", "it's", "- item", "[1, 2]", "tab\tx"):
        pod = render(template, {"msg": msg, "n": "7"})
        notes = pod["metadata"]["annotations"]
        assert notes == {
            "plain": msg,
            "partial": f"pre-{msg}-post",
            "single": f"say {msg}",
            "double": f"say {msg}",
            "count": 7,
            "count-text": "7",
        }
        assert pod["spec"]["containers"][0]["args"] == [f"echo start\n  echo {msg}\necho end\n"]
        assert pod["spec"]["containers"][1]["args"] == ["sleep", "7"]
        assert yaml.safe_load(render_yaml(template, {"msg": msg, "n": "7"})) == pod
    # simple values keep the template's own text
    assert "plain: hi\n" in render_yaml(template)
    assert 'plain: "a: b"\n' in render_yaml(template, {"msg": "a: b"})


def test_render_yaml_falls_back_to_a_dump_when_text_cannot_hold_the_value() -> None:
    text = """\
name: folded
parameters:
  - {name: msg, default: hi}
pod: |
  apiVersion: v1
  kind: Pod
  metadata:
    name: folded
    annotations:
      note: >
        said ${msg}
  spec:
    containers: [{name: a, image: busybox}, {name: b, image: busybox}]
"""
    template = parse_template(text, source="folded.yaml")
    assert "note: >\n" in render_yaml(template)
    value = "two\nlines"
    pod = render(template, {"msg": value})
    assert pod["metadata"]["annotations"]["note"] == "said two\nlines\n"
    dumped = render_yaml(template, {"msg": value})
    assert yaml.safe_load(dumped) == pod
    assert dumped.startswith("apiVersion: v1\nkind: Pod\n")
    assert "note: >" not in dumped  # the dict was dumped, not the template text


def test_error_messages_are_one_line() -> None:
    error = TemplateError("bad\nthing", template="t", field="x")
    assert str(error) == "t: bad thing"
    assert str(TemplateError("oops", source="/a/b/c.yaml", line=3, in_file=True)) == (
        "c.yaml line 3: oops"
    )


# --------------------------------------------------------------------------- parsing and files


def test_user_templates_come_after_builtins(tmp_path: Path) -> None:
    write(tmp_path, "mine.yaml", MINIMAL.format(name="mine"))
    write(tmp_path, "same-name.yml", MINIMAL.format(name="sidecar-log-tailer"))
    write(tmp_path, "notes.txt", "ignored")
    templates, errors = load_templates(tmp_path)
    assert errors == []
    names = [t.name for t in templates]
    assert names == [*BUILTIN_NAMES, "mine", "sidecar-log-tailer"]
    user = templates[len(BUILTIN_NAMES) :]
    assert [t.builtin for t in user] == [False, False]
    assert user[0].source == str(tmp_path / "mine.yaml")
    assert render(user[0], {"message": "yo"})["spec"]["containers"][0]["args"] == ["echo", "yo"]


def test_invalid_yaml_user_template_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", MINIMAL.format(name="good"))
    write(tmp_path, "my.yaml", "name: broken\ntitle: Broken\ndescription: x: y\n")
    templates, errors = load_templates(tmp_path)
    assert [t.name for t in templates] == [*BUILTIN_NAMES, "good"]
    (error,) = errors
    assert str(error) == "my.yaml line 3: mapping values are not allowed here"
    assert error.line == 3 and error.source == str(tmp_path / "my.yaml")


def test_invalid_pod_body_reports_the_line_in_the_file(tmp_path: Path) -> None:
    text = MINIMAL.format(name="body").replace(
        "        args:", "        bad: mapping: here\n        args:"
    )
    write(tmp_path, "body.yaml", text)
    templates, errors = load_templates(tmp_path)
    assert [t.name for t in templates] == BUILTIN_NAMES
    (error,) = errors
    bad_line = text.splitlines().index("        bad: mapping: here") + 1
    assert (error.field, error.line) == ("pod", bad_line)
    assert str(error) == f"body.yaml line {bad_line}: mapping values are not allowed here"


def test_pod_body_error_at_render_gives_the_line_in_the_body() -> None:
    template = Template(
        "t", "T", "", (), "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n", "t.yaml", False
    )
    with pytest.raises(TemplateError) as info:
        render(template)
    assert info.value.field == "pod" and info.value.line == 4
    assert str(info.value).startswith("t: pod line 4: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty.yaml: the file is empty"),
        ("- a\n- b\n", "empty.yaml line 1: expected a mapping"),
        ("name: x\npod: |\n  a: 1\n", "empty.yaml line 3: apiVersion must be 'v1'"),
        ("name: Bad_Name\npod: x\n", "empty.yaml line 1: template name 'Bad_Name'"),
        ("name: x\nparamters: []\npod: x\n", "empty.yaml line 2: unknown field 'paramters'"),
        ("name: x\n", "empty.yaml: missing required field 'pod'"),
        ("name: x\nparameters:\n  - {name: p}\npod: x\n", "parameter 'p' has no default"),
        (
            "name: x\nparameters:\n  - {name: p, default: '0', kind: port}\npod: x\n",
            "empty.yaml line 3: parameter 'p': default '0' is not a valid port",
        ),
        (
            "name: x\nparameters:\n  - {name: p, default: a}\n  - {name: p, default: b}\npod: x\n",
            "empty.yaml line 4: parameter 'p' is declared twice",
        ),
        (
            "name: x\npod: |\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: $x}\n",
            "empty.yaml line 5: '$x' is not a declared parameter (write '$$' for a literal '$')",
        ),
        (
            "name: x\npod: |\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: a$}\n",
            "empty.yaml line 5: invalid placeholder",
        ),
        ("name: x\npod: |\n  apiVersion: v1\n  kind: Pod\n---\n", "empty.yaml line 5:"),
        (
            "name: x\npod: |\n  apiVersion: v1\n  kind: Pod\n  ---\n  kind: Pod\n",
            "empty.yaml line 5: expected a single document",
        ),
        (
            "name: x\npod: |\n  apiVersion: v1\n  kind: Pod\n  kind: Pod\n",
            "empty.yaml line 5: duplicate key 'kind'",
        ),
        (
            "name: x\npod: |\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n"
            "  spec: {containers: []}\n",
            "spec.containers must be a non-empty list",
        ),
    ],
)
def test_parse_template_errors(text: str, expected: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(text, source="/somewhere/empty.yaml")
    message = str(info.value)
    assert message.startswith(expected) or expected in message, message
    assert "\n" not in message


def test_unreadable_and_odd_user_dirs(tmp_path: Path) -> None:
    templates, errors = load_templates(tmp_path / "missing")
    assert [t.name for t in templates] == BUILTIN_NAMES and errors == []
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00garbage")
    templates, errors = load_templates(tmp_path)
    assert [t.name for t in templates] == BUILTIN_NAMES
    assert [str(e) for e in errors] == ["bin.yaml: cannot read: not UTF-8 text"]


def test_default_user_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_user_dir() == tmp_path / "podtui" / "templates"
    default_user_dir().mkdir(parents=True)
    write(default_user_dir(), "x.yaml", MINIMAL.format(name="from-xdg"))
    templates, _ = load_templates()
    assert templates[-1].name == "from-xdg" and not templates[-1].builtin
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_user_dir() == tmp_path / "home" / ".config" / "podtui" / "templates"


# --------------------------------------------------------------------------- --set


def test_parse_set_args() -> None:
    assert parse_set_args([]) == {}
    assert parse_set_args(["name=web", "cmd=a=b", "empty=", "name=api"]) == {
        "name": "api",
        "cmd": "a=b",
        "empty": "",
    }


@pytest.mark.parametrize("arg", ["name", "=web", "not a name=x"])
def test_parse_set_args_errors(arg: str) -> None:
    with pytest.raises(TemplateError, match="--set expects NAME=VALUE"):
        parse_set_args([arg])
