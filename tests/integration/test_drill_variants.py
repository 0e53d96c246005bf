"""Every built-in drill graded on what the real node does, table-driven.

Per drill, each in its own namespace, all at the same time (the waits overlap):

- after the setup alone, doing nothing scores 0;
- at least two correct answers (the reference kubectl solution and another one a candidate
  might type) pass every check;
- at least three plausible mistakes: the reference solution first (every check passes),
  then the mistake, after which exactly the checks named for it fail;
- no failing line contains the value the check expected (it says what was seen).

A failure names the drill, the variant and its seed (`podtui drill start ID --seed N`
draws the same task)."""

from __future__ import annotations

import os
import random
import string
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml

from podtui.drills import attempts
from podtui.drills.checks import Result, evaluate_all, show
from podtui.drills.loader import load_drills
from tests.conftest import KUBECTL

pytestmark = pytest.mark.integration

DRILLS = {d.id: d for d in load_drills(Path("/nonexistent"))[0]}

# A variant: "edit" = (old, new) replacements in the reference solution (an `apply` of a pod
# becomes `replace --force --grace-period=0`, as a candidate replaces a pod); "run" =
# commands instead. "$$" is a literal "$". A mistake names the checks (their `say`) that
# must fail; "fresh" puts the setup's objects back first (a delete cannot be undone, nor an
# ephemeral container removed).
RECREATE = "fresh"
#: The reference solution's answer ConfigMap already exists when a mistake is applied.
NO_ANSWER_AGAIN = ("kubectl -n ${namespace} create configmap answer --from-literal=exitCode=127",
                   "kubectl -n ${namespace} get cm answer")
#: The mistake is applied with `apply` (a CronJob is edited in place: replacing it would
#: delete its Jobs).
APPLY = "apply"
#: The mistake is in the solution's last step only, and only that step runs again (the
#: claim cannot be replaced while a pod uses it).
LAST = "last"
#: A command run on the node rather than with kubectl (a static pod's manifest), as the
#: static-pod drill's solution says it.
ON_NODE = "# on node ${node} (ssh ${node}; in the sandbox, this machine)\n"

