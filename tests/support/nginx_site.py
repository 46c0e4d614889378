"""deploy/nginx/narvaro.conf as a plain loopback site, for the nginx tests and the national
polling bench (no tests here): its http-level lines and its TLS server without TLS (the
redirecting port-80 server left out), placeholders pointed into a folder of the caller's;
and nginx running such lines for the tests."""

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from tests.support.servers import stop, wait_for_port
from webapp.config import ROOT

DEPLOY = ROOT / "deploy"
SNIPPETS = DEPLOY / "nginx" / "snippets"
MAIN_CONF = DEPLOY / "nginx" / "narvaro-main.conf"  # nginx's main context: PCRE's JIT


def site_config(folder: Path, port: int, app_port: int, feeds: Path | None = None) -> str:
    """The site's lines for an nginx `http` block: listening on 127.0.0.1:`port`, proxying to
    127.0.0.1:`app_port`, its cache and logs in `folder`, published feeds read from `feeds`
    (default: `folder`/feeds)."""
    text = (DEPLOY / "nginx" / "narvaro.conf").read_text()
    head, _plain, tls = text.split("\nserver {")
    replacements = {
        "include snippets/": f"include {SNIPPETS}/",
        "/var/cache/nginx/narvaro": str(folder / "cache"),
        "/var/log/nginx/": f"{folder}/",
        "/srv/narvaro/app/": f"{ROOT}/",
        "/srv/narvaro/feeds/": f"{feeds or folder / 'feeds'}/",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
    }
    site = head + "\nserver {" + tls
    for placeholder, real in replacements.items():
        if placeholder not in site:
            raise RuntimeError(f"deploy/nginx/narvaro.conf no longer has {placeholder!r}")
        site = site.replace(placeholder, real)
    kept = []
    for line in site.splitlines():
        stripped = line.strip()
        if stripped.startswith("listen 443"):
            kept.append(f"    listen 127.0.0.1:{port};")
        elif not stripped.startswith(("listen [::]:443", "ssl_")):
            kept.append(line)
    return "\n".join("    " + line if line else line for line in kept)


_MAIN = """\
include {main};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    default_type text/plain;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{http}
}}
"""


@contextmanager
def running_nginx(folder: Path, http: str, port: int):
    """nginx in the foreground with `http` as its http block's lines, everything of its own in
    `folder`; yields once `port` answers, stops it after."""
    conf = folder / "nginx.conf"
    # As root, nginx would hand the workers to "nobody", who can't read the folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(_MAIN.format(main=MAIN_CONF, tmp=folder, user=user, http=http))
    args = ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    proc = subprocess.Popen([*args, "-g", "daemon off;"], stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        wait_for_port(port, proc, seconds=10)
        yield proc
    finally:
        stop(proc)