VARIANTS: dict[str, dict] = {
    "log-sidecar": {
        "correct": [{"edit": [('["tail", "-F", "${logdir}/${file}"]',
                               '["sh", "-c", "tail -n +1 -F ${logdir}/${file}"]')]}],
        "mistakes": [
            {"why": "the app has no command: it never writes the log",
             "edit": [('    command: ["sh", "-c", "while true; do date >> ${logdir}/${file}; '
                       'sleep 5; done"]\n', "")],
             "fails": ["`kubectl logs ${pod} -c ${sidecar}` shows the app's lines"]},
            {"why": "the sidecar mounts an emptyDir of its own",
             "edit": [("    - {name: logs, mountPath: ${logdir}}\n  volumes:\n",
                       "    - {name: own, mountPath: ${logdir}}\n  volumes:\n"
                       "  - name: own\n    emptyDir: {}\n")],
             "fails": ["`kubectl logs ${pod} -c ${sidecar}` shows the app's lines"]},
            {"why": "tail without -F prints the file and exits",
             "edit": [('["tail", "-F", "${logdir}/${file}"]', '["tail", "${logdir}/${file}"]')],
             "fails": ["${sidecar} keeps running (ready, no restarts)"]},
        ],
    },
    "native-sidecar": {
        "correct": [{"edit": [("while true; do echo sync; sleep 10; done",
                               "while :; do echo sync; sleep 3; done")]}],
        "mistakes": [
            {"why": "the sidecar as a second regular container",
             "edit": [("  initContainers:\n", ""), ("    restartPolicy: Always\n", ""),
                      ("  containers:\n  - name: ${app}", "  - name: ${app}"),
                      ("spec:\n  - name: ${sidecar}",
                       "spec:\n  containers:\n  - name: ${sidecar}")],
             "fails": ["${sidecar} is a native sidecar (init container, restartPolicy Always)"]},
            {"why": "an init container without restartPolicy Always: it blocks the app",
             "edit": [("    restartPolicy: Always\n", "")],
             "fails": ["${sidecar} is a native sidecar (init container, restartPolicy Always)",
                       "${sidecar} keeps running beside the app (ready, no restarts)",
                       "${app} runs"]},
            {"why": "the sidecar says sync once and ends",
             "edit": [("while true; do echo sync; sleep 10; done", "echo sync")],
             "fails": ["${sidecar} keeps running beside the app (ready, no restarts)"]},
        ],
    },
    "init-fills-volume": {
        "correct": [{"edit": [('"echo ${message} > ${dir}/index.html"',
                               '"cd ${dir} && echo ${message} > index.html"')]}],
        "mistakes": [
            {"why": "the app mounts the volume where the init container wrote",
             "edit": [("{name: content, mountPath: /usr/share/nginx/html}",
                       "{name: content, mountPath: ${dir}}")],
             "fails": ["${app} serves the page ${init} wrote"]},
            {"why": "the page written as index.htm",
             "edit": [("${dir}/index.html", "${dir}/index.htm")],
             "fails": ["${app} serves the page ${init} wrote"]},
            {"why": "the init container as a regular container",
             "edit": [("  containers:\n  - name: ${app}", "  - name: ${app}"),
                      ("  initContainers:\n", "  containers:\n")],
             "fails": ["${init} is an init container (runs to completion first)",
                       "${init} ran once, to completion"]},
        ],
    },
    "init-order": {
        "correct": [{"edit": [("kubectl -n ${namespace} replace --force --grace-period=0 -f -",
                               "kubectl -n ${namespace} delete pod ${pod} --force "
                               "--grace-period=0 && kubectl -n ${namespace} create -f -")]}],
        "mistakes": [
            {"why": "only the names swapped, the commands left where they were",
             "edit": [("until nslookup ${db}; do sleep 2; done", "SWAP"),
                      ("echo migrating ${db}; sleep 2", "until nslookup ${db}; do sleep 2; done"),
                      ("SWAP", "echo migrating ${db}; sleep 2")],
             "fails": ["${migrate} has not run while ${db} is unreachable",
                       "${wait} still waits for ${db}", "${migrate} still runs the migration"]},
            {"why": "the migration dropped",
             "edit": [('\n  - name: ${migrate}\n    image: busybox:1.36\n    command: ["sh", "-c", '
                       '"echo migrating ${db}; sleep 2"]', "")],
             "fails": ["the init containers are ${wait}, then ${migrate}",
                       "${migrate} has not run while ${db} is unreachable",
                       "${migrate} still runs the migration",  # nothing of the answer is
                       "${wait} still waits for ${db}", "${app} is unchanged"]},  # left
            {"why": "the app's image changed on the way",
             "edit": [("image: nginx:1.27", "image: nginx:1.27-alpine")],
             "fails": ["${app} is unchanged"]},
        ],
    },
    "adapter": {
        "correct": [{"edit": [('"tail -F ${dir}/${file} | while read line; do echo '
                               '\\"level=${level} msg=$$line\\"; done"',
                               '"tail -n +1 -F ${dir}/${file} | awk \'{print \\"level=${level} '
                               'msg=\\" $$0; fflush()}\'"')]}],
        "mistakes": [
            {"why": "the adapter may write to the app's logs",
             "edit": [("{name: logs, mountPath: ${dir}, readOnly: true}",
                       "{name: logs, mountPath: ${dir}}")],
             "fails": ["${adapter} cannot write to the app's logs (read-only mount)"]},
            {"why": "the app's mount made read-only instead",
             "edit": [("{name: logs, mountPath: ${dir}}\n", "{name: logs, mountPath: ${dir}, "
                       "readOnly: true}\n")],
             "fails": ["${app} can write its log",
                       "`kubectl logs ${pod} -c ${adapter}` shows the app's lines, reformatted"]},
            {"why": "another field name than level",
             "edit": [("level=${level} msg=", "lvl=${level} msg=")],
             "fails": ["`kubectl logs ${pod} -c ${adapter}` shows the app's lines, reformatted"]},
        ],
    },
    "ambassador": {
        "correct": [{"edit": [('value: "localhost:${port}"', 'value: "127.0.0.1:${port}"')]}],
        "mistakes": [
            {"why": "the proxy listens on the backend's port, not the app's",
             "edit": [('"-p", "${port}"', '"-p", "6379"')],
             "fails": ["${app} reaches the database through $$DB_ADDR"]},
            {"why": "DB_ADDR names the backend; another variable holds localhost",
             "edit": [('- {name: DB_ADDR, value: "localhost:${port}"}',
                       '- {name: DB_ADDR, value: "${backend}:6379"}\n'
                       '    - {name: PROXY, value: "localhost:${port}"}')],
             "fails": ["${app}'s DB_ADDR points at the ambassador on localhost:${port}",
                       "${app} reaches the database through $$DB_ADDR"]},
            {"why": "the proxy forwards to the wrong port",
             "edit": [('"6379"]', '"6380"]')],
             "fails": ["${app} reaches the database through $$DB_ADDR"]},
        ],
    },
    "localhost-pair": {
        "correct": [{"edit": [("http://localhost:${port}/", "http://127.0.0.1:${port}/")]}],
        "mistakes": [
            {"why": "httpd without -f: it forks and the container ends",
             "edit": [("httpd -f -p", "httpd -p")],
             "fails": ["${server} serves the page on port ${port}",
                       "${server} keeps serving (ready, no restarts)",
                       "`kubectl logs ${pod} -c ${client}` shows the server's answers"]},
            {"why": "the client calls the server's name, as if it were a Service",
             "edit": [("http://localhost:${port}/", "http://${server}:${port}/")],
             "fails": ["${client} asks over localhost",
                       "`kubectl logs ${pod} -c ${client}` shows the server's answers"]},
            {"why": "the server declares port 80",
             "edit": [("- containerPort: ${port}", "- containerPort: 80")],
             "fails": ["${server} declares containerPort ${port}"]},
        ],
    },
    "port-clash": {
        "correct": [{"edit": [('["httpd", "-f", "-p", "${port}"]',
                               '["httpd", "-f", "-p", "0.0.0.0:${port}", "-h", "/tmp"]')]}],
        "mistakes": [
            {"why": "only the containerPort moved; the process still binds 80",
             "edit": [('["httpd", "-f", "-p", "${port}"]', '["httpd", "-f", "-p", "80"]')],
             "fails": ["${metrics} answers on port ${port}",
                       "${metrics} keeps running (ready, no restarts)"]},
            {"why": "the process moved, the containerPort left at 80",
             "edit": [("- containerPort: ${port}", "- containerPort: 80")],
             "fails": ["${metrics} declares containerPort ${port}"]},
            {"why": "the process on another port than the one asked",
             "edit": [('"-p", "${port}"]', '"-p", "8080"]')],
             "fails": ["${metrics} answers on port ${port}"]},
        ],
    },
    "fix-mount-path": {
        "correct": [{"edit": [("kubectl -n ${namespace} replace --force --grace-period=0 -f -",
                               "kubectl -n ${namespace} delete pod ${pod} --force "
                               "--grace-period=0 && kubectl -n ${namespace} create -f -")]}],
        "mistakes": [
            {"why": "the app moved to the sidecar's wrong path instead",
             "edit": [("- {name: logs, mountPath: ${logdir}}\n  - name: ${sidecar}",
                       "- {name: logs, mountPath: ${wrong}}\n  - name: ${sidecar}"),
                      ("- {name: logs, mountPath: ${logdir}}\n  volumes",
                       "- {name: logs, mountPath: ${wrong}}\n  volumes")],
             "fails": ["`kubectl logs ${pod} -c ${sidecar}` shows the app's lines",  # and
                       "${sidecar} keeps running (ready, no restarts)",  # what is kept counts
                       "${sidecar}'s command is unchanged", "${app} is unchanged"]},  # no more
            {"why": "the sidecar's command changed to the wrong path instead of its mount",
             "edit": [("- {name: logs, mountPath: ${logdir}}\n  volumes",
                       "- {name: logs, mountPath: ${wrong}}\n  volumes"),
                      ('["tail", "-F", "${logdir}/app.log"]',
                       '["tail", "-F", "${wrong}/app.log"]')],
             "fails": ["${sidecar}'s command is unchanged"]},
            {"why": "tail without -F",
             "edit": [('["tail", "-F", "${logdir}/app.log"]', '["tail", "${logdir}/app.log"]')],
             "fails": ["${sidecar} keeps running (ready, no restarts)",
                       "${sidecar}'s command is unchanged"]},
        ],
    },
    "fix-image-pull": {
        "correct": [{"run": ["kubectl -n ${namespace} patch pod ${pod} -p "
                             "'{\"spec\":{\"containers\":[{\"name\":\"${app}\",\"image\":"
                             "\"nginx:1.27\"}]}}'"]}],
        "mistakes": [
            {"why": "the sidecar's image changed too",
             "run": ["kubectl -n ${namespace} set image pod/${pod} ${sidecar}=busybox:latest"],
             "fails": ["${sidecar} is unchanged"]},
            {"why": "another nginx image than the one asked",
             "run": ["kubectl -n ${namespace} set image pod/${pod} ${app}=nginx:1.27-alpine"],
             "fails": ["${app} runs nginx:1.27"]},
            {"why": "a tag that does not exist",
             "run": ["kubectl -n ${namespace} set image pod/${pod} ${app}=nginx:1.28"],
             "fails": ["${app} runs nginx:1.27", "${app} is running and ready",
                       "the pod serves nginx's page on port 80", "${sidecar} is unchanged"]},
        ],
    },
    "fix-crashing-sidecar": {
        "correct": [{"edit": [('["tail", "-F", "/var/log/nginx/access.log"]',
                               '["sh", "-c", "tail -n +1 -F /var/log/nginx/access.log"]')]}],
        "mistakes": [
            {"why": "tail -f follows the file it opened, not the one rotated in",
             "edit": [('["tail", "-F", "/var/log/nginx/access.log"]',
                       '["tail", "-f", "/var/log/nginx/access.log"]')],
             "fails": ["${sidecar} goes on streaming after the log is rotated"]},
            {"why": "tail -n prints the last lines and exits, like before",
             "edit": [('["tail", "-F", "/var/log/nginx/access.log"]',
                       '["tail", "-n", "100", "/var/log/nginx/access.log"]')],
             "fails": ["${sidecar} keeps running (ready, no restarts)",  # and so what is kept
                       "${sidecar} goes on streaming after the log is rotated",
                       "`kubectl logs ${pod} -c ${sidecar}` shows the access log",  # counts
                       "${sidecar} still reads /var/log/nginx/access.log",  # no more
                       "${app} is unchanged"]},
            {"why": "the sidecar follows another file",
             "edit": [('["tail", "-F", "/var/log/nginx/access.log"]',
                       '["tail", "-F", "/var/log/nginx/error.log"]')],
             "fails": ["`kubectl logs ${pod} -c ${sidecar}` shows the access log",
                       "${sidecar} goes on streaming after the log is rotated",
                       "${sidecar} still reads /var/log/nginx/access.log"]},
            {"why": "the sidecar mounts the volume elsewhere",
             "edit": [('"/var/log/nginx/access.log"]\n    volumeMounts:\n'
                       '    - {name: nginx-logs, mountPath: /var/log/nginx}',
                       '"/var/log/nginx/access.log"]\n    volumeMounts:\n'
                       '    - {name: nginx-logs, mountPath: /logs}')],
             "fails": ["`kubectl logs ${pod} -c ${sidecar}` shows the access log",
                       "${sidecar} goes on streaming after the log is rotated"]},
        ],
    },
    "previous-logs": {
        "correct": [{"run": ["kubectl -n ${namespace} create configmap answer "
                             "--from-literal=exitCode=1 --from-literal=container=${crash}"]}],
        "mistakes": [
            {"why": "the first container listed, not the one that restarts",
             "run": ["kubectl -n ${namespace} create configmap answer --from-literal=container="
                     "${first} --from-literal=exitCode=1 --dry-run=client -o yaml | "
                     "kubectl -n ${namespace} replace -f -"],
             "fails": ["the answer names the crashing container"]},
            {"why": "the exit code of a kill, not of its last run",
             "run": ["kubectl -n ${namespace} create configmap answer --from-literal=container="
                     "${crash} --from-literal=exitCode=137 --dry-run=client -o yaml | "
                     "kubectl -n ${namespace} replace -f -"],
             "fails": ["the answer gives its exit code"]},
            {"why": "the key spelt exit-code",
             "run": ["kubectl -n ${namespace} create configmap answer --from-literal=container="
                     "${crash} --from-literal=exit-code=1 --dry-run=client -o yaml | "
                     "kubectl -n ${namespace} replace -f -"],
             "fails": ["the answer gives its exit code"]},
        ],
    },
    "job-native-sidecar": {
        "correct": [{"edit": [('command: ["sh", "-c", "echo working; sleep 2"]',
                               'command: ["sh"]\n        args: ["-c", "echo working; sleep 2"]')]}],
        "mistakes": [
            {"why": "the sidecar as a second regular container",
             "edit": [("      initContainers:\n", ""), ("        restartPolicy: Always\n", ""),
                      ("      containers:\n      - name: ${worker}", "      - name: ${worker}"),
                      ("Never\n      - name: ${sidecar}",
                       "Never\n      containers:\n      - name: ${sidecar}")],
             "fails": ["${sidecar} is a native sidecar (init container, restartPolicy Always)",
                       "the Job completed"]},
            {"why": "the worker exits 1",
             "edit": [("echo working; sleep 2", "echo working; sleep 2; exit 1")],
             "fails": ["the Job completed"]},
            {"why": "restartPolicy OnFailure",
             "edit": [("restartPolicy: Never", "restartPolicy: OnFailure")],
             "fails": ["the pods are not restarted in place (restartPolicy Never)"]},
        ],
    },
    "ephemeral-debug": {
        "correct": [{"edit": [("--image=busybox:1.36", "--image=busybox:latest")]}],
        "mistakes": [
            {"why": "no --target: the debugger shares no process namespace",
             RECREATE: True, "edit": [(" --target=${app}", "")],
             "fails": ["${debugger} sees the processes of ${app}"]},
            {"why": "the sidecar targeted",
             RECREATE: True, "edit": [("--target=${app}", "--target=${sidecar}")],
             "fails": ["${debugger} sees the processes of ${app}",
                       "${debugger} does not see ${sidecar}'s"]},
            {"why": "no command: busybox's shell ends at once without -it",
             RECREATE: True, "edit": [(" -- sleep 3600", "")],
             "fails": ["${debugger} stays up", "${debugger} sees the processes of ${app}",
                       "${debugger} does not see ${sidecar}'s"]},
        ],
    },
    "resources-split": {
        "correct": [{"edit": [("limits: {memory: ${app_mem}}",
                               "limits: {cpu: ${app_cpu}, memory: ${app_mem}}")]}],
        "mistakes": [
            {"why": "the sidecar requests no CPU",
             "edit": [("requests: {cpu: ${side_cpu}, memory: ${side_mem}}",
                       "requests: {memory: ${side_mem}}")],
             "fails": ["${sidecar} requests the CPU the task names"]},
            {"why": "the app's memory limit above its request",
             "edit": [("limits: {memory: ${app_mem}}", "limits: {memory: 1Gi}")],
             "fails": ["${app}'s memory limit equals its request"]},
            {"why": "the CPU requests swapped",
             "edit": [("{cpu: ${app_cpu},", "{cpu: SWAP,"),
                      ("{cpu: ${side_cpu},", "{cpu: ${app_cpu},"),
                      ("{cpu: SWAP,", "{cpu: ${side_cpu},")],
             "fails": ["${app} requests the CPU the task names",
                       "${sidecar} requests the CPU the task names"]},
        ],
    },
    "memory-emptydir": {
        "correct": [{"edit": [("- {name: scratch, mountPath: ${dir}}",
                               "- {name: scratch, mountPath: ${dir}, readOnly: false}")]}],
        "mistakes": [
            {"why": "sizeLimit set, but the volume still on disk",
             "edit": [("      medium: Memory\n", "")],
             "fails": ["scratch is in memory (a tmpfs in ${writer})"]},
            {"why": "the reader's mount not read-only",
             "edit": [("{name: scratch, mountPath: ${rdir}, readOnly: true}",
                       "{name: scratch, mountPath: ${rdir}}")],
             "fails": ["${reader} cannot write there (read-only mount)"]},
            {"why": "the reader on an emptyDir of its own",
             "edit": [("{name: scratch, mountPath: ${rdir}, readOnly: true}",
                       "{name: own, mountPath: ${rdir}, readOnly: true}"),
                      ("  volumes:\n", "  volumes:\n  - name: own\n    emptyDir: {}\n")],
             "fails": ["${reader} sees what ${writer} writes, at ${rdir}"]},
        ],
    },
    "force-delete": {
        "correct": [{"run": ["kubectl -n ${namespace} delete pod/${stuck} --now=false --force "
                             "--grace-period=0 --wait=false"]}],
        "mistakes": [
            {"why": "a graceful delete: the pod stays Terminating for an hour",
             RECREATE: True, "run": ["kubectl -n ${namespace} delete pod ${stuck} --wait=false"],
             "fails": ["${stuck} is gone from the API", "${keep} is untouched",
                       "${keep} is not being deleted"]},
            {"why": "the pod to keep deleted too",
             "run": ["kubectl -n ${namespace} delete pod ${keep} --grace-period=0 --force"],
             "fails": ["${keep} is untouched", "${keep} is not being deleted"]},
            {"why": "the wrong pod deleted",
             RECREATE: True,
             "run": ["kubectl -n ${namespace} delete pod ${keep} --grace-period=0 --force"],
             "fails": ["${stuck} is gone from the API", "${keep} is untouched",
                       "${keep} is not being deleted"]},
        ],
    },
    "probes": {
        "correct": [{"edit": [("httpGet: {path: \"${health}\", port: ${port}}",
                               "httpGet: {path: \"${health}\", port: http}"),
                              ("    readinessProbe:", "    ports:\n    - {name: http, "
                               "containerPort: ${port}}\n    readinessProbe:")]}],
        "mistakes": [
            {"why": "the readiness probe asks a path nobody serves",
             "edit": [('httpGet: {path: "${health}"', 'httpGet: {path: "/status"')],
             "fails": ["the readiness probe asks the path the task names",
                       "${app} becomes ready and stays up (no restarts)"]},
            {"why": "the liveness probe as an HTTP GET",
             "edit": [('      exec:\n        command: ["cat", "/www${health}"]',
                       '      httpGet: {path: "${health}", port: ${port}}')],
             "fails": ["the liveness probe runs a command"]},
            {"why": "the liveness probe reads a file that is not there: restarts",
             "edit": [('["cat", "/www${health}"]', '["cat", "/www/missing"]')],
             "fails": ["${app} becomes ready and stays up (no restarts)"]},
        ],
    },
    "security-context": {
        "correct": [{"edit": [("  securityContext:\n    runAsUser: ${uid}\n",
                               "  securityContext:\n"),
                              ("    securityContext:\n", "    securityContext:\n"
                               "      runAsUser: ${uid}\n")]}],
        "mistakes": [
            {"why": "no runAsUser: the process is root",
             "edit": [("    runAsUser: ${uid}\n", "")],
             "fails": ["${app} runs as the user the task names"]},
            {"why": "no fsGroup",
             "edit": [("    fsGroup: ${gid}\n", "")],
             "fails": ["a file ${app} writes in /data belongs to the group the task names"]},
            {"why": "the root filesystem left writable",
             "edit": [("      readOnlyRootFilesystem: true\n", "")],
             "fails": ["${app} cannot write to its root filesystem"]},
            {"why": "capabilities not dropped",
             "edit": [("      capabilities:\n        drop: [\"ALL\"]\n", "")],
             "fails": ["${app} has dropped every capability"]},
        ],
    },
    "configmap-env-volume": {
        "correct": [{"edit": [("    configMap:\n      name: ${cm}\n",
                               "    configMap:\n      name: ${cm}\n      items:\n"
                               "      - {key: app.properties, path: app.properties}\n")]}],
        "mistakes": [
            {"why": "APP_MODE written down, not read from the ConfigMap",
             "edit": [("valueFrom:\n        configMapKeyRef: {name: ${cm}, key: mode}",
                       "value: ${mode}")],
             "fails": ["APP_MODE comes from the ConfigMap"]},
            {"why": "APP_MODE from the wrong key",
             "edit": [("key: mode}", "key: app.properties}")],
             "fails": ["${app} sees APP_MODE set from the key mode"]},
            {"why": "the ConfigMap mounted elsewhere",
             "edit": [("mountPath: ${dir}}", "mountPath: /etc/other}")],
             "fails": ["${app} reads app.properties where the task says"]},
        ],
    },
    "secret-env": {
        "correct": [{"edit": [(", readOnly: true}", "}")]}],
        "mistakes": [
            {"why": "the password copied into the pod spec",
             "edit": [("valueFrom:\n        secretKeyRef: {name: ${secret}, key: password}",
                       "value: s3cr3t-${secret}")],
             "fails": ["DB_PASSWORD comes from the Secret, not a literal"]},
            {"why": "DB_PASSWORD from the key user",
             "edit": [("key: password}", "key: user}")],
             "fails": ["DB_PASSWORD holds the Secret's password (compared inside the pod, "
                       "never shown)"]},
            {"why": "the Secret re-created without its user key",
             "run": ["kubectl -n ${namespace} create secret generic ${secret} "
                     "--from-literal=password=s3cr3t-${secret} --dry-run=client -o yaml | "
                     "kubectl -n ${namespace} replace -f -"],
             "fails": ["the Secret still has its keys"]},
        ],
    },
    "downward-api": {
        "correct": [{"edit": [("fieldRef: {fieldPath: metadata.labels}",
                               "fieldRef: {apiVersion: v1, fieldPath: metadata.labels}")]}],
        "mistakes": [
            {"why": "the pod's name written down",
             "edit": [("valueFrom: {fieldRef: {fieldPath: metadata.name}}", "value: ${pod}")],
             "fails": ["MY_POD_NAME is read from the pod (fieldRef), not written down"]},
            {"why": "the node's IP, not the pod's",
             "edit": [("fieldPath: status.podIP", "fieldPath: status.hostIP")],
             "fails": ["MY_POD_IP is the pod's IP"]},
            {"why": "the pod without its label",
             "edit": [("  labels: {tier: ${tier}}\n", "")],
             "fails": ["/etc/podinfo/labels has the pod's labels"]},
        ],
    },
    "qos-guaranteed": {
        "correct": [{"edit": [("      requests: {cpu: ${cpu}, memory: ${mem}}\n", "")]}],
        "mistakes": [
            {"why": "the sidecar has no CPU limit",
             "edit": [("limits: {cpu: ${cpu}, memory: ${mem}}\nEOF",
                       "limits: {memory: ${mem}}\nEOF")],
             "fails": ["the pod is in QoS class Guaranteed"]},
            {"why": "memory limits above the requests",
             "edit": [("limits: {cpu: ${cpu}, memory: ${mem}}",
                       "limits: {cpu: ${cpu}, memory: 128Mi}")],
             "fails": ["the pod is in QoS class Guaranteed"]},
            {"why": "the app without resources",
             "edit": [("    resources:\n      requests: {cpu: ${cpu}, memory: ${mem}}\n"
                       "      limits: {cpu: ${cpu}, memory: ${mem}}\n  - name: ${sidecar}",
                       "  - name: ${sidecar}")],
             "fails": ["the pod is in QoS class Guaranteed",
                       "${app} requests the CPU the task names"]},
        ],
    },
    "oom-killed": {
        "correct": [{"edit": [("limits: {memory: 256Mi}", "limits: {memory: 512Mi}")]}],
        "mistakes": [
            {"why": "the exit's name, not its reason",
             "run": ["kubectl -n ${namespace} create configmap answer --from-literal=reason=Error"
                     " --dry-run=client -o yaml | kubectl -n ${namespace} replace -f -"],
             "fails": ["the answer gives the reason"]},
            {"why": "a limit still too small",
             "edit": [("limits: {memory: 256Mi}", "limits: {memory: 48Mi}"),
                      ("kubectl -n ${namespace} create configmap answer "
                       "--from-literal=reason=OOMKilled", "kubectl -n ${namespace} get cm answer")],
             "fails": ["${app} stays up (ready, no restarts)", "${app} gets its work done"]},
            {"why": "the work itself made smaller",
             "edit": [("head -c 60000000 /dev/zero", "head -c 6 /dev/zero"),
                      ("kubectl -n ${namespace} create configmap answer "
                       "--from-literal=reason=OOMKilled", "kubectl -n ${namespace} get cm answer")],
             "fails": ["${app} still does the same work"]},
        ],
    },
    "tolerations": {
        "correct": [{"edit": [("  nodeSelector:\n    type: kwok\n",
                               "  affinity:\n    nodeAffinity:\n      "
                               "requiredDuringSchedulingIgnoredDuringExecution:\n        "
                               "nodeSelectorTerms:\n        - matchExpressions:\n          "
                               "- {key: type, operator: In, values: [kwok]}\n"),
                              ("{key: kwok.x-k8s.io/node, operator: Equal, value: fake, "
                               "effect: NoSchedule}",
                               "{key: kwok.x-k8s.io/node, operator: Exists}")]}],
        "mistakes": [
            {"why": "no toleration: the pod stays Pending",
             "edit": [("  tolerations:\n  - {key: kwok.x-k8s.io/node, operator: Equal, "
                       "value: fake, effect: NoSchedule}\n", "")],
             "fails": ["${pod} is scheduled on a node labelled type=kwok",
                       "${pod} tolerates the taint", "the scheduler did not have to refuse it"]},
            {"why": "the taint taken for a label to select",
             "edit": [("  nodeSelector:\n    type: kwok\n",
                       "  nodeSelector:\n    kwok.x-k8s.io/node: fake\n")],
             "fails": ["${pod} is scheduled on a node labelled type=kwok",
                       "the scheduler did not have to refuse it"]},
            {"why": "a toleration of another value",
             "edit": [("value: fake,", "value: real,")],
             "fails": ["${pod} is scheduled on a node labelled type=kwok",
                       "the scheduler did not have to refuse it"]},
        ],
    },
    "cronjob": {
        "correct": [{"edit": [("restartPolicy: OnFailure", "restartPolicy: Never")]}],
        "mistakes": [
            {"why": "concurrent runs allowed", APPLY: True,
             "edit": [("concurrencyPolicy: Forbid", "concurrencyPolicy: Allow"),
                      ("kubectl -n ${namespace} create job ${run} --from=cronjob/${cron}",
                       "kubectl -n ${namespace} get job ${run}")],
             "fails": ["at most one run at a time"]},
            {"why": "three successful Jobs kept", APPLY: True,
             "edit": [("successfulJobsHistoryLimit: 2", "successfulJobsHistoryLimit: 3"),
                      ("kubectl -n ${namespace} create job ${run} --from=cronjob/${cron}",
                       "kubectl -n ${namespace} get job ${run}")],
             "fails": ["two successful Jobs are kept"]},
            {"why": "a Job made by hand, not from the CronJob",
             "run": ["kubectl -n ${namespace} delete job ${run}",
                     "kubectl -n ${namespace} create job ${run} --image=busybox:1.36 -- "
                     "sh -c 'echo cleaned'"],
             "fails": ["Job ${run} was made from ${cron}"]},
        ],
    },
    "service-named-port": {
        "correct": [{"run": ["kubectl -n ${namespace} create -f - <<'EOF'\napiVersion: v1\n"
                             "kind: Service\nmetadata: {name: ${svc}}\nspec:\n"
                             "  selector: {app: ${app}}\n"
                             "  ports: [{port: 80, targetPort: http}]\nEOF"]}],
        "mistakes": [
            {"why": "the port's number, not its name",
             "run": ["kubectl -n ${namespace} delete svc ${svc}",
                     "kubectl -n ${namespace} expose pod ${pod} --name=${svc} --port=80 "
                     "--target-port=${port}"],
             "fails": ["${svc} targets the port by its name"]},
            {"why": "the metrics container's port",
             "run": ["kubectl -n ${namespace} delete svc ${svc}",
                     "kubectl -n ${namespace} expose pod ${pod} --name=${svc} --port=80 "
                     "--target-port=metrics"],
             "fails": ["${svc} targets the port by its name",
                       "${svc} reaches the web container's port"]},
            {"why": "a selector no pod has",
             "run": ["kubectl -n ${namespace} set selector svc ${svc} app=${web}-none"],
             "fails": ["${svc} reaches ${pod}, ready", "${svc} reaches the web container's port"]},
        ],
    },
    "share-process-namespace": {
        "correct": [{"edit": [('command: ["sleep", "3600"]',
                               'command: ["sh", "-c", "sleep 3600"]')]}],
        "mistakes": [
            {"why": "each container in its own process namespace",
             "edit": [("  shareProcessNamespace: true\n", "")],
             "fails": ["the pod shares one process namespace",
                       "${sidecar} sees ${app}'s web server"]},
            {"why": "the sidecar runs ps once and ends",
             "edit": [('command: ["sleep", "3600"]', 'command: ["ps"]')],
             "fails": ["${sidecar} sees ${app}'s web server",
                       "${sidecar} keeps running (ready, no restarts)"]},
            {"why": "the host's process namespace instead",
             "edit": [("  shareProcessNamespace: true\n", "  hostPID: true\n")],
             "fails": ["the pod shares one process namespace"]},
        ],
    },
    "exit-127": {
        "correct": [{"edit": [('["httpd", "-f", "-p", "${port}", "-h", "/tmp"]',
                               '["sh", "-c", "httpd -f -p ${port} -h /tmp"]')]}],
        "mistakes": [
            {"why": "the exit code of a crash, not 127",
             "run": ["kubectl -n ${namespace} create configmap answer --from-literal=exitCode=1"
                     " --dry-run=client -o yaml | kubectl -n ${namespace} replace -f -"],
             "fails": ["the answer gives the exit code"]},
            {"why": "httpd without -f: it forks and the container ends",
             "edit": [('"httpd", "-f", "-p"', '"httpd", "-p"'), NO_ANSWER_AGAIN],
             "fails": ["${app} serves on port ${port}",
                       "${app} keeps running (ready, no restarts)"]},
            {"why": "httpd on port 80",
             "edit": [('"-p", "${port}"', '"-p", "80"'), NO_ANSWER_AGAIN],
             "fails": ["${app} serves on port ${port}"]},
        ],
    },
    "init-crashloop": {
        "correct": [{"edit": [("{key: app.yaml, path: app.conf}",
                               "{key: app.yaml, path: app.conf, mode: 0444}")]}],
        "mistakes": [
            {"why": "the init container's command changed to read app.yaml",
             "edit": [("\n      items:\n      - {key: app.yaml, path: app.conf}", ""),
                      ("cat /config/app.conf", "cat /config/app.yaml")],
             "fails": ["${init}'s command is unchanged"]},
            {"why": "the key mapped to another file name",
             "edit": [("path: app.conf}", "path: app.cfg}")],
             "fails": ["${init} ran to completion", "${init} read the configuration",
                       "${app} runs (ready, no restarts)", "${init}'s command is unchanged"]},
            {"why": "the init container removed",
             "edit": [('  initContainers:\n  - name: ${init}\n    image: busybox:1.36\n'
                       '    command: ["sh", "-c", "cat /config/app.conf"]\n    volumeMounts:\n'
                       '    - {name: config, mountPath: /config}\n', "")],
             "fails": ["${init} ran to completion", "${init} read the configuration",
                       "${init}'s command is unchanged"]},
        ],
    },
    "pending-resources": {
        "correct": [{"edit": [("requests: {cpu: 100m, memory: ${mem}}",
                               "requests: {cpu: 0.1, memory: ${mem}}")]}],
        "mistakes": [
            {"why": "no requests at all",
             "edit": [("    resources:\n      requests: {cpu: 100m, memory: ${mem}}\n", "")],
             "fails": ["${app} requests the CPU the task names",
                       "${app}'s memory request is unchanged"]},
            {"why": "the memory request raised too",
             "edit": [("requests: {cpu: 100m, memory: ${mem}}",
                       "requests: {cpu: 100m, memory: 64Gi}")],
             "fails": ["${pod} runs", "${app}'s memory request is unchanged"]},
            {"why": "more CPU than asked",
             "edit": [("requests: {cpu: 100m,", "requests: {cpu: 200m,")],
             "fails": ["${app} requests the CPU the task names"]},
        ],
    },
    "projected-volume": {
        "correct": [{"edit": [("- configMap: {name: ${cm}}",
                               "- configMap: {name: ${cm}, items: [{key: app.conf, "
                               "path: app.conf}]}")]}],
        "mistakes": [
            {"why": "the Secret left out",
             "edit": [("      - secret: {name: ${secret}}\n", "")],
             "fails": ["bundle is a projected volume",
                       "${app} finds the token in ${dir} (its value never shown)"]},
            {"why": "the labels under another file name",
             "edit": [("{path: labels,", "{path: podlabels,")],
             "fails": ["${app} finds the pod's labels in ${dir}/labels"]},
            {"why": "app.conf under another file name",
             "edit": [("- configMap: {name: ${cm}}",
                       "- configMap: {name: ${cm}, items: [{key: app.conf, path: config}]}")],
             "fails": ["${app} reads app.conf from ${dir}"]},
        ],
    },
    "prestop-hook": {
        "correct": [{"edit": [('["sh", "-c", "echo ${message} >> ${dir}/app.log"]',
                               '["/bin/sh", "-c", "echo ${message} | tee -a ${dir}/app.log"]')]}],
        "mistakes": [
            {"why": "a postStart hook: it writes when the container starts",
             "edit": [("preStop:", "postStart:")],
             "fails": ["${app} has a preStop hook"]},
            {"why": "the hook without a shell: >> is one more word for echo",
             "edit": [('["sh", "-c", "echo ${message} >> ${dir}/app.log"]',
                       '["echo", "${message}", ">>", "${dir}/app.log"]')],
             "fails": ["`kubectl logs ${pod} -c ${shipper}` shows the line the hook wrote"]},
            {"why": "/tmp/healthy removed in the shipper: the liveness probe never fails",
             "edit": [("-c ${app} -- rm /tmp/healthy", "-c ${shipper} -- rm -f /tmp/healthy")],
             "fails": ["the liveness probe restarted ${app}",
                       "`kubectl logs ${pod} -c ${shipper}` shows the line the hook wrote"]},
            {"why": "the hook writes to the container's own /tmp",
             "edit": [("echo ${message} >> ${dir}/app.log", "echo ${message} >> /tmp/app.log")],
             "fails": ["`kubectl logs ${pod} -c ${shipper}` shows the line the hook wrote"]},
        ],
    },
    "startup-probe": {
        "correct": [{"edit": [('startupProbe:\n      exec:\n        command: ["cat", "${file}"]\n'
                               '      periodSeconds: 2\n      failureThreshold: 30\n',
                               'startupProbe:\n      exec:\n        command: ["sh", "-c", '
                               '"test -e ${file}"]\n      periodSeconds: 1\n'
                               '      failureThreshold: 60\n')]}],
        "mistakes": [
            {"why": "the startup probe gives up before the app has started",
             "edit": [("failureThreshold: 30", "failureThreshold: 2")],
             "fails": ["${app} finishes starting", "${app} was never restarted"]},
            {"why": "the liveness probe delayed instead of a startup probe",
             "edit": [('    startupProbe:\n      exec:\n        command: ["cat", "${file}"]\n'
                       '      periodSeconds: 2\n      failureThreshold: 30\n', ""),
                      ("    livenessProbe:\n",
                       "    livenessProbe:\n      initialDelaySeconds: 30\n")],
             "fails": ["${app} has a startupProbe",
                       "the liveness probe still starts as soon as ${app} has started"]},
            {"why": "the liveness probe's threshold raised instead of a startup probe",
             "edit": [('    startupProbe:\n      exec:\n        command: ["cat", "${file}"]\n'
                       '      periodSeconds: 2\n      failureThreshold: 30\n', ""),
                      ("failureThreshold: 3\nEOF", "failureThreshold: 30\nEOF")],
             "fails": ["${app} has a startupProbe",
                       "the liveness probe still restarts a hung ${app} within 6 seconds"]},
        ],
    },
    "static-pod": {
        "correct": [{"edit": [("${manifests}/${pod}.yaml", "${manifests}/${pod}.manifest")]}],
        "mistakes": [
            {"why": "made with kubectl run in the namespace, not by the node's kubelet",
             "run": [ON_NODE + "rm ${manifests}/${pod}.yaml",
                     "kubectl -n ${namespace} run ${pod} --image=busybox:1.36 -- sh -c 'trap "
                     "\"exit 0\" TERM; mkdir -p /www && echo ${message} > /www/index.html && "
                     "httpd -f -p ${port} -h /www & wait'"],
             "fails": ["${pod} runs as a static pod of node ${node}", "${app} runs busybox:1.36",
                       "${pod} serves its page on port ${port}"]},
            {"why": "no namespace in the manifest: the mirror pod is in default",
             "edit": [("  namespace: ${namespace}\n", "")],
             "fails": ["${pod} runs as a static pod of node ${node}", "${app} runs busybox:1.36",
                       "${pod} serves its page on port ${port}"]},
            {"why": "httpd without -f: it forks, and the container ends",
             "edit": [("httpd -f -p", "httpd -p")],
             "fails": ["${pod} serves its page on port ${port}"]},
            {"why": "the page served on port 80",
             "edit": [("-p ${port}", "-p 80")],
             "fails": ["${pod} serves its page on port ${port}"]},
        ],
    },
    "pvc-survives": {
        "correct": [{"edit": [('["sleep", "3600"]\n    volumeMounts:\n    - {name: data, '
                               'mountPath: ${dir}}',
                               '["sleep", "3600"]\n    volumeMounts:\n    - {name: data, '
                               'mountPath: ${dir}, readOnly: true}')]}],
        "mistakes": [
            {"why": "the pod created again with an emptyDir", LAST: True,
             "edit": [("persistentVolumeClaim: {claimName: ${pvc}}", "emptyDir: {}")],
             "fails": ["${pod} keeps its data on ${pvc}",
                       "${pod}, created again, finds what it wrote before"]},
            {"why": "the claim mounted elsewhere the second time", LAST: True,
             "edit": [("{name: data, mountPath: ${dir}}", "{name: data, mountPath: /mnt}")],
             "fails": ["${pod}, created again, finds what it wrote before"]},
            {"why": "the pod created again writes the file itself", LAST: True,
             "edit": [('["sleep", "3600"]',
                       '["sh", "-c", "echo ${message} > ${dir}/${file}; sleep 3600"]')],
             "fails": ["${pod} now only sleeps"]},
        ],
    },
    "rolling-update": {
        "correct": [{"edit": [("    type: RollingUpdate\n", "")]}],
        "mistakes": [
            {"why": "one replica may go before its successor is ready", APPLY: True,
             "edit": [("{maxUnavailable: 0, maxSurge: 1}", "{maxUnavailable: 1, maxSurge: 1}")],
             "fails": ["the rollout never takes a ready replica away"]},
            {"why": "the image set back (a rollout undo)",
             "run": ["kubectl -n ${namespace} rollout undo deployment/${deploy}",
                     "kubectl -n ${namespace} rollout status deployment/${deploy} --timeout=90s"],
             "fails": ["${app} runs the new image"]},
            {"why": "scaled to one replica",
             "run": ["kubectl -n ${namespace} scale deployment/${deploy} --replicas=1",
                     "kubectl -n ${namespace} rollout status deployment/${deploy} --timeout=90s"],
             "fails": ["both replicas run the new template", "both replicas are ready"]},
        ],
    },
}

#: How a check of what the task keeps reads while nothing of the answer is done.
KEPT = "(counts once the task is begun)"


def needles(check) -> list[str]:
    """The expected value(s) as a failing line would give them away: a whole value (`x`)
    for equals and one_of (`nginx:1.277` may be seen when `nginx:1.27` is expected), the
    text itself for contains and matches."""
    if check.predicate == "equals" and isinstance(check.expected, list):
        return [show(check.expected)]  # the whole list (one right item may be seen)
    values = check.expected if isinstance(check.expected, list) else [check.expected]
    if check.predicate in ("equals", "one_of") or any(
            len(str(v)) < 3 or isinstance(v, int | float) for v in values):  # a whole number:
        return [show(v) for v in values]  # status 100 is no answer in "port 9100"
    return [str(v) for v in values]


#: Seconds a state may take to show: a pod replaced, a Job run, a crash backed off.
SETTLE = 90


def kubectl_env(admin_kubeconfig: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["KUBECONFIG"] = admin_kubeconfig
    env["PATH"] = os.pathsep.join([str(Path(KUBECTL).parent), env.get("PATH", "")])
    return env


class Run:
    """One attempt of one variant in its own namespace, its seed in every message."""

    def __init__(self, conn, kubeconfig: str, drill_id: str, label: str, variant: dict):
        self.conn, self.kubeconfig, self.label, self.variant = conn, kubeconfig, label, variant
        self.drill_id = drill_id
        self.seed = random.randint(1, 99_999)
        self.attempt = attempts.render(conn, DRILLS[drill_id], self.seed)

    def where(self) -> str:
        return f"{self.drill_id} {self.label} (seed {self.seed})"

    def fill(self, text: str) -> str:
        return string.Template(text).substitute(self.attempt.values)

    def run(self, commands: list[str]) -> None:
        for command in commands:
            # the exam has kubectl, and a shell on a node for what is done there
            assert command.lstrip().startswith("kubectl ") or (
                "node" in self.attempt.values and command.startswith(self.fill(ON_NODE))), \
                command
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", command],
                                  capture_output=True, text=True, timeout=90,
                                  env=kubectl_env(self.kubeconfig), cwd="/tmp")
            assert done.returncode == 0, (self.where(), command, done.stdout, done.stderr)

    def commands(self, variant: dict, replacing: bool = False) -> list[str]:
        if "run" in variant:
            return [self.fill(c) for c in variant["run"]]
        commands = list(self.attempt.solution)
        for old, new in variant["edit"]:
            old, new = self.fill(old), self.fill(new)
            assert any(old in c for c in commands), (self.where(), old)
            commands = [c.replace(old, new) for c in commands]
        if variant.get(LAST):
            commands = commands[-1:]
        if replacing:  # a pod's spec cannot be re-applied: the candidate replaces it
            commands = [c.replace(f"kubectl -n {self.attempt.namespace} apply -f -",
                                  f"kubectl -n {self.attempt.namespace} replace --force "
                                  "--grace-period=0 -f -") for c in commands]
        return commands

    def results(self) -> list[Result]:
        return evaluate_all(self.attempt.checks, attempts.graded(self.conn, self.attempt))

    def wait(self, done, what: str) -> list[Result]:
        deadline = time.monotonic() + SETTLE
        results = self.results()
        while not done(results):
            if time.monotonic() > deadline:
                lines = "\n  ".join(r.line() for r in results)
                raise AssertionError(f"{self.where()}: timed out after {SETTLE} s waiting for "
                                     f"{what}; last grade:\n  {lines}")
            time.sleep(0.5)
            results = self.results()
        return results

    def no_answer_given(self, results: list[Result]) -> None:
        for r in results:
            if r.passed or r.check.predicate in ("none_of", "exists") or r.detail.endswith(
                    KEPT):
                continue
            for needle in needles(r.check):
                assert needle not in r.detail, (self.where(), "gives the answer away", r.line())

    def fresh(self) -> None:
        """The setup's objects back as the setup made them."""
        for manifest in self.attempt.setup:
            text = yaml.safe_dump(manifest)
            self.run([f"kubectl -n {self.attempt.namespace} replace --force --grace-period=0 "
                      f"-f - <<'EOF'\n{text}EOF"
                      if self.exists(manifest) else
                      f"kubectl -n {self.attempt.namespace} create -f - <<'EOF'\n{text}EOF"])

    def exists(self, manifest: dict) -> bool:
        kind = manifest["kind"].lower()
        snap = attempts.snapshot(self.conn, self.attempt.namespace)
        return manifest["metadata"]["name"] in snap.get(kind, {})

    def go(self) -> None:
        attempts.start(self.conn, self.attempt)
        try:
            results = self.wait(lambda rs: not any(r.passed for r in rs),
                                "doing nothing to score 0")
            self.no_answer_given(results)
            again = self.results()  # and it stays 0 (not a moment between two restarts)
            assert not any(r.passed for r in again), (self.where(), "doing nothing scores",
                                                      [r.line() for r in again if r.passed])
            mistake = "fails" in self.variant
            # a mistake starts from the reference solution, every check passing
            self.run(list(self.attempt.solution) if mistake else self.commands(self.variant))
            self.wait(lambda rs: all(r.passed for r in rs), "every check to pass")
            if not mistake:
                return
            if self.variant.get(RECREATE):
                self.fresh()
            self.run(self.commands(self.variant, replacing=not self.variant.get(APPLY)))
            named = {self.fill(s) for s in self.variant["fails"]}
            assert named <= {c.say for c in self.attempt.checks}, (self.where(), named)
            results = self.wait(lambda rs: {r.check.say for r in rs if not r.passed} == named,
                                f"exactly {sorted(named)} to fail ({self.variant['why']})")
            self.no_answer_given(results)
        finally:
            attempts.reset(self.conn, self.attempt.namespace)
            self.remove_static_pods()

    def remove_static_pods(self) -> None:
        """What the attempt wrote to the node's manifests directory (a reset deletes the
        namespace, not a file on the node): the kubelet stops those pods."""
        manifests = self.attempt.values.get("manifests")
        if manifests:
            for path in Path(manifests).iterdir():
                if self.attempt.values["pod"] in path.read_text(encoding="utf-8"):
                    path.unlink()


def test_every_drill_has_its_variants():
    assert sorted(VARIANTS) == sorted(DRILLS)
    for drill_id in DRILLS:
        table = VARIANTS.get(drill_id, {})
        assert len(table.get("correct", [])) >= 1, drill_id  # + the reference solution
        assert len(table.get("mistakes", [])) >= 3, drill_id


#: The drills in this many groups; a group's variants all run at the same time (their
#: waits overlap on the real node), the groups one after the other (or on two workers).
GROUPS = 8  # at most 2 x 16 namespaces at once on the real node under `-n 2`


def group(n: int) -> list[str]:
    return sorted(VARIANTS)[n::GROUPS]


@pytest.mark.parametrize("n", range(GROUPS), ids=lambda n: "+".join(group(n)))
def test_drills_grade_what_the_pod_does(conn, admin_kubeconfig, n):
    runs = []
    for drill_id in group(n):
        table = VARIANTS[drill_id]
        runs += [Run(conn, admin_kubeconfig, drill_id, f"correct answer {i + 1}", v)
                 for i, v in enumerate(table["correct"])]
        runs += [Run(conn, admin_kubeconfig, drill_id, f"mistake '{v['why']}'", v)
                 for v in table["mistakes"]]
    failures: list[str] = []

    def attempt(run: Run) -> None:
        try:
            run.go()
        except Exception as exc:  # noqa: BLE001 - every variant reports, with its seed
            failures.append(f"{run.where()}: {exc}")

    threads = [threading.Thread(target=attempt, args=(r,)) for r in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, "\n".join(failures)
